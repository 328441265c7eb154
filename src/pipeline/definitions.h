// gogooku3's assets and jobs: the map of the system. Read definitions.cpp first.
#pragma once

#include "orchestrator/definitions.h"
#include "pipeline/resources.h"

namespace gogooku3::pipeline {

// The job that runs every daily asset for one business day.
inline constexpr std::string_view kDailyJob = "daily";
// The asset whose partition of day D means "D's features are available" (freshness).
inline constexpr std::string_view kFeaturesAsset = "features";
// warehouse_prices, warehouse_features: present only with a warehouse.
inline constexpr std::string_view kWarehousePrefix = "warehouse_";

// Every asset and job, computing with `resources` (which must outlive the definitions).
orchestrator::Definitions definitions(const PipelineResources& resources);

}  // namespace gogooku3::pipeline
