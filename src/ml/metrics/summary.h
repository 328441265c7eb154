// The evaluation of one prediction horizon over a run of trading days: per-day metrics
// (daily_metrics.h) averaged over days, plus the long-short portfolio (long_short.h) built
// from the same predictions. This is what validation folds and backtests report per horizon.
//
//   ic, rank_ic, rmse, hit_rate  means of the per-day values over the days where each is
//                                defined; a day with a constant prediction has no IC and is
//                                left out of the IC means rather than counted as 0, and
//                                ic_days < days shows it happened.
//   icir       mean(daily IC) / std(daily IC), Pearson-IC based (Qlib's "ICIR").
//   rank_icir  mean(daily RankIC) / std(daily RankIC), the one usually quoted ("Rank ICIR").
//              Both use the sample std (n - 1), are not annualised, and are NaN with fewer
//              than 2 defined days or zero std. Days of a horizon > 1 overlap, so daily ICs
//              are autocorrelated; the ratio is descriptive, not a t-statistic.
//   ls_*, turnover  the long-short portfolio's annualised return, Sharpe, max drawdown and
//                   turnover, exactly as defined in long_short.h.
//   days       trading days given; ic_days  days with a defined RankIC.
//
// to_json() writes these names as keys, NaN as null. Thread-safe; InvalidInput on bad input.
#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "ml/metrics/daily_metrics.h"

namespace gogooku3::ml::metrics {

struct HorizonMetrics {
  double ic = kNaN;
  double rank_ic = kNaN;
  double icir = kNaN;
  double rank_icir = kNaN;
  double rmse = kNaN;
  double hit_rate = kNaN;
  double ls_annual_return = kNaN;
  double ls_sharpe = kNaN;
  double ls_max_drawdown = kNaN;
  double turnover = kNaN;
  int days = 0;
  int ic_days = 0;
};

// `days` are consecutive trading days, oldest first; targets are `horizon`-day forward returns.
HorizonMetrics summarize_horizon(std::span<const DayCrossSection> days, int horizon);

nlohmann::json to_json(const HorizonMetrics& metrics);

}  // namespace gogooku3::ml::metrics
