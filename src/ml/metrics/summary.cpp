#include "ml/metrics/summary.h"

#include <cmath>
#include <vector>

#include "core/error.h"
#include "ml/metrics/long_short.h"

namespace gogooku3::ml::metrics {
namespace {

// NaN when either moment is undefined or the spread is zero (every day the same IC).
double information_ratio(std::span<const double> daily_ics) {
  const double spread = sample_std_of_finite(daily_ics);
  if (!(spread > 0)) return kNaN;
  return mean_of_finite(daily_ics) / spread;
}

nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

HorizonMetrics summarize_horizon(std::span<const DayCrossSection> days, int horizon) {
  std::vector<double> ics, rank_ics, rmses, hit_rates;
  HorizonMetrics metrics;
  for (size_t d = 0; d < days.size(); ++d) {
    if (days[d].codes.size() != days[d].prediction.size()) {
      throw invalid_input(
          "horizon {} metrics, day {}: {} codes but {} predictions; pass one prediction and one "
          "target per code",
          horizon, d, days[d].codes.size(), days[d].prediction.size());
    }
    const DailyMetrics day = daily_metrics(days[d].prediction, days[d].target);
    ics.push_back(day.ic);
    rank_ics.push_back(day.rank_ic);
    rmses.push_back(day.rmse);
    hit_rates.push_back(day.hit_rate);
    if (std::isfinite(day.rank_ic)) ++metrics.ic_days;
  }
  metrics.days = static_cast<int>(days.size());
  metrics.ic = mean_of_finite(ics);
  metrics.rank_ic = mean_of_finite(rank_ics);
  metrics.icir = information_ratio(ics);
  metrics.rank_icir = information_ratio(rank_ics);
  metrics.rmse = mean_of_finite(rmses);
  metrics.hit_rate = mean_of_finite(hit_rates);

  const LongShortResult portfolio = long_short(days, horizon);
  metrics.ls_annual_return = portfolio.annual_return;
  metrics.ls_sharpe = portfolio.sharpe;
  metrics.ls_max_drawdown = portfolio.max_drawdown;
  metrics.turnover = portfolio.turnover;
  return metrics;
}

nlohmann::json to_json(const HorizonMetrics& metrics) {
  return {
      {"ic", number_or_null(metrics.ic)},
      {"rank_ic", number_or_null(metrics.rank_ic)},
      {"icir", number_or_null(metrics.icir)},
      {"rank_icir", number_or_null(metrics.rank_icir)},
      {"rmse", number_or_null(metrics.rmse)},
      {"hit_rate", number_or_null(metrics.hit_rate)},
      {"ls_annual_return", number_or_null(metrics.ls_annual_return)},
      {"ls_sharpe", number_or_null(metrics.ls_sharpe)},
      {"ls_max_drawdown", number_or_null(metrics.ls_max_drawdown)},
      {"turnover", number_or_null(metrics.turnover)},
      {"days", metrics.days},
      {"ic_days", metrics.ic_days},
  };
}

}  // namespace gogooku3::ml::metrics
