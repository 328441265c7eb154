// Pairwise correlation of a feature table's columns: the check behind "no near-duplicates" in
// config/features.yaml (`gogooku3 features correlate`).
//
// Pearson correlation over the rows where both features are finite, for every pair of float
// or double columns other than code and date. Rows are subsampled evenly to at most
// `max_rows` so that 127 features x millions of rows stays a matter of seconds. Pairs come
// back sorted by |rho|, highest first.
#pragma once

#include <string>
#include <vector>

#include "core/table.h"

namespace gogooku3::features {

struct CorrelatedPair {
  std::string first, second;
  double correlation = 0;
  size_t rows = 0;  // rows where both were finite
};

std::vector<CorrelatedPair> pairwise_correlations(const Table& features, size_t max_rows = 200000);

}  // namespace gogooku3::features
