// FeatureDef: one feature the engine can compute — its name, where its inputs come from, how
// much history it needs, and the function that computes it.
//
// A feature belongs to one stage, which says what it is computed over:
//   kStock         one stock's own traded days (adjusted OHLCV, limit flags, and the TOPIX
//                  close on the same days), oldest first. Halted days are removed before the
//                  function sees the series and get NaN afterwards (features/engine.h).
//   kMarket        the TOPIX series, the same value for every stock of a day.
//   kFlow          the weekly investor-type statistics of the stock's market section, usable
//                  from the business day after their publication.
//   kMargin        the stock's weekly margin-trading balances (J-Quants margin interest),
//                  usable from the business day after their publication.
//   kCrossSection  the day's universe: a rank, z-score or sector-relative value of another
//                  feature (its `base`), computed after the base for every stock of the day.
//
// History. `lookback` is TA-Lib's: the number of leading bars without a value. `memory` is
// what a recursive smoother (EMA, Wilder) needs beyond that so that starting it later changes
// the value by less than 1e-8 relative (below float32 storage precision): such indicators never
// forget their start, and this is the honest price of computing one day from a trailing window
// instead of all history. window() = lookback + memory bars is what the engine feeds a feature for
// one new day.
//
// FeatureDefs are built once by the catalog and immutable afterwards; compute functions are
// pure and may run on many stocks at once.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "features/indicators/kernel_support.h"

namespace gogooku3::features {

using indicators::Output;
using indicators::Series;

enum class FeatureStage { kStock, kMarket, kFlow, kMargin, kCrossSection };
std::string_view stage_name(FeatureStage stage);

// One stock's (or TOPIX's) traded days, oldest first; all spans have the same length.
struct PriceSeries {
  std::span<const Date> dates;
  Series open, high, low, close, volume, turnover;  // split-adjusted prices and volume
  Series upper_limit, lower_limit;  // 1 on a day that touched the daily limit, else 0
  Series market_close;              // TOPIX close on the same days (NaN where TOPIX has no value)
  size_t size() const { return close.size(); }
};

// One market section's weekly investor-type statistics as known on one day, oldest week
// first (each week's latest record).
struct FlowSeries {
  std::span<const Date> week_end;
  Series foreigners_balance, individuals_balance, total_value;  // yen; total = sales + purchases
  size_t size() const { return total_value.size(); }
};

// One stock's weekly margin balances (shares, not adjusted for splits), oldest first.
struct MarginSeries {
  std::span<const Date> available;  // first business day the record may be used
  Series long_volume, short_volume;
  size_t size() const { return long_volume.size(); }
};

enum class CrossSectionOp { kRank, kZScore, kSectorRelative };

using PriceFunction = std::function<void(const PriceSeries&, Output)>;
using FlowFunction = std::function<void(const FlowSeries&, Output)>;
using MarginFunction = std::function<void(const MarginSeries&, Output)>;

struct FeatureDef {
  std::string name;                 // "rsi_14", unique, lower snake case
  std::string family;               // "momentum"
  std::string parameters;           // "period=14", empty when none
  std::string description;          // one line for `features describe`
  std::vector<std::string> inputs;  // "adj_close", "topix_close", "investor_types", a base...
  FeatureStage stage = FeatureStage::kStock;
  int lookback = 0;       // leading bars (weeks for kFlow) without a value
  int memory = 0;         // extra bars a recursive smoother needs (see above)
  PriceFunction price;    // kStock and kMarket
  FlowFunction flow;      // kFlow
  MarginFunction margin;  // kMargin
  std::string base;       // kCrossSection: the feature it transforms
  CrossSectionOp op = CrossSectionOp::kRank;

  int window() const { return lookback + memory; }
};

// Smoothers (memory > 0) restart every kSmootherEpochDays calendar days: all targets dated in
// one epoch are computed from the same start day, smoother_start(), which lies far enough
// before the epoch for window() traded days (calendar days = 1.5 x bars + 14: weekends,
// holidays, a few halts). Both are functions of dates only, so one day computed from a trailing
// window and from all history starts the smoother on the same day.
inline constexpr int32_t kSmootherEpochDays = 182;
inline int32_t smoother_epoch(Date date) {
  const int32_t d = date.days_since_epoch();
  return d >= 0 ? d / kSmootherEpochDays : -((-d + kSmootherEpochDays - 1) / kSmootherEpochDays);
}
inline int32_t smoother_history_calendar_days(const FeatureDef& feature) {
  return feature.window() * 3 / 2 + 14;
}
inline Date smoother_start(const FeatureDef& feature, int32_t epoch) {
  return Date(epoch * kSmootherEpochDays - smoother_history_calendar_days(feature));
}

}  // namespace gogooku3::features
