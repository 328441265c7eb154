// The `features` asset: computes the manifest's features for business days [from, to] and
// writes one lake partition per day, features/<manifest-hash>/date=D/data.parquet, with rows
// sorted by code and one float32 column per feature.
//
// Days are processed in chunks (chunk_days business days each, default 20): a chunk reads its
// own trailing window plus its days, computes them in one pass (stocks in parallel), and
// writes its partitions while the next chunk is computed. A 20-year backfill therefore holds
// one chunk in memory, and one new day reads only the manifest's window.
//
// Each partition is written whole or not at all and recorded in the metadata database by the
// lake (rows, bytes, checksum); re-running a day replaces its partition.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/date.h"
#include "core/trading_calendar.h"
#include "features/manifest.h"
#include "storage/lake/lake.h"

namespace gogooku3::features {

struct FeaturesAssetOptions {
  int chunk_days = 20;
  int max_threads = 0;  // 0: every core
  // Called after each written day (progress lines).
  std::function<void(Date day, int64_t rows)> on_day;
};

struct FeaturesAssetSummary {
  int days = 0;
  int64_t rows = 0;
  double read_seconds = 0;
  double compute_seconds = 0;
  double write_seconds = 0;
};

FeaturesAssetSummary build_features(storage::Lake& lake, const TradingCalendar& calendar,
                                    const FeatureManifest& manifest, Date from, Date to,
                                    const FeaturesAssetOptions& options = {});

// Splits a (code, date)-sorted feature table into one table per date, rows by code.
std::vector<std::pair<Date, Table>> split_by_date(const Table& features);

}  // namespace gogooku3::features
