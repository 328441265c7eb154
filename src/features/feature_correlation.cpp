#include "features/feature_correlation.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

namespace gogooku3::features {

std::vector<CorrelatedPair> pairwise_correlations(const Table& features, size_t max_rows) {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  const size_t n = features.num_rows();
  const size_t step = std::max<size_t>(1, (n + max_rows - 1) / std::max<size_t>(1, max_rows));
  for (const Column& column : features.columns()) {
    if (column.type() != ColumnType::kFloat && column.type() != ColumnType::kDouble) continue;
    std::vector<double> sampled;
    sampled.reserve(n / step + 1);
    for (size_t row = 0; row < n; row += step) {
      sampled.push_back(column.type() == ColumnType::kFloat ? column.as<float>()[row]
                                                            : column.as<double>()[row]);
    }
    names.push_back(column.name());
    columns.push_back(std::move(sampled));
  }
  std::vector<std::vector<CorrelatedPair>> by_first(names.size());
  tbb::parallel_for(size_t{0}, names.size(), [&](size_t a) {
    for (size_t b = a + 1; b < names.size(); ++b) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      size_t m = 0;
      for (size_t i = 0; i < columns[a].size(); ++i) {
        const double x = columns[a][i], y = columns[b][i];
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
        ++m;
      }
      if (m < 3) continue;
      const double mm = static_cast<double>(m);
      const double cov = sxy - sx * sy / mm;
      const double vx = sxx - sx * sx / mm, vy = syy - sy * sy / mm;
      if (!(vx > 0 && vy > 0)) continue;
      by_first[a].push_back({names[a], names[b], cov / std::sqrt(vx * vy), m});
    }
  });
  std::vector<CorrelatedPair> pairs;
  for (auto& list : by_first) pairs.insert(pairs.end(), list.begin(), list.end());
  std::sort(pairs.begin(), pairs.end(), [](const CorrelatedPair& x, const CorrelatedPair& y) {
    return std::abs(x.correlation) > std::abs(y.correlation);
  });
  return pairs;
}

}  // namespace gogooku3::features
