// MarketSource: where the raw records of one business day come from — the J-Quants API or the
// sample market. Both hand back tables with the endpoint's columns (market/jquants/
// endpoints.h), so everything after the fetch is one code path.
//
// fetch_days() asks for several days of one endpoint at once: the J-Quants source turns them
// into concurrent date queries (one request chain per day, never one per code); the sample
// source simulates forward. Days must be ascending.
//
// Thread safety: both sources serialise their callers (a J-Quants client is used by one thread
// at a time; it runs a day's requests concurrently itself), so several steps may share one.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "market/jquants/client.h"
#include "market/jquants/endpoints.h"
#include "market/sample/sample_market.h"

namespace gogooku3::market {

class MarketSource {
 public:
  virtual ~MarketSource() = default;
  virtual std::string_view name() const = 0;  // "jquants", "sample"
  // One table per day, in the order of `days`.
  virtual std::vector<Table> fetch_days(const jquants::EndpointSpec& endpoint,
                                        const std::vector<Date>& days) = 0;
  // Requests, pages, retries... (all zero for the sample source).
  virtual jquants::FetchStats stats() const = 0;
};

// The query that fetches one day of an endpoint: date=D for daily records, from=D&to=D for
// investor types (by publication day) and TOPIX.
jquants::Query day_query(const jquants::EndpointSpec& endpoint, Date day);

class JQuantsSource : public MarketSource {
 public:
  explicit JQuantsSource(jquants::ClientOptions options);
  std::string_view name() const override { return "jquants"; }
  std::vector<Table> fetch_days(const jquants::EndpointSpec& endpoint,
                                const std::vector<Date>& days) override;
  jquants::FetchStats stats() const override { return client_.stats(); }

 private:
  std::mutex mutex_;
  jquants::Client client_;
};

// Serves equities_master, bars_daily, topix and investor_types from a SampleMarket whose
// adjusted prices are as of `as_of` (the last day an ingest asks for, as if it ran that day).
// Other endpoints are NotFound: the sample market does not simulate them.
// The market simulates forward, so days are cheapest asked in date order, each batch of days
// from every endpoint before the next batch; a day earlier than the simulation has reached
// (a retried or resumed step) restarts the simulation from the start, which costs time, not
// correctness: day D's records do not depend on how the days were asked for.
class SampleSource : public MarketSource {
 public:
  SampleSource(sample::SampleOptions options, const TradingCalendar& calendar, Date as_of);
  std::string_view name() const override { return "sample"; }
  std::vector<Table> fetch_days(const jquants::EndpointSpec& endpoint,
                                const std::vector<Date>& days) override;
  jquants::FetchStats stats() const override { return {}; }

 private:
  const sample::SampleDay& simulate(Date day);

  sample::SampleOptions options_;
  TradingCalendar calendar_;
  Date as_of_;
  std::mutex mutex_;
  sample::SampleMarket market_;
  std::optional<Date> simulated_through_;   // the last day the market has simulated
  std::map<Date, sample::SampleDay> days_;  // simulated days not yet handed out for all assets
};

// sample.seed, sample.stocks and sample.start_date.
sample::SampleOptions sample_options_from_config(const Config& config);

}  // namespace gogooku3::market
