// One trading day's cross-section, and the metrics of that day alone: IC, RankIC, RMSE and hit
// rate of the predictions against the realised forward returns of one horizon.
//
// Every metric is computed per day and only then averaged over days (summary.h): pooling all
// (stock, day) pairs would let a few volatile days dominate, and is how the predecessor's
// "Sharpe" went wrong. A pair counts only when both prediction and target are finite.
//
//   ic        Pearson correlation (correlation.h); NaN with < 2 pairs or a constant side.
//   rank_ic   Spearman correlation, ties averaged; NaN under the same conditions.
//   rmse      sqrt(mean((prediction - target)^2)); NaN with no valid pair.
//   hit_rate  share of valid pairs with sign(prediction) == sign(target), counted only over
//             pairs where neither is exactly 0: a zero prediction takes no side and a zero
//             return (untraded, limit-locked) has none, so neither is a hit or a miss. NaN
//             when no pair has both signs.
//
// DayCrossSection views caller-owned columns (it owns nothing; keep the columns alive while
// it is used). Functions are pure and thread-safe; mismatched lengths throw InvalidInput.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "ml/metrics/correlation.h"

namespace gogooku3::ml::metrics {

// One trading day: codes[i] was predicted prediction[i] and then returned target[i] over the
// horizon. For quantile models, prediction is the median quantile.
struct DayCrossSection {
  std::span<const std::string> codes{};
  std::span<const double> prediction{};
  std::span<const double> target{};  // forward return over the horizon, from this day
};

struct DailyMetrics {
  double ic = kNaN;
  double rank_ic = kNaN;
  double rmse = kNaN;
  double hit_rate = kNaN;
  size_t valid_pairs = 0;  // pairs where both prediction and target are finite
};

DailyMetrics daily_metrics(std::span<const double> prediction, std::span<const double> target);

}  // namespace gogooku3::ml::metrics
