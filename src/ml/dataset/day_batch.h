// Dataset: turns a Panel into the model's day-batches, one trading day at a time.
//
// A DayBatch holds the B stocks of one day, ascending by code index, that are listed that day
// and have at least one observed feature. For each it carries the trailing window of
// T = lookback panel days ending at the batch day (oldest first):
//   x      [B, T, F]  features z-scored per (day, feature), clipped to [-clip, clip], 0 missing
//   mask   [B, T, F]  1 observed, 0 missing: NaN, not listed that day, or a window day before
//                     the panel's first day
//   target [B, 4]     labels z-scored across the batch's stocks per horizon, 0 unknown
//   target_mask [B, 4], raw_target [B, 4] (raw forward returns, NaN unknown; metrics use these)
// A value is observed when it is finite.
//
// Normalisation. Every statistic is taken over ONE day's cross-section: a feature value on day
// t is (v - mean_t) / std_t, where mean_t and std_t are the mean and population standard
// deviation (floored at 1e-8) of that feature over every stock observed on day t, and a label
// likewise over the batch's stocks with a known label. Mean/std, not ranks: the model sees how
// far a stock is from the day's crowd, and clipping tames the tails that ranks would flatten.
// No statistic crosses from one day into another, so nothing of a test period can leak into
// training through normalisation: the requirement to fit normalisation "inside each training
// fold only" holds trivially, whatever the folds. A day's window uses each earlier day's own
// statistics, so a stock's x at day t is the same in every batch whose window contains t.
//
// No look-ahead: batch(d) reads features of days <= d only; the targets are the one part that
// looks forward, by definition.
//
// The constructor precomputes the per-(day, feature) mean and 1/std once, in parallel over
// days (TBB); a batch applies them while it copies the window, which costs the same as copying
// precomputed z-scores and keeps memory at one copy of the panel.
//
// Threads: const methods only read; call batch() from any number of threads. The Dataset keeps
// a reference to the Panel, which must outlive it.
//
// Errors: InvalidInput for options out of range, a day index out of range, or a day with fewer
// than min_stocks stocks (usable_days() lists the days that have enough).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "ml/dataset/panel.h"

namespace gogooku3::ml {

struct DatasetOptions {
  int lookback = 20;    // T, >= 1
  double clip = 5.0;    // |z| bound, > 0
  int min_stocks = 10;  // a day with fewer stocks is not a batch, >= 1
};

struct DayBatch {
  Date date;
  size_t day_index = 0;        // into panel.days
  std::vector<int32_t> codes;  // B code indices into panel.codes, ascending
  int lookback = 0;
  int num_features = 0;
  std::vector<float> x;            // [B, T, F]
  std::vector<float> mask;         // [B, T, F]
  std::vector<float> target;       // [B, 4]
  std::vector<float> target_mask;  // [B, 4]
  std::vector<float> raw_target;   // [B, 4]

  size_t num_stocks() const { return codes.size(); }
};

class Dataset {
 public:
  Dataset(const Panel& panel, DatasetOptions options);

  // The batch of panel day `day_index`.
  DayBatch batch(size_t day_index) const;
  // The batch day's features for baselines, [B, F]: z-scored and clipped like x, NaN where
  // missing (XGBoost takes NaN as missing).
  std::vector<float> last_day_features(const DayBatch& batch) const;

  // Stocks a batch of that day would hold (listed with >= 1 observed feature).
  size_t num_stocks(size_t day_index) const { return stocks_per_day_[day_index]; }
  // Day indices with at least min_stocks stocks, ascending: the days batch() accepts.
  const std::vector<size_t>& usable_days() const { return usable_days_; }

  const Panel& panel() const { return panel_; }
  const DatasetOptions& options() const { return options_; }

 private:
  void check_day(size_t day_index) const;
  // z-scored, clipped value of feature f of code c on day d; NaN when not observed.
  float normalised(size_t d, size_t c, size_t f) const;

  const Panel& panel_;
  DatasetOptions options_;
  std::vector<double> mean_;     // [day][F]
  std::vector<double> inv_std_;  // [day][F]
  std::vector<size_t> stocks_per_day_;
  std::vector<size_t> usable_days_;
};

}  // namespace gogooku3::ml
