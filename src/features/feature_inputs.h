// Reading what the feature engine needs from the lake, and no more.
//
// load_feature_inputs(lake, calendar, from, to, window) reads, for the days
// [from - window business days, to]:
//   clean/prices          the engine's price columns, sorted by (code, date), with each row's
//                         sector33_code and market_code joined from raw/equities_master
//                         (the master of the same day, else the code's latest earlier one)
//   raw/topix             date, open, high, low, close
//   raw/investor_types    the weekly statistics published in the window
//   raw/margin_interest   the weekly margin balances recorded in the window (when ingested),
//                         with `available_date`: J-Quants publishes a Friday's record on the
//                         second business day after it; it is usable from the day after that
// Computing one new day thus reads its trailing window, not twenty years.
//
// Errors: NotFound naming the dataset and the first day to ingest when clean prices for
// [from, to] are missing.
#pragma once

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "storage/lake/lake.h"

namespace gogooku3::features {

struct FeatureInputs {
  Table prices;
  Table topix;
  Table investor_types;
  Table margin_interest;  // empty when the lake has none
};

// The first business day a margin-interest record of `record_date` may be used.
Date margin_available_date(const TradingCalendar& calendar, Date record_date);

FeatureInputs load_feature_inputs(const storage::Lake& lake, const TradingCalendar& calendar,
                                  Date from, Date to, int window_business_days);

// Adds sector33_code and market_code to `prices` (sorted by code, date) from `master` rows
// (code, date, sector33_code, market_code): the same day's record, else the latest earlier
// one, else empty text.
Table join_master(Table prices, const Table& master);

}  // namespace gogooku3::features
