#include "ml/dataset/stock_graph.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

constexpr double kStdFloor = 1e-8;

void check_options(const GraphOptions& options) {
  if (options.window < 2) {
    throw invalid_input("stock graph: window must be at least 2 return days, got {}",
                        options.window);
  }
  if (!(options.halflife > 0) || !std::isfinite(options.halflife)) {
    throw invalid_input("stock graph: halflife must be a positive number of days, got {}",
                        options.halflife);
  }
  if (options.min_observations < 2) {
    throw invalid_input("stock graph: min_observations must be at least 2, got {}",
                        options.min_observations);
  }
  if (!(options.shrinkage >= 0 && options.shrinkage <= 1)) {
    throw invalid_input("stock graph: shrinkage must lie in [0, 1], got {}", options.shrinkage);
  }
  if (!(options.threshold >= 0) || !std::isfinite(options.threshold)) {
    throw invalid_input("stock graph: threshold must be a number >= 0, got {}", options.threshold);
  }
  if (options.top_k < 0) {
    throw invalid_input("stock graph: top_k must be at least 0, got {}", options.top_k);
  }
}

void check_codes(const Panel& panel, const std::vector<int32_t>& codes) {
  std::vector<uint8_t> seen(panel.num_codes(), 0);
  for (const int32_t code : codes) {
    if (code < 0 || static_cast<size_t>(code) >= panel.num_codes()) {
      throw invalid_input("stock graph: code index {} is out of range; the panel has {} codes",
                          code, panel.num_codes());
    }
    if (seen[static_cast<size_t>(code)]++ != 0) {
      throw invalid_input("stock graph: code index {} ({}) appears twice; pass each stock once",
                          code, panel.codes[static_cast<size_t>(code)]);
    }
  }
}

// The window in day-major order (a row is one day, across all the graph's stocks), so that
// every pairwise sum of step 3 for node i against all j is an axpy over contiguous rows, which
// the compiler vectorises (a dot product per pair would be a sequential float reduction):
//   z        sqrt(w) * (r - the stock's weighted mean), 0 on untraded days
//   z^2      its square
//   traded   1 / 0
// On a day node i did not trade, its z, z^2 and traded are all 0, so that day adds nothing to
// any of i's sums and is skipped.
struct ReturnWindows {
  size_t window = 0;
  size_t stocks = 0;
  std::vector<float> z, z_squared, traded;  // [day][stock]
  std::vector<size_t> observations;         // per stock
  std::vector<float> total_z_squared;       // per stock, over the whole window, in day order
  std::vector<float> total_traded;          // per stock: observations as a float

  const float* z_row(size_t k) const { return z.data() + k * stocks; }
  const float* z_squared_row(size_t k) const { return z_squared.data() + k * stocks; }
  const float* traded_row(size_t k) const { return traded.data() + k * stocks; }
};

ReturnWindows demeaned_windows(const Panel& panel, size_t day_index,
                               const std::vector<int32_t>& codes, const GraphOptions& options) {
  const size_t last = panel.return_day_of[day_index];
  ReturnWindows windows;
  windows.window = std::min(static_cast<size_t>(options.window), last + 1);
  windows.stocks = codes.size();
  const size_t window = windows.window;
  const size_t n = windows.stocks;
  const size_t first = last + 1 - window;
  std::vector<double> weights(window);
  for (size_t k = 0; k < window; ++k) {
    weights[k] = std::pow(0.5, static_cast<double>(window - 1 - k) / options.halflife);
  }
  windows.z.assign(window * n, 0.0f);
  windows.z_squared.assign(window * n, 0.0f);
  windows.traded.assign(window * n, 0.0f);
  windows.observations.assign(n, 0);
  windows.total_z_squared.assign(n, 0.0f);
  windows.total_traded.assign(n, 0.0f);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n), [&](const auto& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      const auto c = static_cast<size_t>(codes[i]);
      double weighted_sum = 0, weight_sum = 0;
      size_t observations = 0;
      for (size_t k = 0; k < window; ++k) {
        const float r = panel.history_return(first + k, c);
        if (!std::isfinite(r)) continue;
        weighted_sum += weights[k] * r;
        weight_sum += weights[k];
        ++observations;
      }
      windows.observations[i] = observations;
      if (observations == 0) continue;
      const double mean = weighted_sum / weight_sum;
      for (size_t k = 0; k < window; ++k) {
        const float r = panel.history_return(first + k, c);
        if (!std::isfinite(r)) continue;
        const double z = std::sqrt(weights[k]) * (r - mean);
        windows.z[k * n + i] = static_cast<float>(z);
        windows.z_squared[k * n + i] = static_cast<float>(z * z);
        windows.traded[k * n + i] = 1.0f;
        // Summed in day order like strongest_neighbours' sums, so both ends of a pair agree.
        windows.total_z_squared[i] += static_cast<float>(z * z);
      }
      windows.total_traded[i] = static_cast<float>(observations);
    }
  });
  return windows;
}

struct Neighbour {
  int64_t node;
  double rho;
};

// Per-thread sums of node i against every j.
struct PairSums {
  std::vector<float> covariance, variance_i, variance_j, common;
  explicit PairSums(size_t n) : covariance(n), variance_i(n), variance_j(n), common(n) {}
};

// Steps 3-5 for node i: its kept neighbours, strongest first.
std::vector<Neighbour> strongest_neighbours(const ReturnWindows& windows, size_t i,
                                            const GraphOptions& options, PairSums& sums) {
  const size_t n = windows.stocks;
  const auto min_observations = static_cast<size_t>(options.min_observations);
  std::vector<Neighbour> candidates;
  if (windows.observations[i] < min_observations || options.top_k == 0) return candidates;
  float* covariance = sums.covariance.data();
  float* variance_i = sums.variance_i.data();  // sum of w d_i^2 over the days j traded too
  float* variance_j = sums.variance_j.data();  // sum of w d_j^2 over the days i traded too
  float* common = sums.common.data();
  std::fill(covariance, covariance + n, 0.0f);
  std::fill(variance_i, variance_i + n, 0.0f);
  // When i traded every day of the window, j's sums over the common days are j's totals: two of
  // the four sums per day are then not needed (most stocks trade every day).
  const bool i_traded_every_day = windows.observations[i] == windows.window;
  if (i_traded_every_day) {
    std::copy(windows.total_z_squared.begin(), windows.total_z_squared.end(), variance_j);
    std::copy(windows.total_traded.begin(), windows.total_traded.end(), common);
  } else {
    std::fill(variance_j, variance_j + n, 0.0f);
    std::fill(common, common + n, 0.0f);
  }
  for (size_t k = 0; k < windows.window; ++k) {
    if (windows.traded_row(k)[i] == 0.0f) continue;
    const float z_i = windows.z_row(k)[i];
    const float z_squared_i = windows.z_squared_row(k)[i];
    const float* z = windows.z_row(k);
    const float* z_squared = windows.z_squared_row(k);
    const float* traded = windows.traded_row(k);
    for (size_t j = 0; j < n; ++j) {
      covariance[j] += z_i * z[j];
      variance_i[j] += z_squared_i * traded[j];
    }
    if (i_traded_every_day) continue;
    for (size_t j = 0; j < n; ++j) {
      variance_j[j] += z_squared[j];
      common[j] += traded[j];
    }
  }
  for (size_t j = 0; j < n; ++j) {
    if (j == i || common[j] < static_cast<float>(min_observations)) continue;
    if (!(variance_i[j] > 0) || !(variance_j[j] > 0)) continue;  // flat returns: no correlation
    const double rho = std::clamp(static_cast<double>(covariance[j]) /
                                      std::sqrt(static_cast<double>(variance_i[j]) * variance_j[j]),
                                  -1.0, 1.0) *
                       (1.0 - options.shrinkage);
    if (std::abs(rho) >= options.threshold) {
      candidates.push_back({static_cast<int64_t>(j), rho});
    }
  }
  const auto stronger = [](const Neighbour& a, const Neighbour& b) {
    const double abs_a = std::abs(a.rho), abs_b = std::abs(b.rho);
    return abs_a != abs_b ? abs_a > abs_b : a.node < b.node;
  };
  const size_t keep = std::min(candidates.size(), static_cast<size_t>(options.top_k));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<ptrdiff_t>(keep),
                    candidates.end(), stronger);
  candidates.resize(keep);
  return candidates;
}

bool same_label(const std::string& a, const std::string& b) { return !a.empty() && a == b; }

// z-scores column `column` of the [E, kEdgeAttrs] attributes in place.
void standardise_column(std::vector<float>& attrs, size_t edges, size_t column) {
  double sum = 0;
  for (size_t e = 0; e < edges; ++e) sum += attrs[e * kEdgeAttrs + column];
  const double mean = sum / static_cast<double>(edges);
  double squares = 0;
  for (size_t e = 0; e < edges; ++e) {
    const double deviation = attrs[e * kEdgeAttrs + column] - mean;
    squares += deviation * deviation;
  }
  const double spread = std::max(std::sqrt(squares / static_cast<double>(edges)), kStdFloor);
  for (size_t e = 0; e < edges; ++e) {
    float& value = attrs[e * kEdgeAttrs + column];
    value = static_cast<float>((value - mean) / spread);
  }
}

}  // namespace

StockGraph build_stock_graph(const Panel& panel, size_t day_index,
                             const std::vector<int32_t>& codes, const GraphOptions& options) {
  check_options(options);
  if (day_index >= panel.num_days()) {
    throw invalid_input("stock graph: day index {} is out of range; the panel has {} days",
                        day_index, panel.num_days());
  }
  check_codes(panel, codes);
  const size_t n = codes.size();
  const ReturnWindows windows = demeaned_windows(panel, day_index, codes, options);
  std::vector<std::vector<Neighbour>> chosen(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n), [&](const auto& range) {
    PairSums sums(n);
    for (size_t i = range.begin(); i != range.end(); ++i) {
      chosen[i] = strongest_neighbours(windows, i, options, sums);
    }
  });

  // (target, source, rho); each chosen pair both ways, then one self-loop per node.
  std::vector<std::tuple<int64_t, int64_t, double>> edges;
  for (size_t i = 0; i < n; ++i) {
    const auto node = static_cast<int64_t>(i);
    edges.emplace_back(node, node, 1.0);
    for (const Neighbour& neighbour : chosen[i]) {
      edges.emplace_back(node, neighbour.node, neighbour.rho);
      edges.emplace_back(neighbour.node, node, neighbour.rho);
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const auto& a, const auto& b) {
                            return std::get<0>(a) == std::get<0>(b) &&
                                   std::get<1>(a) == std::get<1>(b);
                          }),
              edges.end());

  StockGraph graph;
  const size_t count = edges.size();
  graph.source.reserve(count);
  graph.target.reserve(count);
  graph.edge_attr.reserve(count * kEdgeAttrs);
  for (const auto& [target, source, rho] : edges) {
    graph.target.push_back(target);
    graph.source.push_back(source);
    const auto i = static_cast<size_t>(codes[static_cast<size_t>(target)]);
    const auto j = static_cast<size_t>(codes[static_cast<size_t>(source)]);
    const bool self = i == j;
    graph.edge_attr.push_back(static_cast<float>(rho));
    graph.edge_attr.push_back(self || same_label(panel.market[i], panel.market[j]) ? 1.0f : 0.0f);
    graph.edge_attr.push_back(self || same_label(panel.sector33[i], panel.sector33[j]) ? 1.0f
                                                                                       : 0.0f);
  }
  if (count > 0) {
    for (size_t column = 0; column < kEdgeAttrs; ++column) {
      standardise_column(graph.edge_attr, count, column);
    }
  }
  return graph;
}

StockGraphCache::StockGraphCache(const Panel& panel, GraphOptions options)
    : panel_(panel), options_(options) {
  check_options(options_);
}

const StockGraph& StockGraphCache::get(size_t day_index, const std::vector<int32_t>& codes) {
  const auto checked = [&](const Entry& entry) -> const StockGraph& {
    if (entry.codes != codes) {
      throw invalid_input(
          "stock graph cache: day {} was built for {} stocks and is now asked for {} others; "
          "ask each day with its batch's codes",
          day_index, entry.codes.size(), codes.size());
    }
    return entry.graph;
  };
  {
    const std::lock_guard lock(mutex_);
    const auto found = entries_.find(day_index);
    if (found != entries_.end()) return checked(*found->second);
  }
  // Built outside the lock, so that different days build in parallel.
  auto entry = std::make_unique<Entry>();
  entry->codes = codes;
  entry->graph = build_stock_graph(panel_, day_index, codes, options_);
  const std::lock_guard lock(mutex_);
  const auto [position, inserted] = entries_.emplace(day_index, std::move(entry));
  return checked(*position->second);
}

}  // namespace gogooku3::ml
