// Panel: everything the trainer needs about a date range, dense and in memory.
//
// A Panel is the (day x code) grid of one feature set: the RAW feature values of every code on
// every feature day, whether the code was listed that day, its forward-return labels and its
// daily returns. Dense arrays rather than tables, because the model reads a [B, T, F] window
// per day thousands of times per epoch and each read must be a few contiguous copies.
//
// Layout (row-major, the last index fastest):
//   features       [day][code][F]  raw float32 values; NaN = missing or not listed that day
//   listed         [day][code]     1 when the code has a feature row that day
//   labels         [day][code][4]  label_ret_{1,5,10,20}d (features/labels.h), NaN unknown
//   returns        [day][code]     adjusted close-to-close return of that day, NaN if not traded
//   return_history [return_day][code]  the same returns on `return_days`, which start up to
//                  kReturnHistoryBusinessDays business days before days.front(), so that the
//                  stock graph of the first feature day already has its correlation window.
// `return_days` are the dates of the price rows up to days.back() plus every feature day,
// ascending; return_day_of[d] is the position of days[d] in it. `returns` is the slice of
// return_history at the feature days, kept as its own array for readers that index by day.
//
// Returns and labels skip halted days the way the features and labels do: the return of a
// traded day is adj_close / adj_close of the code's previous traded day - 1 (a day is traded
// when adj_close is finite and > 0); the code's first traded day in the price range has none.
//
// sector33 and market are per code, the latest non-empty value the prices carry on or before
// days.back(): reclassifications are rare and the graph treats them as static.
//
// Nothing here is normalised: Dataset (day_batch.h) z-scores per day, so that no statistic
// ever crosses from one day into another.
//
// Errors: InvalidInput for a malformed table (no rows, a duplicated (code, date) feature row,
// a feature column that is not float32: Column names it); NotFound for a missing column or,
// from load_panel, a missing feature partition (naming the dataset, the day and the command).
//
// A Panel is a plain value: build it once, then share it read-only between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "features/manifest.h"
#include "storage/lake/lake.h"

namespace gogooku3::ml {

// Label horizons in the order of Panel::labels' last index (features::kLabelHorizons).
inline constexpr size_t kNumHorizons = 4;
// Business days of prices load_panel reads before `from` (the graph's window is 60).
inline constexpr int kReturnHistoryBusinessDays = 80;
// Business days of prices load_panel reads after `to` (the longest label looks 20 ahead).
inline constexpr int kLabelLookaheadBusinessDays = 30;

struct Panel {
  std::vector<Date> days;                  // ascending feature days
  std::vector<std::string> codes;          // ascending union of codes over those days
  std::vector<std::string> feature_names;  // F, manifest order
  std::vector<std::string> sector33;       // per code, "" unknown
  std::vector<std::string> market;         // per code, "" unknown
  std::vector<float> features;             // [day][code][F], raw, NaN missing
  std::vector<uint8_t> listed;             // [day][code]
  std::vector<float> labels;               // [day][code][kNumHorizons], NaN unknown
  std::vector<float> returns;              // [day][code], NaN not traded
  std::vector<Date> return_days;           // ascending, ends at days.back()
  std::vector<float> return_history;       // [return_day][code], NaN not traded
  std::vector<size_t> return_day_of;       // per day: its index into return_days

  size_t num_days() const { return days.size(); }
  size_t num_codes() const { return codes.size(); }
  size_t num_features() const { return feature_names.size(); }
  size_t num_return_days() const { return return_days.size(); }

  float feature(size_t d, size_t c, size_t f) const {
    return features[(d * num_codes() + c) * num_features() + f];
  }
  // The F values of code c on day d, contiguous.
  const float* feature_row(size_t d, size_t c) const {
    return features.data() + (d * num_codes() + c) * num_features();
  }
  bool is_listed(size_t d, size_t c) const { return listed[d * num_codes() + c] != 0; }
  float label(size_t d, size_t c, size_t h) const {
    return labels[(d * num_codes() + c) * kNumHorizons + h];
  }
  float daily_return(size_t d, size_t c) const { return returns[d * num_codes() + c]; }
  float history_return(size_t r, size_t c) const { return return_history[r * num_codes() + c]; }

  // Positions by value (binary search); nullopt when absent.
  std::optional<size_t> day_index(Date day) const;
  std::optional<size_t> code_index(std::string_view code) const;
};

// From tables (tests use this directly):
//   features  code, date and one float32 column per name of `feature_names`, any row order,
//             at most one row per (code, date); its dates become Panel::days
//   prices    clean prices with adj_close, sector33_code and market_code (what
//             features::load_feature_inputs returns), covering the feature days, the history
//             the graph needs before them and the days the labels look forward to after them.
//             Sorted by (code, date) is fastest; other orders are sorted here.
// Codes that only appear in `prices` are ignored.
Panel build_panel(const Table& features, const Table& prices,
                  const std::vector<std::string>& feature_names);

// From the lake: the features/<manifest hash> partitions of the business days [from, to] (every
// one must exist) and the clean prices of [from - kReturnHistoryBusinessDays business days,
// to + kLabelLookaheadBusinessDays] (what exists), with sector33_code and market_code joined
// from raw/equities_master as features::join_master does.
// InvalidInput when [from, to] holds no business day; NotFound naming the dataset, the first
// missing day and the command that builds it when a feature partition is missing.
Panel load_panel(const storage::Lake& lake, const TradingCalendar& calendar,
                 const features::FeatureManifest& manifest, Date from, Date to);

}  // namespace gogooku3::ml
