// StockGraph: the graph of one day's stocks that the model's graph-attention layer reads.
//
// Nodes are the batch's stocks (local indices 0..B-1, the order of DayBatch::codes). An edge
// j -> i carries [rho, same_market, same_sector33], and the edge list is what the model takes:
// edge_index [2, E] (row 0 = source, row 1 = target) and edge_attr [E, 3].
//
// How edges are chosen, from the daily returns of the `window` return days ending at the batch
// day (inclusive: the day's return is known at its close, before the model predicts the days
// after it), so the graph never looks ahead:
//   1. EWM weights w = 0.5^(age / halflife), the newest day age 0 (weight 1).
//   2. Each stock's returns are demeaned by its own weighted mean over the days it traded.
//   3. rho(i, j) = sum w d_i d_j / sqrt(sum w d_i^2 * sum w d_j^2), all sums over the days both
//      traded; fewer than min_observations such days gives no edge.
//   4. Shrinkage towards 0: rho * (1 - shrinkage).
//   5. Per node, the candidates with |rho| >= threshold, the top_k by |rho| (ties: lower index).
//   6. Symmetrise: an edge kept by either end becomes an edge both ways (a node may therefore
//      have more than top_k neighbours, but each kept pair was some node's top_k choice).
//   7. Exactly one self-loop per node, with rho 1 and both flags 1, so every node has an
//      incoming edge.
// same_market / same_sector33 are 1 when both codes carry the same non-empty value.
// Then each attribute column is z-scored over the day's E edges (population std, floor 1e-8),
// as the model expects. Edges are sorted by (target, source): the same inputs always give the
// same graph, byte for byte.
//
// Cost: for each node, a few vectorised passes over the window against all B stocks
// (O(B^2 * window)), parallel over nodes (TBB), with per-thread buffers of B floats; 4,000
// stocks with a 60-day window take 0.3-0.5 s on two shared cores at -O3.
//
// Errors: InvalidInput for options out of range, a day index out of range, or a code index
// out of range or repeated. StockGraphCache is thread-safe; a StockGraph is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "ml/dataset/panel.h"

namespace gogooku3::ml {

inline constexpr size_t kEdgeAttrs = 3;  // rho, same_market, same_sector33

struct GraphOptions {
  int window = 60;            // return days, >= 2
  double halflife = 30;       // return days, > 0
  int min_observations = 40;  // common traded days for a pair, >= 2
  double shrinkage = 0.1;     // in [0, 1]
  double threshold = 0.3;     // on |shrunk rho|, >= 0
  int top_k = 20;             // per node before symmetrising, >= 0
};

struct StockGraph {
  std::vector<int64_t> source;   // E, local batch indices
  std::vector<int64_t> target;   // E
  std::vector<float> edge_attr;  // [E, kEdgeAttrs], z-scored per column

  size_t num_edges() const { return source.size(); }
};

// The graph of the stocks `codes` (code indices into the panel, any order; local index b is
// codes[b]) on panel day `day_index`.
StockGraph build_stock_graph(const Panel& panel, size_t day_index,
                             const std::vector<int32_t>& codes, const GraphOptions& options);

// Builds each day's graph once. get() may be called from any number of threads; two threads
// asking for the same new day may both build it, and one result is kept. The returned
// reference stays valid for the cache's lifetime. A day must always be asked with the same
// codes (its batch's): other codes are InvalidInput rather than a stale graph.
class StockGraphCache {
 public:
  StockGraphCache(const Panel& panel, GraphOptions options);

  const StockGraph& get(size_t day_index, const std::vector<int32_t>& codes);

 private:
  struct Entry {
    std::vector<int32_t> codes;
    StockGraph graph;
  };

  const Panel& panel_;
  GraphOptions options_;
  std::mutex mutex_;
  std::map<size_t, std::unique_ptr<Entry>> entries_;
};

}  // namespace gogooku3::ml
