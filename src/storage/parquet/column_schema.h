// How a gogooku3 column maps onto a flat Parquet schema, both ways.
//
// Writing, a Table column becomes one leaf SchemaElement:
//   int32  -> INT32 INT(32, signed)      (or INT(8) / INT(16) when annotated so)
//   int64  -> INT64 INT(64, signed)      (or TIMESTAMP(millis|micros, UTC) when annotated so)
//   float  -> FLOAT     double -> DOUBLE
//   string -> BYTE_ARRAY STRING          date -> INT32 DATE
// Both the LogicalType and the legacy ConvertedType are written, so old readers agree.
// Columns are OPTIONAL unless listed as required; float/double NaN is written as null.
//
// Reading, a leaf maps back: INT32 (plain or INT 8/16/32 signed) -> int32, INT32 DATE -> date,
// INT64 (any annotation, timestamps included) -> int64, FLOAT, DOUBLE, BYTE_ARRAY (STRING or
// un-annotated) -> string. Anything else (BOOLEAN, INT96, FIXED_LEN_BYTE_ARRAY, unsigned or
// decimal ints, repeated or nested fields) is InvalidInput naming the file and the column.
#pragma once

#include <string>
#include <string_view>

#include "core/column.h"
#include "core/table.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

enum class LogicalType {
  kNone,
  kString,
  kDate,
  kTimestampMillis,
  kTimestampMicros,
  kInt8,
  kInt16,
  kInt32,
  kInt64
};

// "none", "string", "date", "timestamp_millis", "timestamp_micros", "int8", ... "int64".
std::string_view logical_type_name(LogicalType type);

struct ColumnInfo {
  std::string name;
  ColumnType type;
  LogicalType logical;
  bool required;
  bool operator==(const ColumnInfo&) const = default;
};

// The annotation a column type gets unless WriterOptions::logical_types says otherwise.
LogicalType default_logical_type(ColumnType type);
// InvalidInput unless `logical` can annotate a column of `field`'s type.
void check_logical_type(const Field& field, LogicalType logical);

PhysicalType physical_type_of(ColumnType type);
SchemaElement schema_element_for(const ColumnInfo& column);

// The column a leaf reads as; InvalidInput ("unsupported") for anything outside the mapping,
// Corruption for an element that is not a valid leaf. `file` names the file in messages.
ColumnInfo column_info_from(const SchemaElement& element, const std::string& file);

}  // namespace gogooku3::storage::parquet
