// PipelineResources: what gogooku3's assets compute with — the lake, the metadata database,
// the calendar, the active feature manifest, the market source and the optional ClickHouse
// warehouse — handed to
// pipeline::definitions() by whoever launches a run (the CLI, the scheduler, a test).
//
// The resources outlive every run made from the definitions that point at them. The source is
// shared by the raw_* steps of a run; the launcher limits the "source" pool (one step at a
// time: a J-Quants fetch already runs the day's requests concurrently at the plan's pace).
#pragma once

#include <memory>

#include "core/trading_calendar.h"
#include "features/manifest.h"
#include "market/ingest/market_source.h"
#include "storage/lake/lake.h"
#include "storage/metadata/metadata_store.h"
#include "storage/warehouse/warehouse.h"

namespace gogooku3::pipeline {

struct PipelineResources {
  storage::Lake* lake = nullptr;
  storage::MetadataStore* store = nullptr;
  std::shared_ptr<const TradingCalendar> calendar;
  std::shared_ptr<const features::FeatureManifest> manifest;
  std::shared_ptr<market::MarketSource> source;
  int feature_threads = 0;  // 0: every core
  // ClickHouse; null when no warehouse is configured (the warehouse_* assets are then absent).
  storage::warehouse::Warehouse* warehouse = nullptr;
};

}  // namespace gogooku3::pipeline
