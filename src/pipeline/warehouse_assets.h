// The warehouse assets: each day of clean/prices and of the features dataset, loaded into
// ClickHouse (storage/warehouse) after the lake has it. They exist only when the pipeline has
// a warehouse (warehouse.clickhouse.url set); the lake stays the source of truth and a load
// is always the lake partition as it is now, so re-running a day after a correction reloads
// it, and a failed load is retried like any step (a repeated load never duplicates rows).
//
//   load_into_warehouse       one dataset's days: read the lake partition, load it, record
//                             rows, bytes sent and the content checksum warehouse verify uses
//   check_warehouse_rows      blocking: the warehouse's live rows of the day equal the lake's
#pragma once

#include <string>

#include "orchestrator/asset.h"
#include "pipeline/resources.h"

namespace gogooku3::pipeline {

void load_into_warehouse(const PipelineResources& resources, const std::string& dataset,
                         orchestrator::StepContext& context);

orchestrator::CheckOutcome check_warehouse_rows(const PipelineResources& resources,
                                                const std::string& dataset,
                                                const orchestrator::Materialization& m);

}  // namespace gogooku3::pipeline
