#include "storage/warehouse/native_format.h"

#include <bit>
#include <cstring>
#include <limits>
#include <optional>

#include "core/error.h"

namespace gogooku3::storage::warehouse {
namespace {

static_assert(std::endian::native == std::endian::little,
              "Native encodes numbers little-endian by copying them");

// The last day a ClickHouse Date (UInt16 days since 1970-01-01) can hold: 2149-06-06.
constexpr std::int32_t kMaxDateDays = std::numeric_limits<std::uint16_t>::max();

bool is_key(std::string_view name) { return name == kCodeColumn || name == kDateColumn; }

void put_varint(std::uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_string(std::string_view value, std::string& out) {
  put_varint(value.size(), out);
  out.append(value);
}

template <typename T>
void put_array(const T* values, size_t count, std::string& out) {
  out.append(reinterpret_cast<const char*>(values), count * sizeof(T));
}

std::uint16_t date_to_days(const Column& column, size_t row) {
  const std::int32_t days = column.as<Date>()[row].days_since_epoch();
  if (days < 0 || days > kMaxDateDays) {
    throw invalid_input(
        "column '{}' row {}: {} does not fit a ClickHouse Date "
        "(1970-01-01 to 2149-06-06)",
        column.name(), row, column.as<Date>()[row].to_string());
  }
  return static_cast<std::uint16_t>(days);
}

void put_null_map(const Column& column, size_t begin, size_t end, std::string& out) {
  const size_t at = out.size();
  out.resize(at + (end - begin), '\0');
  if (!column.has_validity_bitmap()) return;
  for (size_t row = begin; row < end; ++row) {
    if (!column.is_valid(row)) out[at + row - begin] = 1;
  }
}

void require_no_nulls(const Column& column, size_t begin, size_t end) {
  if (!column.has_validity_bitmap()) return;
  for (size_t row = begin; row < end; ++row) {
    if (!column.is_valid(row)) {
      throw invalid_input(
          "key column '{}' is null at row {}: the warehouse orders by "
          "(code, date) and cannot store a row without them",
          column.name(), row);
    }
  }
}

void put_column_data(const Column& column, size_t begin, size_t end, std::string& out) {
  const bool key = is_key(column.name());
  const size_t count = end - begin;
  switch (column.type()) {
    case ColumnType::kFloat:
      put_array(column.as<float>().data() + begin, count, out);
      return;
    case ColumnType::kDouble:
      put_array(column.as<double>().data() + begin, count, out);
      return;
    case ColumnType::kInt32:
      put_null_map(column, begin, end, out);
      put_array(column.as<std::int32_t>().data() + begin, count, out);
      return;
    case ColumnType::kInt64:
      put_null_map(column, begin, end, out);
      put_array(column.as<std::int64_t>().data() + begin, count, out);
      return;
    case ColumnType::kString: {
      if (key) {
        require_no_nulls(column, begin, end);
      } else {
        put_null_map(column, begin, end, out);
      }
      const auto& values = column.as<std::string>();
      for (size_t row = begin; row < end; ++row) put_string(values[row], out);
      return;
    }
    case ColumnType::kDate: {
      if (key) {
        require_no_nulls(column, begin, end);
      } else {
        put_null_map(column, begin, end, out);
      }
      std::vector<std::uint16_t> days(count);
      for (size_t row = begin; row < end; ++row) {
        days[row - begin] = column.is_valid(row) ? date_to_days(column, row) : 0;
      }
      put_array(days.data(), count, out);
      return;
    }
  }
}

// Reads a Native stream front to back; every read checks the bytes are there.
class Reader {
 public:
  Reader(std::string_view bytes, std::string_view what) : bytes_(bytes), what_(what) {}

  bool at_end() const { return at_ == bytes_.size(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto byte = static_cast<std::uint8_t>(take(1)[0]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw corruption("{}: a varint longer than 10 bytes at offset {}", what_, at_);
  }

  std::string_view string() { return take(varint()); }

  std::string_view take(std::uint64_t size) {
    if (size > bytes_.size() - at_) {
      throw corruption("{}: the Native stream ends at byte {} but {} more bytes were expected",
                       what_, bytes_.size(), size);
    }
    const std::string_view part = bytes_.substr(at_, size);
    at_ += size;
    return part;
  }

  template <typename T>
  std::vector<T> array(std::uint64_t count) {
    if (count > (bytes_.size() - at_) / sizeof(T)) take(count * sizeof(T));  // throws
    std::vector<T> values(count);
    std::memcpy(values.data(), take(count * sizeof(T)).data(), count * sizeof(T));
    return values;
  }

 private:
  std::string_view bytes_;
  std::string_view what_;
  size_t at_ = 0;
};

// Appends `rows` values of a column of `type` from the reader onto `column`.
void read_column_data(Reader& reader, ColumnType type, bool nullable, std::uint64_t rows,
                      Column& column) {
  std::vector<std::uint8_t> nulls;
  if (nullable) nulls = reader.array<std::uint8_t>(rows);
  const auto is_null = [&](std::uint64_t row) { return nullable && nulls[row] != 0; };
  switch (type) {
    case ColumnType::kFloat:
      for (float value : reader.array<float>(rows)) column.append(value);
      return;
    case ColumnType::kDouble:
      for (double value : reader.array<double>(rows)) column.append(value);
      return;
    case ColumnType::kInt32: {
      const auto values = reader.array<std::int32_t>(rows);
      for (std::uint64_t row = 0; row < rows; ++row) {
        is_null(row) ? column.append_null() : column.append(values[row]);
      }
      return;
    }
    case ColumnType::kInt64: {
      const auto values = reader.array<std::int64_t>(rows);
      for (std::uint64_t row = 0; row < rows; ++row) {
        is_null(row) ? column.append_null() : column.append(values[row]);
      }
      return;
    }
    case ColumnType::kString:
      for (std::uint64_t row = 0; row < rows; ++row) {
        const std::string_view value = reader.string();
        is_null(row) ? column.append_null() : column.append(value);
      }
      return;
    case ColumnType::kDate: {
      const auto days = reader.array<std::uint16_t>(rows);
      for (std::uint64_t row = 0; row < rows; ++row) {
        is_null(row) ? column.append_null() : column.append(Date(days[row]));
      }
      return;
    }
  }
}

}  // namespace

std::string warehouse_type(std::string_view name, ColumnType type) {
  switch (type) {
    case ColumnType::kFloat:
      return "Float32";
    case ColumnType::kDouble:
      return "Float64";
    case ColumnType::kInt32:
      return "Nullable(Int32)";
    case ColumnType::kInt64:
      return "Nullable(Int64)";
    case ColumnType::kString:
      return is_key(name) ? "String" : "Nullable(String)";
    case ColumnType::kDate:
      return is_key(name) ? "Date" : "Nullable(Date)";
  }
  throw internal_error("column '{}' has an unknown type", name);
}

void append_native_block(const Table& table, size_t begin, size_t end,
                         const std::vector<ConstantColumn>& constants, std::string& out) {
  if (begin > end || end > table.num_rows()) {
    throw invalid_input("Native block rows [{}, {}) are outside a table of {} rows", begin, end,
                        table.num_rows());
  }
  const size_t rows = end - begin;
  put_varint(table.num_columns() + constants.size(), out);
  put_varint(rows, out);
  for (const Column& column : table.columns()) {
    put_string(column.name(), out);
    put_string(warehouse_type(column.name(), column.type()), out);
    put_column_data(column, begin, end, out);
  }
  for (const ConstantColumn& constant : constants) {
    put_string(constant.name, out);
    put_string(constant.type, out);
    if (constant.type == "UInt64") {
      const std::vector<std::uint64_t> values(rows, constant.value);
      put_array(values.data(), rows, out);
    } else if (constant.type == "UInt8") {
      out.append(rows, static_cast<char>(constant.value));
    } else {
      throw internal_error("constant column '{}' has type {}; only UInt64 and UInt8 are encoded",
                           constant.name, constant.type);
    }
  }
}

Table decode_native(std::string_view bytes, const Schema& schema, std::string_view what) {
  std::vector<Column> columns;
  columns.reserve(schema.size());
  for (const Field& field : schema) columns.emplace_back(field.name, field.type);
  Reader reader(bytes, what);
  while (!reader.at_end()) {
    const std::uint64_t column_count = reader.varint();
    const std::uint64_t rows = reader.varint();
    if (column_count != schema.size()) {
      throw invalid_input("{}: a block has {} columns but {} were expected ({})", what,
                          column_count, schema.size(), schema_to_string(schema));
    }
    for (size_t i = 0; i < schema.size(); ++i) {
      const std::string_view name = reader.string();
      const std::string_view type = reader.string();
      const std::string expected = warehouse_type(schema[i].name, schema[i].type);
      if (name != schema[i].name || type != expected) {
        throw invalid_input("{}: column {} is '{} {}' but '{} {}' was expected", what, i, name,
                            type, schema[i].name, expected);
      }
      read_column_data(reader, schema[i].type, type.starts_with("Nullable("), rows, columns[i]);
    }
  }
  return Table(std::move(columns));
}

}  // namespace gogooku3::storage::warehouse
