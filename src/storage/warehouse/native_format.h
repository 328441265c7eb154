// ClickHouse's Native format: how tables travel to and from the warehouse.
//
// Native is ClickHouse's own columnar block format, the one clickhouse-client speaks. Over the
// HTTP interface (`INSERT INTO t FORMAT Native`, `SELECT ... FORMAT Native`) a stream is a
// sequence of blocks, each:
//   varint column count, varint row count, then per column:
//     string name, string type ("Float32", "Nullable(Int32)", ...), the column's data
// with strings as varint length + bytes and numbers little-endian. Column data is a plain array
// for fixed-width types (Date is UInt16 days since 1970-01-01), length-prefixed values for
// String, and for Nullable(T) a UInt8 null map (1 = null) followed by T's data.
//
// Because a gogooku3 Column is already one typed array, encoding a float column is one memcpy:
// that is why the warehouse loads Native rather than row-oriented RowBinary or text.
//
// Type mapping (warehouse_type): the key columns code and date are String and Date; float and
// double are Float32 and Float64 with NaN for missing, as in the lake; int32, int64, string and
// date otherwise are Nullable(Int32), Nullable(Int64), Nullable(String), Nullable(Date).
// Dates before 1970-01-01 or after 2149-06-06 do not fit a ClickHouse Date and are an error.
//
// Pure functions over values; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.h"

namespace gogooku3::storage::warehouse {

// The ClickHouse type a column of `type` named `name` is stored as.
std::string warehouse_type(std::string_view name, ColumnType type);

// A column the encoder appends to every block with one constant value (the load's version and
// the tombstone flag); `type` is "UInt64" or "UInt8".
struct ConstantColumn {
  std::string name;
  std::string type;
  std::uint64_t value = 0;
};

// Appends one Native block holding rows [begin, end) of `table` plus `constants` to `out`.
void append_native_block(const Table& table, size_t begin, size_t end,
                         const std::vector<ConstantColumn>& constants, std::string& out);

// Decodes a whole Native stream (any number of blocks, possibly none) into a Table whose columns
// follow `schema`: names must match the stream's columns in order and each stream type must be
// warehouse_type() of the schema's type. Corruption names `what` (e.g. "ClickHouse answer to
// SELECT ... clean_prices") for a truncated or inconsistent stream; InvalidInput for a column
// that does not match the schema.
Table decode_native(std::string_view bytes, const Schema& schema, std::string_view what);

}  // namespace gogooku3::storage::warehouse
