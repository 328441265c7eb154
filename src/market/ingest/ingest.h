// Ingest: fetch business days from a MarketSource into the lake's raw assets, check them
// against their contracts and build clean prices — the work behind `gogooku3 ingest` and,
// later, the orchestrator's raw_* and prices assets.
//
// For each day D (ascending) and each requested raw asset:
//   raw/<asset>/date=D           the records exactly as the source sent them (equities_master,
//                                bars_daily, topix, investor_types published on D, ...)
//   quarantine/<asset>/date=D    for equities_master and investor_types: the rows their
//                                contract rejects (the raw partition keeps them; readers use
//                                the contract's verdict)
// and then clean/prices + quarantine/prices (market/ingest/clean_prices.h) when bars_daily is
// among the assets. Every partition replaces an older version of the same day, so re-running
// a day (or a range) is safe and appends nothing.
//
// Days are fetched in batches (each asset's days concurrently on the J-Quants source) and
// written in date order on a second thread while the next batch is fetched, so the request
// schedule keeps its pace through the writes. A failure leaves the days already written intact
// and names the day, so a re-run continues where it broke. `on_day` runs on the writer thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/trading_calendar.h"
#include "market/ingest/clean_prices.h"
#include "market/ingest/market_source.h"
#include "storage/lake/lake.h"

namespace gogooku3::market {

// equities_master, bars_daily, topix, investor_types.
std::vector<std::string> default_ingest_assets();

struct IngestOptions {
  std::vector<std::string> assets = default_ingest_assets();
  size_t batch_days = 20;
  // Called after each day is written, for progress output.
  std::function<void(Date, const CleanPricesResult*)> on_day;
};

struct IngestSummary {
  int days = 0;
  std::map<std::string, int64_t> raw_rows;  // per asset
  int64_t clean_rows = 0;
  int64_t quarantined_rows = 0;                     // all quarantine/ partitions
  std::map<std::string, int64_t> findings_by_rule;  // "<contract>.<rule>" -> count
  jquants::FetchStats fetch;
  double seconds = 0;
};

// One day of one raw asset as written: raw/<asset>/date=D, plus for equities_master and
// investor_types the contract's quarantine/<asset>/date=D. findings_by_rule is keyed
// "<contract>.<rule>". The unit the orchestrator's raw_* assets and ingest_days share.
struct RawDayResult {
  storage::LakePartition partition;
  int64_t quarantined = 0;
  std::map<std::string, int64_t> findings_by_rule;
};
RawDayResult write_raw_day(storage::Lake& lake, const jquants::EndpointSpec& endpoint, Date day,
                           const Table& records);

// InvalidInput when a day is not a business day (naming it) or an asset is unknown.
IngestSummary ingest_days(MarketSource& source, storage::Lake& lake,
                          const TradingCalendar& calendar, const std::vector<Date>& days,
                          const IngestOptions& options = {});

}  // namespace gogooku3::market
