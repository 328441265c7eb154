// The canonical JSON form of a Parquet file's content, C++ side, shared by the interop drivers
// (parquet_interop_write writes it as the expected content of our files, parquet_interop_read
// compares our Reader's output with DuckDB's expected files). readers.mjs defines the form and
// produces it from DuckDB, hyparquet and parquet-wasm; the two sides must agree exactly:
//
//   { "num_rows": 3, "num_row_groups": 1,
//     "columns": [ { "name": "close", "type": "double", "required": false,
//                    "values": [101.5, null, "-0"] } ],
//     "key_value_metadata": [["key", "value"], ...] }        (sorted by key, then value)
//
// Types: int8 int16 int32 int64 float double string date timestamp_ms timestamp_us. Values:
// int8/16/32 as JSON numbers; int64 and timestamps as decimal strings of the stored count;
// dates YYYY-MM-DD; strings as-is; floats as the JSON number of their exact value widened to
// double, except "NaN", "Infinity", "-Infinity" and "-0"; null as null. Our columns say
// missing float/double with NaN, which the writer stores as null: so a NaN row is null here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/column.h"
#include "storage/parquet/writer.h"

namespace gogooku3::storage::parquet::interop {

// The canonical type of a column of `type` stored with `logical` (see WriterOptions).
inline std::string canonical_type(ColumnType type, LogicalType logical) {
  switch (type) {
    case ColumnType::kInt32:
      if (logical == LogicalType::kInt8) return "int8";
      if (logical == LogicalType::kInt16) return "int16";
      return "int32";
    case ColumnType::kInt64:
      if (logical == LogicalType::kTimestampMillis) return "timestamp_ms";
      if (logical == LogicalType::kTimestampMicros) return "timestamp_us";
      return "int64";
    case ColumnType::kFloat:
      return "float";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kString:
      return "string";
    case ColumnType::kDate:
      return "date";
  }
  return "unknown";
}

inline nlohmann::json canonical_float(double value) {
  if (std::isnan(value)) return nullptr;  // missing, stored as null
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0 && std::signbit(value)) return "-0";
  return value;
}

inline nlohmann::json canonical_value(const Column& column, std::size_t row) {
  if (!column.is_valid(row)) return nullptr;
  switch (column.type()) {
    case ColumnType::kInt32:
      return column.as<std::int32_t>()[row];
    case ColumnType::kInt64:
      return std::to_string(column.as<std::int64_t>()[row]);
    case ColumnType::kFloat:
      return canonical_float(static_cast<double>(column.as<float>()[row]));
    case ColumnType::kDouble:
      return canonical_float(column.as<double>()[row]);
    case ColumnType::kString:
      return column.as<std::string>()[row];
    case ColumnType::kDate:
      return column.as<Date>()[row].to_string();
  }
  return nullptr;
}

inline nlohmann::json canonical_values(const Column& column) {
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t row = 0; row < column.size(); ++row) {
    values.push_back(canonical_value(column, row));
  }
  return values;
}

inline nlohmann::json canonical_key_value_metadata(
    std::vector<std::pair<std::string, std::string>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  nlohmann::json out = nlohmann::json::array();
  for (auto& [key, value] : pairs) out.push_back({std::move(key), std::move(value)});
  return out;
}

}  // namespace gogooku3::storage::parquet::interop
