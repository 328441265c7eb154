#include "pipeline/warehouse_assets.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "storage/warehouse/warehouse_verify.h"

namespace gogooku3::pipeline {

using json = nlohmann::json;

void load_into_warehouse(const PipelineResources& resources, const std::string& dataset,
                         orchestrator::StepContext& context) {
  if (resources.warehouse == nullptr) {
    throw internal_error("the warehouse assets were defined without a warehouse");
  }
  for (const Date day : context.dates()) {
    context.throw_if_canceled();
    const Table table = resources.lake->read_partition(dataset, day);
    const storage::warehouse::LoadResult loaded =
        resources.warehouse->load_day(dataset, day, table);
    context.materialized({.partition_key = day.to_string(),
                          .rows = loaded.rows,
                          .bytes = static_cast<std::int64_t>(loaded.insert.sent_bytes),
                          .checksum = storage::warehouse::content_checksum(table),
                          .metadata_json = json{{"dataset", dataset},
                                                {"table", loaded.table},
                                                {"version", loaded.version},
                                                {"tombstones", loaded.tombstones}}
                                               .dump()});
  }
}

orchestrator::CheckOutcome check_warehouse_rows(const PipelineResources& resources,
                                                const std::string& dataset,
                                                const orchestrator::Materialization& m) {
  const Date day = Date::parse(m.partition_key);
  const auto counts = resources.warehouse->row_counts(dataset, day, day);
  const std::int64_t stored = counts.empty() ? 0 : counts.begin()->second;
  return {stored == m.rows,
          fmt::format("{} live rows in ClickHouse for {} lake rows", stored, m.rows),
          json{{"warehouse_rows", stored}, {"lake_rows", m.rows}}.dump()};
}

}  // namespace gogooku3::pipeline
