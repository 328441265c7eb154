// Column: one named, typed, owned vector of values — the unit a Table is made of.
//
// A column holds exactly one of six value types, chosen when it is made and never changed:
// int32, int64, float, double, string, date. Date is its own type rather than "an int32 that
// happens to count days" because the tag travels to storage: a date column becomes Parquet's
// DATE logical type, an int32 column a plain INT32. Reading a column as the wrong type is an
// InvalidInput error that names the column and both types, never a silent reinterpretation.
//
// Missing values. float and double columns mark a missing value with NaN and carry no bitmap:
// that is what every numeric consumer (features, the model, Parquet readers) already expects,
// and it keeps the hot numeric loops branch-free. int32, int64, string and date columns carry
// a validity bitmap, allocated on the first null: a column that never saw a null has none, so
// the common case costs nothing. The value stored under a null is the type's default (0, "",
// day 0) and means nothing; is_valid(row) is the only truth.
//
// Ownership and threads: a Column is a value type. Copies are deep, moves are cheap. Any
// number of threads may call const methods on the same column at once; a mutation needs
// exclusive access.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/date.h"

namespace gogooku3 {

// The order matches the alternatives of Column's storage variant; do not reorder.
enum class ColumnType { kInt32 = 0, kInt64, kFloat, kDouble, kString, kDate };

// "int32", "int64", "float", "double", "string", "date": the words used in error messages.
std::string_view column_type_name(ColumnType type);

// The C++ types a column can hold, one per ColumnType.
template <typename T>
concept ColumnValue =
    std::same_as<T, int32_t> || std::same_as<T, int64_t> || std::same_as<T, float> ||
    std::same_as<T, double> || std::same_as<T, std::string> || std::same_as<T, Date>;

template <ColumnValue T>
constexpr ColumnType column_type_of() {
  if constexpr (std::same_as<T, int32_t>) return ColumnType::kInt32;
  if constexpr (std::same_as<T, int64_t>) return ColumnType::kInt64;
  if constexpr (std::same_as<T, float>) return ColumnType::kFloat;
  if constexpr (std::same_as<T, double>) return ColumnType::kDouble;
  if constexpr (std::same_as<T, std::string>) return ColumnType::kString;
  if constexpr (std::same_as<T, Date>) return ColumnType::kDate;
}

// Dates are stored as their int32 day count; storage writes a date column's buffer as INT32.
static_assert(sizeof(Date) == sizeof(int32_t) && std::is_trivially_copyable_v<Date>);

// Whether missing values of this type are NaN (no bitmap) rather than a cleared validity bit.
constexpr bool uses_nan_for_missing(ColumnType type) {
  return type == ColumnType::kFloat || type == ColumnType::kDouble;
}

class Column {
 public:
  // An empty column of the given type, to be filled with append().
  Column(std::string name, ColumnType type);

  // Builders, mostly for tests and small tables:
  //   Column::of<double>("close", {101.5, NAN, 99.0})
  //   Column::of_optional<int64_t>("volume", {1200, std::nullopt, 800})
  // For float/double, std::nullopt becomes NaN.
  template <ColumnValue T>
  static Column of(std::string name, std::vector<T> values);
  template <ColumnValue T>
  static Column of_optional(std::string name, const std::vector<std::optional<T>>& values);

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  ColumnType type() const { return type_; }
  size_t size() const;

  // The values, read-only. Throws InvalidInput naming the column and both types when T is not
  // this column's type. Entries under nulls are meaningless; check is_valid().
  template <ColumnValue T>
  const std::vector<T>& as() const;
  // The values, writable in place; the length and the validity of each row do not change.
  template <ColumnValue T>
  std::span<T> mutable_values();

  // Throws InvalidInput when the value's type is not the column's type.
  template <ColumnValue T>
  void append(T value);
  void append(std::string_view value) { append(std::string(value)); }
  void append(const char* value) { append(std::string(value)); }
  template <ColumnValue T>
  void append(const std::optional<T>& value);
  void append_null();
  // Appends every row of `other`, which must have the same type (its name is ignored).
  void append_rows(const Column& other);
  void reserve(size_t rows);
  // Marks a row missing: NaN for float/double, a cleared validity bit otherwise.
  void set_null(size_t row);

  bool is_valid(size_t row) const;
  // Rows that are missing (NaN rows for float/double). O(1) except for float/double (a scan).
  size_t null_count() const;
  // Whether a validity bitmap is allocated; false for float/double and for null-free columns.
  bool has_validity_bitmap() const { return !validity_.empty(); }

  // The rows at `rows`, in that order (repeats allowed). InvalidInput if any is out of range.
  Column take(std::span<const size_t> rows) const;
  // Rows [begin, end). InvalidInput unless begin <= end <= size().
  Column slice(size_t begin, size_t end) const;

  // Same name, type, length, validity and values; NaN equals NaN, and the values under nulls
  // are not compared. first_difference() says where two columns first differ, for test output.
  bool equals(const Column& other) const { return !first_difference(other).has_value(); }
  std::optional<std::string> first_difference(const Column& other) const;

  // One value as text ("null" when missing; dates as YYYY-MM-DD), for messages and to_string.
  std::string value_to_string(size_t row) const;

 private:
  using Data = std::variant<std::vector<int32_t>, std::vector<int64_t>, std::vector<float>,
                            std::vector<double>, std::vector<std::string>, std::vector<Date>>;

  template <ColumnValue T>
  std::vector<T>& values_or_throw(std::string_view operation);
  [[noreturn]] void throw_type_mismatch(ColumnType requested, std::string_view operation) const;
  // Keeps the bitmap in step after one value was pushed.
  void push_validity(bool valid);
  bool validity_bit(size_t row) const;
  void check_row(size_t row, std::string_view operation) const;

  std::string name_;
  ColumnType type_;
  Data data_;
  // One bit per row, 1 = valid; empty means every row is valid. Never used by float/double.
  std::vector<uint64_t> validity_;
  size_t null_count_ = 0;  // nulls recorded in validity_; float/double count NaNs on demand
};

template <ColumnValue T>
Column Column::of(std::string name, std::vector<T> values) {
  Column column(std::move(name), column_type_of<T>());
  column.data_ = std::move(values);
  return column;
}

template <ColumnValue T>
Column Column::of_optional(std::string name, const std::vector<std::optional<T>>& values) {
  Column column(std::move(name), column_type_of<T>());
  column.reserve(values.size());
  for (const std::optional<T>& value : values) column.append(value);
  return column;
}

template <ColumnValue T>
const std::vector<T>& Column::as() const {
  if (type_ != column_type_of<T>()) throw_type_mismatch(column_type_of<T>(), "read");
  return *std::get_if<std::vector<T>>(&data_);
}

template <ColumnValue T>
std::vector<T>& Column::values_or_throw(std::string_view operation) {
  if (type_ != column_type_of<T>()) throw_type_mismatch(column_type_of<T>(), operation);
  return *std::get_if<std::vector<T>>(&data_);
}

template <ColumnValue T>
std::span<T> Column::mutable_values() {
  return values_or_throw<T>("write");
}

template <ColumnValue T>
void Column::append(T value) {
  values_or_throw<T>("append").push_back(std::move(value));
  push_validity(true);
}

template <ColumnValue T>
void Column::append(const std::optional<T>& value) {
  if (value.has_value()) {
    append(*value);
  } else {
    // Checked here too, so that appending nullopt of the wrong type fails like a value would.
    values_or_throw<T>("append");
    append_null();
  }
}

}  // namespace gogooku3
