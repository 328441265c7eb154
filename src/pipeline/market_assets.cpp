#include "pipeline/market_assets.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "features/features_asset.h"
#include "market/ingest/clean_prices.h"
#include "market/ingest/ingest.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::pipeline {
namespace {

using nlohmann::json;
using orchestrator::Materialization;
using orchestrator::StepContext;

Materialization from_partition(const storage::LakePartition& partition, const json& metadata) {
  return {.partition_key = partition.date.to_string(),
          .rows = partition.rows,
          .bytes = static_cast<std::int64_t>(partition.bytes),
          .checksum = partition.checksum,
          .metadata_json = metadata.dump()};
}

std::string findings_text(const std::map<std::string, int64_t>& findings) {
  std::vector<std::string> parts;
  for (const auto& [rule, count] : findings) parts.push_back(fmt::format("{} {}", rule, count));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Replaces the raw bars of `tickers` on `day` with what the source serves now.
void refetch_tickers(const PipelineResources& resources, Date day,
                     const std::vector<std::string>& tickers) {
  const market::jquants::EndpointSpec& endpoint = market::jquants::endpoint("bars_daily");
  const std::set<std::string> wanted(tickers.begin(), tickers.end());
  const Table fresh = resources.source->fetch_days(endpoint, {day}).front();
  const Table raw = resources.lake->read_partition(market::kRawBarsDataset, day);
  std::vector<size_t> keep;
  const auto& raw_codes = raw.column(kCodeColumn).as<std::string>();
  for (size_t row = 0; row < raw.num_rows(); ++row) {
    if (!wanted.contains(raw_codes[row])) keep.push_back(row);
  }
  std::vector<size_t> take;
  const auto& fresh_codes = fresh.column(kCodeColumn).as<std::string>();
  for (size_t row = 0; row < fresh.num_rows(); ++row) {
    if (wanted.contains(fresh_codes[row])) take.push_back(row);
  }
  const std::vector<Table> parts = {raw.take(keep), fresh.take(take)};
  market::write_raw_day(*resources.lake, endpoint, day, Table::concat(parts).sort_by_code_date());
}

}  // namespace

void materialize_raw(const PipelineResources& resources, const std::string& endpoint_asset,
                     StepContext& context) {
  const market::jquants::EndpointSpec& endpoint = market::jquants::endpoint(endpoint_asset);
  const std::vector<Date> days = context.dates();
  const std::vector<Table> tables = resources.source->fetch_days(endpoint, days);
  for (size_t i = 0; i < days.size(); ++i) {
    context.throw_if_canceled();
    const market::RawDayResult written =
        market::write_raw_day(*resources.lake, endpoint, days[i], tables[i]);
    const std::string key = days[i].to_string();
    context.materialized(from_partition(
        written.partition,
        json{{"quarantined", written.quarantined}, {"findings", written.findings_by_rule}}));
    if (endpoint_asset == "equities_master" || endpoint_asset == "investor_types") {
      context.checked(
          key, endpoint_asset + "_contract", storage::CheckSeverity::kWarning,
          {written.quarantined == 0,
           written.quarantined == 0 ? "every row passed"
                                    : fmt::format("{} rows quarantined ({})", written.quarantined,
                                                  findings_text(written.findings_by_rule)),
           json{{"quarantined", written.quarantined}}.dump()});
    }
  }
}

void materialize_prices(const PipelineResources& resources, StepContext& context) {
  const std::set<std::string> redo(context.tickers().begin(), context.tickers().end());
  for (const Date day : context.dates()) {
    context.throw_if_canceled();
    if (!redo.empty()) refetch_tickers(resources, day, context.tickers());
    const market::CleanPricesResult result =
        market::build_clean_prices(*resources.lake, *resources.calendar, day);
    const std::string key = day.to_string();
    context.materialized(from_partition(
        result.clean_partition,
        json{{"quarantined", result.quarantined}, {"findings", result.findings_by_rule}}));
    for (const auto& [code, reason] : result.quarantined_codes) {
      if (!redo.empty() && !redo.contains(code)) continue;
      context.ticker_failed(
          {key, code, ErrorCategory::kInvalidInput,
           fmt::format("{} (row kept in quarantine/prices; once the source corrects it, run "
                       "`gogooku3 materialize prices --date {} --tickers {}`)",
                       reason, key, code)});
    }
    context.checked(
        key, "bars_contract", storage::CheckSeverity::kWarning,
        {result.quarantined == 0,
         result.quarantined == 0 ? fmt::format("all {} rows passed", result.rows)
                                 : fmt::format("{} of {} rows quarantined ({})", result.quarantined,
                                               result.rows + result.quarantined,
                                               findings_text(result.findings_by_rule)),
         json{{"rows", result.rows}, {"quarantined", result.quarantined}}.dump()});
  }
}

void materialize_features(const PipelineResources& resources, StepContext& context) {
  const std::vector<Date> days = context.dates();
  context.throw_if_canceled();
  features::FeaturesAssetOptions options;
  options.chunk_days = static_cast<int>(days.size());
  options.max_threads = resources.feature_threads;
  features::build_features(*resources.lake, *resources.calendar, *resources.manifest, days.front(),
                           days.back(), options);
  const std::string dataset = resources.manifest->dataset();
  for (const Date day : days) {
    const std::string key = day.to_string();
    const std::optional<storage::PartitionStatus> written =
        resources.store->get_partition_status(dataset, key);
    if (!written) {
      throw internal_error("features {}: {} was not written", key, dataset);
    }
    context.materialized({.partition_key = key,
                          .rows = written->row_count,
                          .bytes = written->byte_count,
                          .checksum = written->checksum,
                          .metadata_json = json{{"dataset", dataset}}.dump()});
  }
}

orchestrator::CheckOutcome check_features_cover_prices(const PipelineResources& resources,
                                                       const Materialization& m) {
  const std::optional<storage::PartitionStatus> prices = resources.store->get_partition_status(
      std::string(market::kCleanPricesDataset), m.partition_key);
  if (!prices) return {false, "clean/prices has no recorded partition for this day"};
  const bool passed = prices->row_count == m.rows;
  return {passed, fmt::format("{} feature rows for {} clean price rows", m.rows, prices->row_count),
          json{{"feature_rows", m.rows}, {"price_rows", prices->row_count}}.dump()};
}

}  // namespace gogooku3::pipeline
