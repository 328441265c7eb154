// The sample market's history as in-memory tables, exactly as the lake would hold them after
// `gogooku3 ingest --source sample` — for tests and benchmarks that need years of clean
// prices without writing thousands of partitions.
//
//   MarketHistory h = sample_history({.seed = 42, .stocks = 100}, calendar, from, to);
//   h.prices   clean/prices rows of every business day, sorted by (code, date)
//   h.master   raw/equities_master rows, h.topix raw/topix, h.investor_types raw/investor_types
// The simulation starts at options.start_date (history before `from` is simulated, not
// returned); clean prices go through the same clean_prices_from() as the lake's, so split
// adjustment and quarantine behave identically.
#pragma once

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "market/sample/sample_market.h"

namespace gogooku3::market {

struct MarketHistory {
  Table prices;
  Table master;
  Table topix;
  Table investor_types;
};

MarketHistory sample_history(const sample::SampleOptions& options, const TradingCalendar& calendar,
                             Date from, Date to);

}  // namespace gogooku3::market
