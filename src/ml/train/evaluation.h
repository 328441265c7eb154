// Out-of-sample predictions of one model, and what metrics.json reports about them.
//
// A model (the network, a baseline, or the sample market's oracle) produces, for each test
// day, one number per stock and horizon: the median quantile for the network, the point
// prediction for a baseline. DayPredictions keeps them next to the realised raw forward
// returns, so every model is scored by the same code (ml/metrics) on the same days.
//
// metrics.json's shape (issue 8):
//   {"<horizon>d": {"ic", "rank_ic", "icir", "rank_icir", "rmse", "hit_rate", "ls_annual_return",
//                   "ls_sharpe", "ls_max_drawdown", "turnover", "days", "ic_days"}, ...}
// per model, per fold and overall; "overall" scores the concatenated test blocks of all folds
// (consecutive, non-overlapping days), which is not the mean of the fold numbers.
//
// RMSE compares the prediction with the raw forward return: the network and the baselines are
// trained on per-day z-scored targets, so their RMSE measures scale as much as skill; rank
// metrics are the ones to compare models by.
//
// Predictions round-trip through JSON so a resumed run keeps the folds it already finished.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "ml/metrics/summary.h"

namespace gogooku3::ml {

struct DayPredictions {
  Date date;
  std::vector<std::string> codes;               // B, unique
  std::vector<std::vector<double>> prediction;  // [H][B]; NaN = no prediction
  std::vector<std::vector<double>> target;      // [H][B] raw forward returns; NaN = unknown
};

// One HorizonMetrics per horizon (same order as `horizons`). `days` must be consecutive
// trading days, oldest first (long_short.h rebalances every h of them).
std::vector<metrics::HorizonMetrics> evaluate(std::span<const DayPredictions> days,
                                              std::span<const int> horizons);

// {"1d": {...}, "5d": {...}}.
nlohmann::json metrics_json(const std::vector<metrics::HorizonMetrics>& per_horizon,
                            std::span<const int> horizons);

// "5d" for 5.
std::string horizon_key(int horizon);

nlohmann::json to_json(const DayPredictions& day);
DayPredictions day_predictions_from_json(const nlohmann::json& json);

}  // namespace gogooku3::ml
