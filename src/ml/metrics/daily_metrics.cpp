#include "ml/metrics/daily_metrics.h"

#include <cmath>

#include "core/error.h"

namespace gogooku3::ml::metrics {

DailyMetrics daily_metrics(std::span<const double> prediction, std::span<const double> target) {
  if (prediction.size() != target.size()) {
    throw invalid_input(
        "daily metrics: {} predictions but {} targets; pass one target per prediction, "
        "aligned by code",
        prediction.size(), target.size());
  }
  DailyMetrics day;
  day.ic = pearson(prediction, target);
  day.rank_ic = spearman(prediction, target);

  double squared_error = 0;
  size_t hits = 0;
  size_t signed_pairs = 0;
  for (size_t i = 0; i < prediction.size(); ++i) {
    const double p = prediction[i];
    const double t = target[i];
    if (!std::isfinite(p) || !std::isfinite(t)) continue;
    ++day.valid_pairs;
    squared_error += (p - t) * (p - t);
    if (p == 0 || t == 0) continue;
    ++signed_pairs;
    if ((p > 0) == (t > 0)) ++hits;
  }
  if (day.valid_pairs > 0) {
    day.rmse = std::sqrt(squared_error / static_cast<double>(day.valid_pairs));
  }
  if (signed_pairs > 0) {
    day.hit_rate = static_cast<double>(hits) / static_cast<double>(signed_pairs);
  }
  return day;
}

}  // namespace gogooku3::ml::metrics
