// The parallel-run consistency check: does ClickHouse hold exactly what the lake holds?
//
// For every day of [from, to] that either side has, verify() compares the lake partition with
// the warehouse's live rows of that day (FINAL, tombstones excluded): row counts, and a content
// checksum — SHA-256 of the rows ordered by code, encoded as one Native block with the lake's
// column order and types (content_checksum()). Equal checksums mean equal values bit for bit,
// NaNs and nulls included. When they differ, the report names the first differing row and
// column, so a wrong load is found, not just detected.
//
// Cost: every row of the range crosses the network once; the check is meant for a daily
// window or a periodic sweep, not a per-query guard.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "storage/lake/lake.h"
#include "storage/warehouse/warehouse.h"

namespace gogooku3::storage::warehouse {

struct VerifyDay {
  std::string dataset;
  Date date;
  std::int64_t lake_rows = -1;       // -1: the lake has no partition for the day
  std::int64_t warehouse_rows = -1;  // -1: the warehouse has no rows for the day
  std::string lake_checksum{};
  std::string warehouse_checksum{};
  std::string difference{};  // empty when the day agrees
  bool ok() const { return difference.empty(); }
};

struct VerifyReport {
  std::vector<VerifyDay> days;
  std::int64_t mismatches() const;
};

// "sha256:<hex>" of the table's rows ordered by code, as one Native block.
std::string content_checksum(const Table& table);

VerifyReport verify(const Lake& lake, const Warehouse& warehouse,
                    const std::vector<std::string>& datasets, Date from, Date to);

}  // namespace gogooku3::storage::warehouse
