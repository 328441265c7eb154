// The compute functions behind the pipeline's market-data and feature assets. definitions.cpp
// says *what* each asset is (partitions, dependencies, retries, checks); these say how one
// step of it is done, using the domain modules (market/ingest, features/).
//
//   materialize_raw       one J-Quants endpoint for the step's days: raw/<endpoint>/date=D as
//                         fetched, plus the contract's quarantine for master and investor types
//   materialize_prices    clean/prices for the step's days in order (split factors carry from
//                         day to day); every quarantined row is a failed ticker of its day.
//                         With tickers: re-fetches the day, replaces those tickers' raw bars and
//                         rebuilds the day — the path for a bar the vendor has since corrected
//   materialize_features  the manifest's features for the step's days in one pass
#pragma once

#include <string>

#include "orchestrator/asset.h"
#include "pipeline/resources.h"

namespace gogooku3::pipeline {

void materialize_raw(const PipelineResources& resources, const std::string& endpoint_asset,
                     orchestrator::StepContext& context);
void materialize_prices(const PipelineResources& resources, orchestrator::StepContext& context);
void materialize_features(const PipelineResources& resources, orchestrator::StepContext& context);

// Checks: the feature partition holds one row per clean price row of its day.
orchestrator::CheckOutcome check_features_cover_prices(const PipelineResources& resources,
                                                       const orchestrator::Materialization& m);

}  // namespace gogooku3::pipeline
