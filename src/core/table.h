// Table: the columnar data every gogooku3 module hands to the next.
//
// A Table is an ordered list of named, typed Columns (see core/column.h) of equal length.
// Names are unique; the order is part of the schema and is the order of the Parquet file the
// table becomes. Bars, features, predictions and quarantined rows are all Tables, so a module
// never invents its own row struct for data that crosses a boundary.
//
// Missing values follow Column: NaN in float/double columns, a validity bit in the others.
//
// Price-like tables are sorted by (code, date): `sort_by_code_date()` returns the sorted table
// and records where each code's rows begin and end, so per-ticker work (rolling features,
// per-ticker retries) walks `code_ranges()` instead of searching. A table remembers whether it
// is sorted; operations that keep the order (select with both keys, slice) keep the index,
// the rest (take, concat) drop it, and asking an unsorted table for ranges is an error.
// Codes are 5-character strings ("86970", "130A0") compared bytewise, never integers.
//
// Ownership and threads: a Table is a value type that owns its columns. Copies are deep,
// moves are cheap (a few vector moves), so pass by value and std::move into a sink. Const
// methods never mutate, so any number of threads may read one table at once; mutation
// (add_column, replace_column) needs exclusive access.
//
// Errors: a wrong type, a length mismatch, a bad range or a schema mismatch is InvalidInput; a
// missing column is NotFound. Each message names the column (and the lengths or types) at
// fault.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/column.h"

namespace gogooku3 {

// The key columns of price-like tables.
inline constexpr std::string_view kCodeColumn = "code";  // string
inline constexpr std::string_view kDateColumn = "date";  // date

struct Field {
  std::string name;
  ColumnType type;
  bool operator==(const Field&) const = default;
};
// Column names and types in table order: what one flat Parquet schema says.
using Schema = std::vector<Field>;
// "code: string, date: date, close: double"
std::string schema_to_string(const Schema& schema);

// Rows [begin, end).
struct RowRange {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
  bool empty() const { return begin == end; }
  bool operator==(const RowRange&) const = default;
};

struct CodeRange {
  std::string code;
  RowRange rows;
  bool operator==(const CodeRange&) const = default;
};

class Table {
 public:
  Table() = default;
  // Throws like add_column for each column in turn.
  explicit Table(std::vector<Column> columns);

  size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t num_columns() const { return columns_.size(); }
  Schema schema() const;
  const std::vector<Column>& columns() const { return columns_; }

  bool has_column(std::string_view name) const;
  // NotFound naming the column and listing the ones that exist.
  const Column& column(std::string_view name) const;

  // Appends a column. InvalidInput when the name is taken or its length differs from
  // num_rows() (the first column of an empty table sets num_rows()).
  void add_column(Column column);
  // Swaps in a new column of the same name and length, at the same position; the type may
  // change. Replacing "code" or "date" drops the (code, date) index.
  void replace_column(Column column);

  // The named columns, in the requested order. NotFound for a missing name, InvalidInput for
  // a repeated one.
  Table select(const std::vector<std::string>& names) const;
  // The rows at `rows`, in that order (repeats allowed). InvalidInput if any is out of range.
  Table take(std::span<const size_t> rows) const;
  // Rows [begin, end). InvalidInput unless begin <= end <= num_rows().
  Table slice(size_t begin, size_t end) const;
  // All rows of `tables`, one after another. Every schema must equal the first (names and
  // types, in order); InvalidInput names the first column that differs. The result is not
  // marked sorted even if the inputs were.
  static Table concat(std::span<const Table> tables);

  // The rows ordered by (code, date), ties kept in their original order, with the per-code
  // index built. Requires a string column "code" and a date column "date" without nulls.
  // Already-sorted input is detected in one pass and only indexed, not gathered.
  Table sort_by_code_date() const&;
  Table sort_by_code_date() &&;
  bool is_sorted_by_code_date() const { return sorted_by_code_date_; }
  // Each code's rows, codes ascending. InvalidInput unless the table is sorted.
  const std::vector<CodeRange>& code_ranges() const;
  // The rows of one code; an empty range (at the position the code would sort to) when the
  // table has no row for it. InvalidInput unless the table is sorted.
  RowRange rows_of(std::string_view code) const;

  // Same schema and values (see Column::equals: NaN equals NaN). Sortedness is not compared.
  bool equals(const Table& other) const { return !first_difference(other).has_value(); }
  // Where two tables first differ, for test failure messages; nullopt when equal.
  std::optional<std::string> first_difference(const Table& other) const;

  // A header line and up to `max_rows` rows, tab-separated, for debugging and test output.
  std::string to_string(size_t max_rows = 20) const;

 private:
  const Column* find(std::string_view name) const;
  void require_sorted(std::string_view operation) const;
  // The gather order that sorts by (code, date), or nullopt when the rows are already sorted.
  std::optional<std::vector<size_t>> code_date_permutation() const;
  void build_code_index();

  std::vector<Column> columns_;
  bool sorted_by_code_date_ = false;
  std::vector<CodeRange> code_ranges_;  // filled only when sorted
};

}  // namespace gogooku3
