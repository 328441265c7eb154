// Every asset of gogooku3 and how it is kept up to date — the file to read first.
//
//   raw_equities_master ─┐
//   raw_bars_daily ──────┼─> prices (same day; and its own previous day) ─┐
//   raw_topix ───────────┤                                                ├─> features
//   raw_investor_types ──┘───────────── (trailing window of history) ─────┘
//
// Every asset here is partitioned by TSE business day. raw_* fetch one J-Quants endpoint
// (or the sample market) and retry what the network does to them; prices validates bars and
// tracks each rejected row as a failed ticker of its day; features reads the manifest's
// trailing window and must be available within 5 minutes of the close's data being published.
// With a warehouse configured, warehouse_prices and warehouse_features load each day of those
// two datasets into ClickHouse after the lake has it, and belong to the daily job.
// Later issues add online features, predictions and the report here.
#include "pipeline/definitions.h"

#include <fmt/format.h>

#include <chrono>

#include "market/ingest/clean_prices.h"
#include "pipeline/market_assets.h"
#include "pipeline/warehouse_assets.h"

namespace gogooku3::pipeline {
namespace {

using namespace std::chrono_literals;
using orchestrator::AssetDef;
using orchestrator::Dependency;
using orchestrator::PartitionsDef;
using orchestrator::RetryPolicy;

// The network fails in passing: a 5xx, a reset, a 429 after the client's own pacing.
const RetryPolicy kSourceRetry = {.max_retries = 4, .delay = 2s, .backoff = 2.0, .max_delay = 60s};

// Enough business days per step that a backfill pays the per-step costs (one source
// request chain per endpoint, one read of the feature window) once per month, not daily.
constexpr int kChunkDays = 20;

AssetDef raw_asset(const PipelineResources& r, const std::string& endpoint,
                   std::string description) {
  return {
      .name = "raw_" + endpoint,
      .description = std::move(description),
      .partitions = PartitionsDef::business_days(r.calendar),
      .max_chunk = kChunkDays,
      .retry = kSourceRetry,
      .timeout = 30min,
      .pool = "source",
      .compute = [&r, endpoint](
                     orchestrator::StepContext& context) { materialize_raw(r, endpoint, context); },
  };
}

// warehouse_<upstream>: the upstream asset's lake dataset, day by day, in ClickHouse.
AssetDef warehouse_asset(const PipelineResources& r, const std::string& upstream,
                         std::string dataset) {
  return {
      .name = std::string(kWarehousePrefix) + upstream,
      .description = fmt::format("{} loaded into ClickHouse (table {})", dataset,
                                 storage::warehouse::Warehouse::table_name(dataset)),
      .partitions = PartitionsDef::business_days(r.calendar),
      .deps = {Dependency::same_day(upstream)},
      .max_chunk = kChunkDays,
      .retry = {.max_retries = 3, .delay = 2s, .backoff = 2.0, .max_delay = 60s},
      .timeout = 30min,
      .pool = "warehouse",
      .checks = {{
          .name = "rows_match_lake",
          .severity = storage::CheckSeverity::kBlocking,
          .description = "ClickHouse holds as many live rows of the day as the lake partition",
          .evaluate =
              [&r, dataset](const orchestrator::Materialization& m) {
                return check_warehouse_rows(r, dataset, m);
              },
      }},
      .compute =
          [&r, dataset](orchestrator::StepContext& context) {
            load_into_warehouse(r, dataset, context);
          },
  };
}

}  // namespace

orchestrator::Definitions definitions(const PipelineResources& r) {
  orchestrator::Definitions defs;
  const PartitionsDef business_days = PartitionsDef::business_days(r.calendar);
  const int window = r.manifest->window_business_days();

  defs.add(raw_asset(r, "equities_master",
                     "Listed issues as of the day (raw/equities_master), checked by the master "
                     "contract"));
  defs.add(raw_asset(r, "bars_daily", "Daily OHLCV bars of every code (raw/bars_daily), as sent"));
  defs.add(raw_asset(r, "topix", "The TOPIX index bar of the day (raw/topix)"));
  defs.add(raw_asset(r, "investor_types",
                     "Weekly trading by investor type published on the day (raw/investor_types)"));

  defs.add({
      .name = "prices",
      .description = "Validated, split-adjusted daily bars (clean/prices); rejected rows go to "
                     "quarantine/prices and are the day's failed tickers",
      .partitions = business_days,
      .deps = {Dependency::same_day("raw_bars_daily"), Dependency::previous("prices")},
      .per_ticker = true,
      .max_chunk = kChunkDays,
      .retry = RetryPolicy::transient(2, 1s),
      .timeout = 30min,
      .checks = {{
          .name = "not_empty",
          .severity = storage::CheckSeverity::kWarning,
          .description = "a business day has prices (empty only on an exchange outage)",
          .evaluate = [](const orchestrator::Materialization& m) -> orchestrator::CheckOutcome {
            return {m.rows > 0, fmt::format("{} rows", m.rows)};
          },
      }},
      .compute = [&r](orchestrator::StepContext& context) { materialize_prices(r, context); },
  });

  defs.add({
      .name = std::string(kFeaturesAsset),
      .description = "The active manifest's features of every stock (features/<manifest-hash>), "
                     "from the manifest's trailing window",
      .partitions = business_days,
      .deps = {Dependency::same_day("prices"), Dependency::same_day("raw_topix"),
               Dependency::trailing_window("prices", window),
               Dependency::trailing_window("raw_topix", window),
               Dependency::trailing_window("raw_investor_types", window),
               Dependency::same_day("raw_equities_master")},
      .max_chunk = kChunkDays,
      .retry = RetryPolicy::transient(2, 1s),
      .timeout = 60min,
      .checks = {{
          .name = "covers_prices",
          .severity = storage::CheckSeverity::kBlocking,
          .description = "one feature row per clean price row of the day",
          .evaluate =
              [&r](const orchestrator::Materialization& m) {
                return check_features_cover_prices(r, m);
              },
      }},
      .freshness_minutes = 5,
      .compute = [&r](orchestrator::StepContext& context) { materialize_features(r, context); },
  });

  std::vector<std::string> daily = {
      "raw_equities_master", "raw_bars_daily", "raw_topix",
      "raw_investor_types",  "prices",         std::string(kFeaturesAsset)};
  if (r.warehouse != nullptr) {
    defs.add(warehouse_asset(r, "prices", std::string(market::kCleanPricesDataset)));
    defs.add(warehouse_asset(r, std::string(kFeaturesAsset), r.manifest->dataset()));
    daily.push_back(std::string(kWarehousePrefix) + "prices");
    daily.push_back(std::string(kWarehousePrefix) + std::string(kFeaturesAsset));
  }
  defs.add_job({.name = std::string(kDailyJob),
                .description = "Every daily asset for one business day, after the close",
                .assets = std::move(daily)});
  defs.validate();
  return defs;
}

}  // namespace gogooku3::pipeline
