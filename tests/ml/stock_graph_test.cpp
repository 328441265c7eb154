// Tests for src/ml/dataset/stock_graph: the day's stock graph and its cache.
//
// Panels here carry only what the graph reads (returns, market, sector), written by hand. The
// hand-made cases pin the promises one at a time: perfectly correlated stocks get rho 0.9
// after shrinkage, anti-correlated ones -0.9, unrelated ones nothing; min_observations counts
// the days a pair shares; a short history leaves only self-loops. A reference implementation
// written straight from the definition (weighted correlation, shrink, threshold, top_k,
// union, self-loops, z-scored attributes) checks a random market with missing days edge by
// edge, so a slip in any step shows up as a named edge.
#include "ml/dataset/stock_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

using Series = std::vector<float>;  // one stock's returns, oldest first

// A one-day panel whose return history is `returns` (every series the same length).
Panel returns_panel(const std::vector<Series>& returns, std::vector<std::string> markets = {},
                    std::vector<std::string> sectors = {}) {
  Panel panel;
  const size_t n = returns.size();
  const size_t days = returns.front().size();
  for (size_t i = 0; i < n; ++i) panel.codes.push_back(std::to_string(10000 + 10 * i));
  panel.market = markets.empty() ? std::vector<std::string>(n, "0111") : std::move(markets);
  panel.sector33 = sectors.empty() ? std::vector<std::string>(n, "") : std::move(sectors);
  for (size_t r = 0; r < days; ++r) panel.return_days.push_back(Date::from_ymd(2024, 1, 1) + r);
  panel.days = {panel.return_days.back()};
  panel.return_day_of = {days - 1};
  panel.return_history.resize(days * n);
  for (size_t r = 0; r < days; ++r) {
    for (size_t i = 0; i < n; ++i) panel.return_history[r * n + i] = returns[i][r];
  }
  return panel;
}

std::vector<int32_t> all_codes(size_t n) {
  std::vector<int32_t> codes(n);
  for (size_t i = 0; i < n; ++i) codes[i] = static_cast<int32_t>(i);
  return codes;
}

Series random_series(std::mt19937& rng, size_t days) {
  std::normal_distribution<float> normal(0, 0.02f);
  Series series(days);
  for (float& r : series) r = normal(rng);
  return series;
}

// The definition, written out: weighted correlation over the days both stocks traded, after
// each stock's own weighted demeaning, then shrunk. nullopt when there is no correlation.
std::optional<double> reference_rho(const Series& a, const Series& b, const GraphOptions& o) {
  const size_t days = a.size();
  const size_t window = std::min(days, static_cast<size_t>(o.window));
  const size_t first = days - window;
  const auto weight = [&](size_t k) {
    return std::pow(0.5, static_cast<double>(days - 1 - k) / o.halflife);
  };
  const auto mean = [&](const Series& s) {
    double sum = 0, weights = 0;
    for (size_t k = first; k < days; ++k) {
      if (std::isfinite(s[k])) sum += weight(k) * s[k], weights += weight(k);
    }
    return sum / weights;
  };
  const double mean_a = mean(a), mean_b = mean(b);
  double covariance = 0, variance_a = 0, variance_b = 0;
  int common = 0;
  for (size_t k = first; k < days; ++k) {
    if (!std::isfinite(a[k]) || !std::isfinite(b[k])) continue;
    ++common;
    covariance += weight(k) * (a[k] - mean_a) * (b[k] - mean_b);
    variance_a += weight(k) * (a[k] - mean_a) * (a[k] - mean_a);
    variance_b += weight(k) * (b[k] - mean_b) * (b[k] - mean_b);
  }
  if (common < o.min_observations || variance_a <= 0 || variance_b <= 0) return std::nullopt;
  return std::clamp(covariance / std::sqrt(variance_a * variance_b), -1.0, 1.0) * (1 - o.shrinkage);
}

struct ExpectedEdge {
  int64_t target, source;
  double rho, same_market, same_sector;
};

// Steps 5-7 and the attribute z-scores, from reference_rho.
std::vector<ExpectedEdge> reference_graph(const Panel& panel, const std::vector<Series>& returns,
                                          const GraphOptions& o) {
  const size_t n = returns.size();
  std::map<std::pair<int64_t, int64_t>, double> edges;
  for (size_t i = 0; i < n; ++i) {
    edges[{static_cast<int64_t>(i), static_cast<int64_t>(i)}] = 1.0;
    std::vector<std::pair<double, size_t>> candidates;  // (-|rho|, j) sorts strongest first
    std::map<size_t, double> rho_of;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const std::optional<double> rho = reference_rho(returns[i], returns[j], o);
      if (!rho || std::abs(*rho) < o.threshold) continue;
      candidates.emplace_back(-std::abs(*rho), j);
      rho_of[j] = *rho;
    }
    std::sort(candidates.begin(), candidates.end());
    for (size_t k = 0; k < candidates.size() && k < static_cast<size_t>(o.top_k); ++k) {
      const auto j = static_cast<int64_t>(candidates[k].second);
      edges[{static_cast<int64_t>(i), j}] = rho_of[candidates[k].second];
      edges[{j, static_cast<int64_t>(i)}] = rho_of[candidates[k].second];
    }
  }
  std::vector<ExpectedEdge> out;
  for (const auto& [key, rho] : edges) {
    const auto i = static_cast<size_t>(key.first), j = static_cast<size_t>(key.second);
    const bool self = i == j;
    const auto same = [&](const std::vector<std::string>& labels) {
      return self || (!labels[i].empty() && labels[i] == labels[j]) ? 1.0 : 0.0;
    };
    out.push_back({key.first, key.second, rho, same(panel.market), same(panel.sector33)});
  }
  const auto standardise = [&](double ExpectedEdge::*field) {
    double sum = 0, squares = 0;
    for (const ExpectedEdge& e : out) sum += e.*field;
    const double mean = sum / static_cast<double>(out.size());
    for (const ExpectedEdge& e : out) squares += (e.*field - mean) * (e.*field - mean);
    const double spread = std::max(std::sqrt(squares / static_cast<double>(out.size())), 1e-8);
    for (ExpectedEdge& e : out) e.*field = (e.*field - mean) / spread;
  };
  standardise(&ExpectedEdge::rho);
  standardise(&ExpectedEdge::same_market);
  standardise(&ExpectedEdge::same_sector);
  return out;
}

void expect_graph_equals(const StockGraph& graph, const std::vector<ExpectedEdge>& expected) {
  ASSERT_EQ(graph.num_edges(), expected.size());
  ASSERT_EQ(graph.target.size(), expected.size());
  ASSERT_EQ(graph.edge_attr.size(), expected.size() * kEdgeAttrs);
  for (size_t e = 0; e < expected.size(); ++e) {
    EXPECT_EQ(graph.target[e], expected[e].target) << "edge " << e;
    EXPECT_EQ(graph.source[e], expected[e].source) << "edge " << e;
    EXPECT_NEAR(graph.edge_attr[e * 3 + 0], expected[e].rho, 1e-4) << "rho of edge " << e;
    EXPECT_NEAR(graph.edge_attr[e * 3 + 1], expected[e].same_market, 1e-5) << "edge " << e;
    EXPECT_NEAR(graph.edge_attr[e * 3 + 2], expected[e].same_sector, 1e-5) << "edge " << e;
  }
}

std::set<std::pair<int64_t, int64_t>> edge_set(const StockGraph& graph) {
  std::set<std::pair<int64_t, int64_t>> edges;
  for (size_t e = 0; e < graph.num_edges(); ++e) edges.insert({graph.target[e], graph.source[e]});
  return edges;
}

void expect_symmetric_with_one_self_loop_each(const StockGraph& graph, size_t n) {
  const auto edges = edge_set(graph);
  EXPECT_EQ(edges.size(), graph.num_edges()) << "no duplicate edges";
  for (const auto& [target, source] : edges) {
    EXPECT_TRUE(edges.count({source, target})) << source << " -> " << target << " alone";
  }
  std::vector<int> self_loops(n, 0);
  for (size_t e = 0; e < graph.num_edges(); ++e) {
    if (graph.source[e] == graph.target[e]) ++self_loops[static_cast<size_t>(graph.source[e])];
  }
  EXPECT_EQ(self_loops, std::vector<int>(n, 1));
  for (size_t e = 1; e < graph.num_edges(); ++e) {
    EXPECT_LT(std::make_pair(graph.target[e - 1], graph.source[e - 1]),
              std::make_pair(graph.target[e], graph.source[e]))
        << "sorted by (target, source)";
  }
}

// ---------------------------------------------------------------------------------------------

TEST(StockGraphTest, CorrelatedStocksGetEdgesOfShrunkRhoAndUnrelatedOnesNone) {
  std::mt19937 rng(11);
  const Series base = random_series(rng, 60);
  Series twice(60), opposite(60);
  for (size_t k = 0; k < 60; ++k) {
    twice[k] = 2 * base[k] + 0.001f;
    opposite[k] = -base[k];
  }
  const Series unrelated = random_series(rng, 60);
  const std::vector<Series> returns = {base, twice, unrelated, opposite};
  const Panel panel =
      returns_panel(returns, {"0111", "0111", "0111", "0112"}, {"3050", "3050", "", ""});
  const GraphOptions options;
  ASSERT_LT(std::abs(*reference_rho(base, unrelated, options)), options.threshold)
      << "the fixture's unrelated stock must be unrelated";
  const StockGraph graph = build_stock_graph(panel, 0, all_codes(4), options);

  // Raw attributes of the expected edges, in (target, source) order.
  struct Raw {
    int64_t target, source;
    double rho, market, sector;
  };
  const std::vector<Raw> raw = {
      {0, 0, 1, 1, 1},    {0, 1, 0.9, 1, 1},  {0, 3, -0.9, 0, 0}, {1, 0, 0.9, 1, 1},
      {1, 1, 1, 1, 1},    {1, 3, -0.9, 0, 0}, {2, 2, 1, 1, 1},    {3, 0, -0.9, 0, 0},
      {3, 1, -0.9, 0, 0}, {3, 3, 1, 1, 1},
  };
  std::vector<ExpectedEdge> expected;
  for (const Raw& r : raw) expected.push_back({r.target, r.source, r.rho, r.market, r.sector});
  const auto standardise = [&](double ExpectedEdge::*field) {
    double sum = 0, squares = 0;
    for (const ExpectedEdge& e : expected) sum += e.*field;
    const double mean = sum / static_cast<double>(expected.size());
    for (const ExpectedEdge& e : expected) squares += (e.*field - mean) * (e.*field - mean);
    for (ExpectedEdge& e : expected) {
      e.*field = (e.*field - mean) / std::sqrt(squares / static_cast<double>(expected.size()));
    }
  };
  standardise(&ExpectedEdge::rho);
  standardise(&ExpectedEdge::same_market);
  standardise(&ExpectedEdge::same_sector);
  expect_graph_equals(graph, expected);
  expect_symmetric_with_one_self_loop_each(graph, 4);

  // Local indices follow the order of `codes`: code 3 is node 0, code 0 node 1.
  const StockGraph pair = build_stock_graph(panel, 0, {3, 0}, options);
  EXPECT_EQ(pair.target, (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(pair.source, (std::vector<int64_t>{0, 1, 0, 1}));
  // Two values per column (self-loop and the pair) z-score to +1 / -1.
  EXPECT_NEAR(pair.edge_attr[0], 1.0f, 1e-5);
  EXPECT_NEAR(pair.edge_attr[3], -1.0f, 1e-5);
}

TEST(StockGraphTest, MatchesTheDefinitionOnARandomMarketWithMissingDays) {
  // Three sector factors plus noise, some halted days, 80 return days (window 60).
  std::mt19937 rng(3);
  const size_t n = 18, days = 80;
  std::vector<Series> factors;
  for (int k = 0; k < 3; ++k) factors.push_back(random_series(rng, days));
  std::uniform_real_distribution<float> loading(0.2f, 1.5f);
  std::bernoulli_distribution halted(0.08);
  std::vector<Series> returns;
  std::vector<std::string> markets, sectors;
  for (size_t i = 0; i < n; ++i) {
    const Series noise = random_series(rng, days);
    const float beta = loading(rng);
    Series series(days);
    for (size_t k = 0; k < days; ++k) {
      series[k] = halted(rng) ? kNaN : beta * factors[i % 3][k] + 0.8f * noise[k];
    }
    returns.push_back(series);
    markets.push_back(i % 2 == 0 ? "0111" : "0112");
    sectors.push_back(i == 5 ? "" : std::to_string(3050 + 50 * (i % 3)));
  }
  const Panel panel = returns_panel(returns, markets, sectors);
  for (const GraphOptions& options :
       {GraphOptions{.top_k = 3}, GraphOptions{.threshold = 0.2, .top_k = 1},
        GraphOptions{.window = 30,
        .halflife = 10,
        .min_observations = 25,
        .shrinkage = 0,
        .threshold = 0,
        .top_k = 100}}) {
    const StockGraph graph = build_stock_graph(panel, 0, all_codes(n), options);
    expect_graph_equals(graph, reference_graph(panel, returns, options));
    expect_symmetric_with_one_self_loop_each(graph, n);
    // Without the union, no node could have more than top_k neighbours: the edge count bounds it.
    const size_t neighbour_edges = graph.num_edges() - n;
    EXPECT_LE(neighbour_edges, 2 * n * static_cast<size_t>(options.top_k));
    EXPECT_GT(neighbour_edges, 0u);
    for (size_t column = 0; column < kEdgeAttrs; ++column) {
      double sum = 0, squares = 0;
      for (size_t e = 0; e < graph.num_edges(); ++e) sum += graph.edge_attr[e * 3 + column];
      const double mean = sum / static_cast<double>(graph.num_edges());
      for (size_t e = 0; e < graph.num_edges(); ++e) {
        squares += std::pow(graph.edge_attr[e * 3 + column] - mean, 2);
      }
      EXPECT_NEAR(mean, 0.0, 1e-5) << "column " << column;
      EXPECT_NEAR(squares / static_cast<double>(graph.num_edges()), 1.0, 1e-4)
          << "column " << column;
    }
  }
  // top_k = 1 with everything correlated: each node keeps exactly its strongest neighbour.
  const GraphOptions one{.threshold = 0, .top_k = 1};
  const auto edges = edge_set(build_stock_graph(panel, 0, all_codes(n), one));
  for (size_t i = 0; i < n; ++i) {
    size_t best = n;
    double best_abs = -1;
    for (size_t j = 0; j < n; ++j) {
      const std::optional<double> rho =
          j == i ? std::nullopt : reference_rho(returns[i], returns[j], one);
      if (rho && std::abs(*rho) > best_abs) best = j, best_abs = std::abs(*rho);
    }
    ASSERT_LT(best, n);
    EXPECT_TRUE(edges.count({static_cast<int64_t>(i), static_cast<int64_t>(best)})) << i;
  }
}

TEST(StockGraphTest, MinObservationsCountsTheDaysAPairShares) {
  std::mt19937 rng(8);
  const Series base = random_series(rng, 60);
  Series late = base, early = base, recent39 = base;
  for (size_t k = 0; k < 60; ++k) {
    if (k < 15) late[k] = kNaN;      // days 15..59: 45 observations
    if (k >= 45) early[k] = kNaN;    // days 0..44: 45 observations, 30 shared with `late`
    if (k < 21) recent39[k] = kNaN;  // 39 observations
  }
  const Panel panel = returns_panel({base, late, early, recent39});
  const auto edges = edge_set(build_stock_graph(panel, 0, all_codes(4), GraphOptions{}));
  EXPECT_TRUE(edges.count({0, 1}));
  EXPECT_TRUE(edges.count({0, 2}));
  EXPECT_FALSE(edges.count({1, 2})) << "30 shared days < 40";
  EXPECT_FALSE(edges.count({0, 3})) << "39 observations < 40";
  EXPECT_FALSE(edges.count({1, 3}));
  const auto looser =
      edge_set(build_stock_graph(panel, 0, all_codes(4), GraphOptions{.min_observations = 30}));
  EXPECT_TRUE(looser.count({1, 2}));
  EXPECT_TRUE(looser.count({0, 3}));
}

TEST(StockGraphTest, AShortHistoryLeavesOnlySelfLoops) {
  std::mt19937 rng(9);
  const Series base = random_series(rng, 30);
  const Panel panel = returns_panel({base, base, base});
  const StockGraph graph = build_stock_graph(panel, 0, all_codes(3), GraphOptions{});
  EXPECT_EQ(graph.source, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(graph.target, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(graph.edge_attr, std::vector<float>(9, 0.0f)) << "constant columns z-score to 0";
  const auto with_short_window =
      edge_set(build_stock_graph(panel, 0, all_codes(3), GraphOptions{.min_observations = 20}));
  EXPECT_EQ(with_short_window.size(), 9u);
  const StockGraph empty = build_stock_graph(panel, 0, {}, GraphOptions{});
  EXPECT_EQ(empty.num_edges(), 0u);
}

TEST(StockGraphTest, RejectsBadOptionsAndCodes) {
  std::mt19937 rng(1);
  const Panel panel = returns_panel({random_series(rng, 10), random_series(rng, 10)});
  const auto category = [&](const std::function<void()>& call) {
    try {
      call();
    } catch (const Error& error) {
      return error.category();
    }
    ADD_FAILURE() << "expected an Error";
    return ErrorCategory::kInternal;
  };
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 0, {0, 2}, {});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 0, {1, 1}, {});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 1, {0, 1}, {});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 0, {0, 1}, {.window = 1});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 0, {0, 1}, {.shrinkage = 1.5});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] {
              build_stock_graph(panel, 0, {0, 1}, {.halflife = 0});
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { StockGraphCache(panel, {.top_k = -1}); }), ErrorCategory::kInvalidInput);
}

TEST(StockGraphCacheTest, BuildsEachDayOnceAndReturnsTheSameObject) {
  std::mt19937 rng(4);
  std::vector<Series> returns;
  for (int i = 0; i < 6; ++i) returns.push_back(random_series(rng, 60));
  returns.push_back(returns[0]);
  const Panel panel = returns_panel(returns);
  const GraphOptions options{.threshold = 0.1};
  StockGraphCache cache(panel, options);
  const std::vector<int32_t> codes = all_codes(returns.size());
  std::vector<const StockGraph*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] { seen[t] = &cache.get(0, codes); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const StockGraph* graph : seen) EXPECT_EQ(graph, seen[0]);
  EXPECT_EQ(&cache.get(0, codes), seen[0]);
  const StockGraph direct = build_stock_graph(panel, 0, codes, options);
  EXPECT_EQ(seen[0]->source, direct.source);
  EXPECT_EQ(seen[0]->target, direct.target);
  EXPECT_EQ(seen[0]->edge_attr, direct.edge_attr);
  EXPECT_GT(direct.num_edges(), returns.size()) << "stocks 0 and 6 are identical";
  try {
    cache.get(0, {0, 1});
    ADD_FAILURE() << "other codes for a cached day must be refused";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
  }
}

}  // namespace
}  // namespace gogooku3::ml
