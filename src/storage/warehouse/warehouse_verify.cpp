#include "storage/warehouse/warehouse_verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "storage/object_store/s3_protocol.h"
#include "storage/warehouse/native_format.h"

namespace gogooku3::storage::warehouse {
namespace {

// The rows ordered by code (stable; lake partitions already are).
Table by_code(const Table& table) {
  const auto& codes = table.column(kCodeColumn).as<std::string>();
  std::vector<size_t> order(table.num_rows());
  std::iota(order.begin(), order.end(), 0);
  if (std::is_sorted(codes.begin(), codes.end())) return table;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return codes[a] < codes[b]; });
  return table.take(order);
}

VerifyDay compare_day(const Lake& lake, const Warehouse& warehouse, const std::string& dataset,
                      Date day, bool in_lake, std::int64_t warehouse_rows) {
  VerifyDay result{.dataset = dataset, .date = day};
  result.warehouse_rows = warehouse_rows;
  if (!in_lake) {
    result.difference =
        fmt::format("the warehouse has {} rows but the lake has no partition", warehouse_rows);
    return result;
  }
  const Table lake_rows = by_code(lake.read_partition(dataset, day));
  result.lake_rows = static_cast<std::int64_t>(lake_rows.num_rows());
  result.lake_checksum = content_checksum(lake_rows);
  if (warehouse_rows < 0) {
    if (result.lake_rows == 0) {  // an empty day: nothing to load, nothing to miss
      result.warehouse_rows = 0;
      result.warehouse_checksum = result.lake_checksum;
    } else {
      result.difference =
          fmt::format("the lake has {} rows but the warehouse none", result.lake_rows);
    }
    return result;
  }
  const Table stored = warehouse.read_day(dataset, day, lake_rows.schema());
  result.warehouse_checksum = content_checksum(stored);
  if (result.warehouse_checksum != result.lake_checksum) {
    result.difference = stored.num_rows() != lake_rows.num_rows()
                            ? fmt::format("{} rows in the lake, {} in the warehouse",
                                          lake_rows.num_rows(), stored.num_rows())
                            : lake_rows.first_difference(stored).value_or("the encodings differ");
  }
  return result;
}

}  // namespace

std::int64_t VerifyReport::mismatches() const {
  return std::count_if(days.begin(), days.end(), [](const VerifyDay& day) { return !day.ok(); });
}

std::string content_checksum(const Table& table) {
  std::string encoded;
  append_native_block(by_code(table), 0, table.num_rows(), {}, encoded);
  return "sha256:" + s3::sha256_hex(encoded);
}

VerifyReport verify(const Lake& lake, const Warehouse& warehouse,
                    const std::vector<std::string>& datasets, Date from, Date to) {
  VerifyReport report;
  for (const std::string& dataset : datasets) {
    std::map<Date, bool> days;  // day → whether the lake has it
    for (const LakePartition& partition : lake.list_partitions(dataset)) {
      if (partition.date >= from && partition.date <= to) days[partition.date] = true;
    }
    std::map<Date, std::int64_t> counts;
    if (warehouse.has_table(dataset)) counts = warehouse.row_counts(dataset, from, to);
    for (const auto& [day, rows] : counts) days.try_emplace(day, false);
    for (const auto& [day, in_lake] : days) {
      const auto count = counts.find(day);
      report.days.push_back(compare_day(lake, warehouse, dataset, day, in_lake,
                                        count == counts.end() ? -1 : count->second));
    }
  }
  return report;
}

}  // namespace gogooku3::storage::warehouse
