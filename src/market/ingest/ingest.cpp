#include "market/ingest/ingest.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "core/error.h"
#include "market/contracts/market_contracts.h"

namespace gogooku3::market {
namespace {

void count_findings(const std::map<std::string, int64_t>& findings, IngestSummary& summary) {
  for (const auto& [rule, count] : findings) summary.findings_by_rule[rule] += count;
}

std::map<std::string, int64_t> prefixed(const std::string& contract,
                                        const std::map<std::string, int64_t>& findings) {
  std::map<std::string, int64_t> keyed;
  for (const auto& [rule, count] : findings) {
    std::string key = contract;
    key += '.';
    key += rule;
    keyed[key] += count;
  }
  return keyed;
}

}  // namespace

RawDayResult write_raw_day(storage::Lake& lake, const jquants::EndpointSpec& endpoint, Date day,
                           const Table& records) {
  RawDayResult result;
  result.partition = lake.write_partition("raw/" + std::string(endpoint.asset), day, records);
  if (endpoint.asset != "equities_master" && endpoint.asset != "investor_types") return result;
  const contracts::Contract contract = endpoint.asset == "equities_master"
                                           ? contracts::master_contract(day)
                                           : contracts::investor_types_contract(day);
  contracts::ContractOutcome outcome = contract.check(records);
  for (const std::string& warning : outcome.warnings) {
    spdlog::warn("{} {}: {}", endpoint.asset, day.to_string(), warning);
  }
  result.findings_by_rule = prefixed(contract.name(), outcome.findings_by_rule);
  result.quarantined = static_cast<int64_t>(outcome.quarantined.num_rows());
  lake.write_partition("quarantine/" + std::string(endpoint.asset), day, outcome.quarantined);
  return result;
}

std::vector<std::string> default_ingest_assets() {
  return {"equities_master", "bars_daily", "topix", "investor_types"};
}

IngestSummary ingest_days(MarketSource& source, storage::Lake& lake,
                          const TradingCalendar& calendar, const std::vector<Date>& days,
                          const IngestOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<const jquants::EndpointSpec*> endpoints;
  for (const std::string& asset : options.assets) {
    const jquants::EndpointSpec& spec = jquants::endpoint(asset);
    if (asset == "calendar") {
      throw invalid_input("ingest: 'calendar' is not a daily asset; use `gogooku3 calendar`");
    }
    endpoints.push_back(&spec);
  }
  for (size_t i = 0; i < days.size(); ++i) {
    if (!calendar.is_business_day(days[i])) {
      throw invalid_input("ingest: {} is not a TSE business day ({}); pick business days only",
                          days[i].to_string(), calendar.describe(days[i]).reason);
    }
    if (i > 0 && !(days[i - 1] < days[i])) {
      throw invalid_input("ingest: days must be ascending and distinct ({} after {})",
                          days[i].to_string(), days[i - 1].to_string());
    }
  }
  const bool builds_prices =
      std::ranges::find(options.assets, "bars_daily") != options.assets.end();

  IngestSummary summary;
  // Writes one fetched batch, day by day in date order (clean prices carry from day to day).
  const auto write_batch = [&](const std::vector<Date>& batch,
                               const std::vector<std::vector<Table>>& fetched) {
    for (size_t d = 0; d < batch.size(); ++d) {
      const Date day = batch[d];
      for (size_t e = 0; e < endpoints.size(); ++e) {
        const jquants::EndpointSpec& endpoint = *endpoints[e];
        const Table& records = fetched[e][d];
        const RawDayResult written = write_raw_day(lake, endpoint, day, records);
        summary.raw_rows[std::string(endpoint.asset)] += static_cast<int64_t>(records.num_rows());
        summary.quarantined_rows += written.quarantined;
        count_findings(written.findings_by_rule, summary);
      }
      std::optional<CleanPricesResult> prices;
      if (builds_prices) {
        prices = build_clean_prices(lake, calendar, day);
        for (const std::string& warning : prices->warnings) {
          spdlog::warn("bars_daily {}: {}", day.to_string(), warning);
        }
        summary.clean_rows += prices->rows;
        summary.quarantined_rows += prices->quarantined;
        count_findings(prefixed("bars_daily", prices->findings_by_rule), summary);
      }
      ++summary.days;
      if (options.on_day) options.on_day(day, prices ? &*prices : nullptr);
    }
  };

  // Batch k is written on a second thread while batch k+1 is fetched, so the requests keep
  // their pace through the lake writes (only the writer touches `summary` and the lake).
  const size_t batch_days = std::max<size_t>(options.batch_days, 1);
  std::future<void> writing;
  for (size_t begin = 0; begin < days.size(); begin += batch_days) {
    auto batch = std::make_shared<std::vector<Date>>(
        days.begin() + static_cast<std::ptrdiff_t>(begin),
        days.begin() + static_cast<std::ptrdiff_t>(std::min(days.size(), begin + batch_days)));
    auto fetched = std::make_shared<std::vector<std::vector<Table>>>();
    fetched->reserve(endpoints.size());
    for (const jquants::EndpointSpec* endpoint : endpoints) {
      fetched->push_back(source.fetch_days(*endpoint, *batch));
    }
    if (writing.valid()) writing.get();  // rethrows the previous batch's failure
    writing = std::async(std::launch::async,
                         [&write_batch, batch, fetched] { write_batch(*batch, *fetched); });
  }
  if (writing.valid()) writing.get();
  summary.fetch = source.stats();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace gogooku3::market
