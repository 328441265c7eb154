// Running a kernel over a series with halted days.
//
// A halted day is a row whose inputs are not all finite (J-Quants reports a day without trades
// with null prices). TA-Lib has no notion of them, so we define one: a kernel sees only the
// traded days, in order, as if the halted days did not exist, and every output of a halted day
// is NaN. An indicator therefore keeps its state across a halt (a 14-day RSI after a week's
// halt uses the last 14 traded days), which is what a chart of the traded days shows.
//
//   GapCompressor gaps({open, high, low, close, volume});   // rows where all are finite
//   auto c = gaps.compress(close);                            // traded days only
//   rsi(c, 14, scratch);  gaps.expand(scratch, out);           // NaN on halted days
// When no row is halted compress() returns the input as it is (no copy).
#pragma once

#include <initializer_list>
#include <vector>

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

class GapCompressor {
 public:
  // Every input has the same length n (InvalidInput otherwise).
  explicit GapCompressor(std::initializer_list<Series> inputs);

  bool has_gaps() const { return kept_.size() != n_; }
  size_t traded_days() const { return kept_.size(); }
  // The input restricted to traded days; `storage` holds the copy when one is needed.
  Series compress(Series in, std::vector<double>& storage) const;
  // Scatters `compact` (traded_days() values) back into `out` (n values), NaN elsewhere.
  void expand(Series compact, Output out) const;

 private:
  size_t n_ = 0;
  std::vector<size_t> kept_;
};

}  // namespace gogooku3::features::indicators
