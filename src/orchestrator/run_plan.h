// RunPlan: the steps one run will execute — each an asset, the partitions it materializes
// (one, or a chunk of consecutive days) and, for a re-run of single cells, the tickers.
//
// Plans are made three ways:
//   plan_partitions   assets x the partitions of [from, to], chunked by each asset's
//                     max_chunk (or a smaller chunk_days); with skip_materialized, partitions
//                     whose status is already materialized with no failed tickers are left
//                     out, which makes a backfill resumable after a crash or kill -9
//   plan_cells        exactly one asset's partitions, optionally limited to some tickers
//                     (`materialize ASSET --date D --tickers 7203,6758`)
//   plan_from_failure the steps of an earlier run that did not succeed, plus the tickers that
//                     failed inside steps that did (`run --from-failure RUN_ID`)
// Steps are listed in dependency order, then partition order; the executor derives the edges
// between them from the assets' dependencies.
//
// A run stores its plan in its params (to_json), which is how a later run knows what the
// failed one set out to do.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "orchestrator/definitions.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::orchestrator {

struct Step {
  std::string asset;
  std::vector<std::string> partitions;  // ascending, at least one ("" for unpartitioned)
  std::vector<std::string> tickers{};   // empty: every ticker

  // "features 2026-11-02..2026-11-27", "prices 2026-11-27 [7203,6758]".
  std::string label() const;
  bool operator==(const Step&) const = default;
};

struct RunPlan {
  std::vector<Step> steps;

  std::size_t partition_count() const;
  std::string to_json() const;
  // InvalidInput naming what is malformed.
  static RunPlan from_json(std::string_view json);
};

struct PlanOptions {
  int chunk_days = 0;  // 0: each asset's max_chunk
  // Leave out partitions already materialized without failed tickers (resume).
  const storage::MetadataStore* skip_materialized = nullptr;
};

RunPlan plan_partitions(const Definitions& definitions, const std::vector<std::string>& assets,
                        Date from, Date to, const PlanOptions& options = {});

RunPlan plan_cells(const Definitions& definitions, const std::string& asset,
                   const std::vector<std::string>& partitions,
                   const std::vector<std::string>& tickers);

// NotFound for an unknown run; InvalidInput when the run has not finished or has nothing to
// redo (it succeeded with no failed tickers).
RunPlan plan_from_failure(const Definitions& definitions, const storage::MetadataStore& store,
                          const std::string& run_id);

}  // namespace gogooku3::orchestrator
