#include "features/indicators/gap_aware.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace gogooku3::features::indicators {

GapCompressor::GapCompressor(std::initializer_list<Series> inputs) {
  if (inputs.size() == 0) return;
  n_ = inputs.begin()->size();
  for (const Series& input : inputs) {
    if (input.size() != n_) {
      throw invalid_input("gap-aware indicator: inputs of {} and {} values", n_, input.size());
    }
  }
  kept_.reserve(n_);
  for (size_t row = 0; row < n_; ++row) {
    bool traded = true;
    for (const Series& input : inputs) traded = traded && std::isfinite(input[row]);
    if (traded) kept_.push_back(row);
  }
}

Series GapCompressor::compress(Series in, std::vector<double>& storage) const {
  if (in.size() != n_) {
    throw invalid_input("gap-aware indicator: series of {} values, expected {}", in.size(), n_);
  }
  if (!has_gaps()) return in;
  storage.resize(kept_.size());
  for (size_t i = 0; i < kept_.size(); ++i) storage[i] = in[kept_[i]];
  return storage;
}

void GapCompressor::expand(Series compact, Output out) const {
  if (compact.size() != kept_.size() || out.size() != n_) {
    throw invalid_input("gap-aware indicator: expand {} values into {}, expected {} into {}",
                        compact.size(), out.size(), kept_.size(), n_);
  }
  if (!has_gaps()) {
    if (compact.data() != out.data()) std::copy(compact.begin(), compact.end(), out.begin());
    return;
  }
  // Walk backwards so that expanding in place (compact aliasing the front of out) is safe.
  size_t next = n_;
  for (size_t i = kept_.size(); i-- > 0;) {
    const size_t row = kept_[i];
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(row) + 1,
              out.begin() + static_cast<std::ptrdiff_t>(next), kNaN);
    out[row] = compact[i];
    next = row;
  }
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(next), kNaN);
}

}  // namespace gogooku3::features::indicators
