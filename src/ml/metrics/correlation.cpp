#include "ml/metrics/correlation.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

#include "core/error.h"

namespace gogooku3::ml::metrics {
namespace {

struct ValidPairs {
  std::vector<double> x, y;
};

ValidPairs valid_pairs(std::span<const double> x, std::span<const double> y,
                       const char* correlation_name) {
  if (x.size() != y.size()) {
    throw invalid_input(
        "{}: the two series have {} and {} values; pass one prediction per target, aligned "
        "by code",
        correlation_name, x.size(), y.size());
  }
  ValidPairs pairs;
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      pairs.x.push_back(x[i]);
      pairs.y.push_back(y[i]);
    }
  }
  return pairs;
}

// Two-pass (centred) sums: exact for the tiny daily returns where the one-pass formula cancels.
double pearson_of_finite(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2) return kNaN;
  const double n = static_cast<double>(x.size());
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mean_x;
    const double dy = y[i] - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return kNaN;
  // Rounding can land a perfect correlation a hair outside [-1, 1].
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

}  // namespace

std::vector<double> average_ranks(std::span<const double> values) {
  std::vector<double> ranks(values.size(), kNaN);
  std::vector<size_t> order;
  order.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  for (size_t first = 0; first < order.size();) {
    size_t last = first;
    while (last + 1 < order.size() && values[order[last + 1]] == values[order[first]]) ++last;
    // Positions first..last (0-based) are ranks first+1..last+1; their mean is shared.
    const double shared_rank = (static_cast<double>(first + last) + 2.0) / 2.0;
    for (size_t k = first; k <= last; ++k) ranks[order[k]] = shared_rank;
    first = last + 1;
  }
  return ranks;
}

double pearson(std::span<const double> x, std::span<const double> y) {
  const ValidPairs pairs = valid_pairs(x, y, "pearson");
  return pearson_of_finite(pairs.x, pairs.y);
}

double spearman(std::span<const double> x, std::span<const double> y) {
  const ValidPairs pairs = valid_pairs(x, y, "spearman");
  return pearson_of_finite(average_ranks(pairs.x), average_ranks(pairs.y));
}

double mean_of_finite(std::span<const double> values) {
  double sum = 0;
  size_t count = 0;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    sum += v;
    ++count;
  }
  return count == 0 ? kNaN : sum / static_cast<double>(count);
}

double sample_std_of_finite(std::span<const double> values) {
  const double mean = mean_of_finite(values);
  double squares = 0;
  size_t count = 0;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    squares += (v - mean) * (v - mean);
    ++count;
  }
  return count < 2 ? kNaN : std::sqrt(squares / static_cast<double>(count - 1));
}

}  // namespace gogooku3::ml::metrics
