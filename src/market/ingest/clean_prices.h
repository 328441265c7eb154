// clean/prices: one business day of validated, split-adjusted daily bars.
//
// build_clean_prices(D) reads raw/bars_daily for D and the previous business day's
// clean/prices, runs the bars contract (market/contracts) and writes two partitions, each
// replacing an older version of the day:
//   clean/prices/date=D        the rows that passed, sorted by code
//   quarantine/prices/date=D   the rows that did not, with rule, severity and reason (often 0
//                              rows: an empty partition still replaces yesterday's run of D)
//
// Split adjustment. J-Quants's own Adj* columns are adjusted as of the day they were fetched,
// so yesterday's partition and today's disagree after every split. Clean prices instead carry
//   cumulative_adjustment(D) = product of adjustment_factor over the code's records up to D
// and adjust forward, onto the share basis of the code's first day in the lake:
//   adj_open..adj_close = raw / cumulative_adjustment,  adj_volume = volume * cumulative_adjustment
// which never changes once written, so every partition up to D is consistent across every
// split up to D, and returns from adjusted closes are exact across an ex-date. A code's first
// record starts at its own adjustment_factor (1.0 normally).
//
// The previous day's partition is required when any clean partition before D exists (so a gap
// cannot silently reset the factors); the error names the day to ingest first.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "storage/lake/lake.h"

namespace gogooku3::market {

inline constexpr std::string_view kRawBarsDataset = "raw/bars_daily";
inline constexpr std::string_view kCleanPricesDataset = "clean/prices";
inline constexpr std::string_view kQuarantinePricesDataset = "quarantine/prices";

struct CleanPricesResult {
  Date date;
  int64_t rows = 0;         // written to clean/prices
  int64_t quarantined = 0;  // written to quarantine/prices
  std::map<std::string, int64_t> findings_by_rule;
  std::vector<std::string> warnings;
  // Each quarantined row's code and its findings ("rule: reason; rule: reason").
  std::vector<std::pair<std::string, std::string>> quarantined_codes;
  storage::LakePartition clean_partition;  // as written (build_clean_prices only)
};

// The clean and quarantine tables from the day's raw bars and the previous day's clean and
// quarantined rows (code, close, cumulative_adjustment; empty tables when there is no previous
// day). Pure: build_clean_prices() is this plus reading and writing.
struct CleanPricesTables {
  Table clean;
  Table quarantine;
  CleanPricesResult result;
};
CleanPricesTables clean_prices_from(const Table& raw_bars, const Table& previous_clean,
                                    const Table& previous_quarantine, Date day,
                                    const TradingCalendar& calendar);

CleanPricesResult build_clean_prices(storage::Lake& lake, const TradingCalendar& calendar,
                                     Date day);

}  // namespace gogooku3::market
