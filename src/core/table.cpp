#include "core/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "core/error.h"

namespace gogooku3 {
namespace {

std::string column_names(const std::vector<Column>& columns) {
  if (columns.empty()) return "(none)";
  std::string names;
  for (const Column& column : columns) {
    if (!names.empty()) names += ", ";
    names += column.name();
  }
  return names;
}

std::string describe_field(const Column& column) {
  return fmt::format("'{}' ({})", column.name(), column_type_name(column.type()));
}

}  // namespace

std::string schema_to_string(const Schema& schema) {
  std::string text;
  for (const Field& field : schema) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{}: {}", field.name, column_type_name(field.type));
  }
  return text;
}

Table::Table(std::vector<Column> columns) {
  columns_.reserve(columns.size());
  for (Column& column : columns) add_column(std::move(column));
}

Schema Table::schema() const {
  Schema schema;
  schema.reserve(columns_.size());
  for (const Column& column : columns_) schema.push_back({column.name(), column.type()});
  return schema;
}

const Column* Table::find(std::string_view name) const {
  for (const Column& column : columns_) {
    if (column.name() == name) return &column;
  }
  return nullptr;
}

bool Table::has_column(std::string_view name) const { return find(name) != nullptr; }

const Column& Table::column(std::string_view name) const {
  const Column* column = find(name);
  if (column == nullptr) {
    throw not_found("table has no column '{}'; its columns are: {}", name, column_names(columns_));
  }
  return *column;
}

void Table::add_column(Column column) {
  if (has_column(column.name())) {
    throw invalid_input("cannot add column '{}': the table already has a column of that name",
                        column.name());
  }
  if (!columns_.empty() && column.size() != num_rows()) {
    throw invalid_input("cannot add column '{}' with {} rows to a table of {} rows", column.name(),
                        column.size(), num_rows());
  }
  columns_.push_back(std::move(column));
}

void Table::replace_column(Column column) {
  auto it = std::find_if(columns_.begin(), columns_.end(),
                         [&](const Column& c) { return c.name() == column.name(); });
  if (it == columns_.end()) {
    throw not_found("cannot replace column '{}': the table has no such column; its columns are: {}",
                    column.name(), column_names(columns_));
  }
  if (column.size() != num_rows()) {
    throw invalid_input("cannot replace column '{}' with {} rows in a table of {} rows",
                        column.name(), column.size(), num_rows());
  }
  if (column.name() == kCodeColumn || column.name() == kDateColumn) {
    sorted_by_code_date_ = false;
    code_ranges_.clear();
  }
  *it = std::move(column);
}

Table Table::select(const std::vector<std::string>& names) const {
  Table out;
  out.columns_.reserve(names.size());
  for (const std::string& name : names) {
    if (out.has_column(name)) {
      throw invalid_input("select: column '{}' is requested twice", name);
    }
    out.add_column(column(name));
  }
  if (sorted_by_code_date_ && out.has_column(kCodeColumn) && out.has_column(kDateColumn)) {
    out.sorted_by_code_date_ = true;
    out.code_ranges_ = code_ranges_;
  }
  return out;
}

Table Table::take(std::span<const size_t> rows) const {
  if (!rows.empty()) {
    const size_t largest = *std::max_element(rows.begin(), rows.end());
    if (largest >= num_rows()) {
      throw invalid_input("take: row {} is out of range; the table has {} rows", largest,
                          num_rows());
    }
  }
  Table out;
  out.columns_.reserve(columns_.size());
  for (const Column& column : columns_) out.columns_.push_back(column.take(rows));
  return out;
}

Table Table::slice(size_t begin, size_t end) const {
  if (begin > end || end > num_rows()) {
    throw invalid_input("slice [{}, {}) is out of range; the table has {} rows", begin, end,
                        num_rows());
  }
  Table out;
  out.columns_.reserve(columns_.size());
  for (const Column& column : columns_) out.columns_.push_back(column.slice(begin, end));
  if (sorted_by_code_date_) {
    out.sorted_by_code_date_ = true;
    for (const CodeRange& range : code_ranges_) {
      const size_t first = std::max(range.rows.begin, begin);
      const size_t last = std::min(range.rows.end, end);
      if (first < last) out.code_ranges_.push_back({range.code, {first - begin, last - begin}});
    }
  }
  return out;
}

Table Table::concat(std::span<const Table> tables) {
  if (tables.empty()) return Table();
  const Table& first = tables.front();
  size_t total_rows = 0;
  for (size_t t = 0; t < tables.size(); ++t) {
    const std::vector<Column>& expected = first.columns_;
    const std::vector<Column>& actual = tables[t].columns_;
    const size_t shared = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < shared; ++i) {
      if (expected[i].name() != actual[i].name() || expected[i].type() != actual[i].type()) {
        throw invalid_input(
            "concat: table {} has column {} at position {} where table 0 has {}; schemas must "
            "match by name and type, in order",
            t, describe_field(actual[i]), i, describe_field(expected[i]));
      }
    }
    if (actual.size() > shared) {
      throw invalid_input("concat: table {} has an extra column {} at position {}; table 0 has {}",
                          t, describe_field(actual[shared]), shared,
                          schema_to_string(first.schema()));
    }
    if (expected.size() > shared) {
      throw invalid_input("concat: table {} lacks column {} (position {}) that table 0 has", t,
                          describe_field(expected[shared]), shared);
    }
    total_rows += tables[t].num_rows();
  }
  Table out;
  out.columns_.reserve(first.columns_.size());
  for (size_t i = 0; i < first.columns_.size(); ++i) {
    Column column(first.columns_[i].name(), first.columns_[i].type());
    column.reserve(total_rows);
    for (const Table& table : tables) column.append_rows(table.columns_[i]);
    out.columns_.push_back(std::move(column));
  }
  return out;
}

std::optional<std::vector<size_t>> Table::code_date_permutation() const {
  const Column& code_column = column(kCodeColumn);
  const Column& date_column = column(kDateColumn);
  if (code_column.type() != ColumnType::kString || date_column.type() != ColumnType::kDate) {
    throw invalid_input(
        "sort_by_code_date needs a string column '{}' and a date column '{}'; the table has "
        "{} and {}",
        kCodeColumn, kDateColumn, describe_field(code_column), describe_field(date_column));
  }
  for (const Column* key : {&code_column, &date_column}) {
    if (key->null_count() > 0) {
      throw invalid_input(
          "sort_by_code_date: column '{}' has {} null rows; drop or fill them first", key->name(),
          key->null_count());
    }
  }
  const std::vector<std::string>& codes = code_column.as<std::string>();
  const std::vector<Date>& dates = date_column.as<Date>();
  const size_t rows = codes.size();

  // Data read back from the lake is usually sorted already: one pass proves it.
  bool already_sorted = true;
  for (size_t row = 1; row < rows && already_sorted; ++row) {
    const int order = codes[row - 1].compare(codes[row]);
    already_sorted = order < 0 || (order == 0 && dates[row - 1] <= dates[row]);
  }
  if (already_sorted) return std::nullopt;

  // Strings are compared only among the few thousand distinct codes; rows are then placed by a
  // stable counting sort on the code's rank, so no string is moved or compared per row.
  std::unordered_map<std::string_view, uint32_t> id_of;
  std::vector<std::string_view> distinct;
  std::vector<uint32_t> row_code(rows);
  std::string_view previous;
  uint32_t previous_id = std::numeric_limits<uint32_t>::max();
  for (size_t row = 0; row < rows; ++row) {
    const std::string_view code = codes[row];
    if (previous_id == std::numeric_limits<uint32_t>::max() || code != previous) {
      auto [it, inserted] = id_of.try_emplace(code, static_cast<uint32_t>(distinct.size()));
      if (inserted) distinct.push_back(code);
      previous = code;
      previous_id = it->second;
    }
    row_code[row] = previous_id;
  }
  std::vector<uint32_t> by_code(distinct.size());
  std::iota(by_code.begin(), by_code.end(), 0);
  std::sort(by_code.begin(), by_code.end(),
            [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
  std::vector<uint32_t> rank(distinct.size());
  for (uint32_t r = 0; r < by_code.size(); ++r) rank[by_code[r]] = r;

  std::vector<size_t> group_begin(distinct.size() + 1, 0);
  for (size_t row = 0; row < rows; ++row) {
    row_code[row] = rank[row_code[row]];
    ++group_begin[row_code[row] + 1];
  }
  std::partial_sum(group_begin.begin(), group_begin.end(), group_begin.begin());
  std::vector<size_t> next(group_begin.begin(), group_begin.end() - 1);
  std::vector<size_t> permutation(rows);
  for (size_t row = 0; row < rows; ++row) permutation[next[row_code[row]]++] = row;

  const auto earlier = [&](size_t a, size_t b) { return dates[a] < dates[b]; };
  for (size_t group = 0; group < distinct.size(); ++group) {
    const auto begin = permutation.begin() + static_cast<std::ptrdiff_t>(group_begin[group]);
    const auto end = permutation.begin() + static_cast<std::ptrdiff_t>(group_begin[group + 1]);
    if (!std::is_sorted(begin, end, earlier)) std::stable_sort(begin, end, earlier);
  }
  return permutation;
}

void Table::build_code_index() {
  const std::vector<std::string>& codes = column(kCodeColumn).as<std::string>();
  code_ranges_.clear();
  for (size_t row = 0; row < codes.size(); ++row) {
    if (code_ranges_.empty() || code_ranges_.back().code != codes[row]) {
      code_ranges_.push_back({codes[row], {row, row}});
    }
    code_ranges_.back().rows.end = row + 1;
  }
  sorted_by_code_date_ = true;
}

Table Table::sort_by_code_date() const& {
  std::optional<std::vector<size_t>> permutation = code_date_permutation();
  Table out = permutation ? take(*permutation) : *this;
  out.build_code_index();
  return out;
}

Table Table::sort_by_code_date() && {
  std::optional<std::vector<size_t>> permutation = code_date_permutation();
  Table out = permutation ? take(*permutation) : std::move(*this);
  out.build_code_index();
  return out;
}

void Table::require_sorted(std::string_view operation) const {
  if (!sorted_by_code_date_) {
    throw invalid_input(
        "{}: the table is not sorted by (code, date); call sort_by_code_date() first", operation);
  }
}

const std::vector<CodeRange>& Table::code_ranges() const {
  require_sorted("code_ranges");
  return code_ranges_;
}

RowRange Table::rows_of(std::string_view code) const {
  require_sorted("rows_of");
  auto it =
      std::lower_bound(code_ranges_.begin(), code_ranges_.end(), code,
                       [](const CodeRange& range, std::string_view c) { return range.code < c; });
  if (it != code_ranges_.end() && it->code == code) return it->rows;
  const size_t position = it == code_ranges_.end() ? num_rows() : it->rows.begin;
  return {position, position};
}

std::optional<std::string> Table::first_difference(const Table& other) const {
  if (schema() != other.schema()) {
    return fmt::format("schemas differ: [{}] vs [{}]", schema_to_string(schema()),
                       schema_to_string(other.schema()));
  }
  if (num_rows() != other.num_rows()) {
    return fmt::format("row counts differ: {} vs {}", num_rows(), other.num_rows());
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    std::optional<std::string> difference = columns_[i].first_difference(other.columns_[i]);
    if (difference) return difference;
  }
  return std::nullopt;
}

std::string Table::to_string(size_t max_rows) const {
  std::string text;
  for (const Column& column : columns_) {
    if (!text.empty()) text += '\t';
    text += fmt::format("{}:{}", column.name(), column_type_name(column.type()));
  }
  text += '\n';
  const size_t shown = std::min(max_rows, num_rows());
  for (size_t row = 0; row < shown; ++row) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) text += '\t';
      text += columns_[i].value_to_string(row);
    }
    text += '\n';
  }
  if (shown < num_rows()) text += fmt::format("... {} more rows\n", num_rows() - shown);
  return text;
}

}  // namespace gogooku3
