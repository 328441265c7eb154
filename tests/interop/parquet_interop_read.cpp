// parquet_interop_read DIR: reads every NAME.parquet in DIR with our Reader and compares it with
// NAME.json beside it (written by duckdb-write.mjs, in the canonical form of canonical_json.h):
// row and row-group counts, column names, types, nullability, key-value metadata and every
// value, read whole, row group by row group, with the columns projected in reverse order, and
// (where the file has "code" and "date" columns) filtered by date and code.
// Prints one line per file, the differences under a failing one, and a last line
// "read: N passed, M failed"; exits 1 on any mismatch.
//
// Our columns cannot tell a stored NaN from a null float (both read as NaN), so an expected
// "NaN" matches a null. A file whose JSON has "unsupported_by_ours": "WHAT" (a valid file using
// something reader.h says we do not read) also passes when open or read fails with an
// InvalidInput whose message names WHAT: rejected cleanly, as documented.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canonical_json.h"
#include "core/column.h"
#include "core/date.h"
#include "core/error.h"
#include "core/table.h"
#include "storage/parquet/reader.h"

namespace gogooku3::storage::parquet::interop {
namespace {

constexpr std::size_t kMaxDiffsPerColumn = 5;

bool same_value(const nlohmann::json& expected, const nlohmann::json& actual) {
  if (expected == "NaN" && actual.is_null()) return true;
  return expected == actual;
}

void compare_column(const nlohmann::json& expected, const Column& column, const std::string& how,
                    std::vector<std::string>& diffs) {
  const nlohmann::json& values = expected["values"];
  if (column.size() != values.size()) {
    diffs.push_back(fmt::format("{}column {}: expected {} rows, actual {}", how, column.name(),
                                values.size(), column.size()));
  }
  std::size_t mismatched = 0;
  for (std::size_t row = 0; row < std::min(column.size(), values.size()); ++row) {
    const nlohmann::json actual = canonical_value(column, row);
    if (same_value(values[row], actual)) continue;
    if (++mismatched <= kMaxDiffsPerColumn) {
      diffs.push_back(fmt::format("{}column {} row {}: expected {}, actual {}", how, column.name(),
                                  row, values[row].dump(), actual.dump()));
    }
  }
  if (mismatched > kMaxDiffsPerColumn) {
    diffs.push_back(fmt::format("{}column {}: {} more rows differ", how, column.name(),
                                mismatched - kMaxDiffsPerColumn));
  }
}

void compare_table(const nlohmann::json& expected, const Table& table, const std::string& how,
                   std::vector<std::string>& diffs) {
  for (const nlohmann::json& want : expected["columns"]) {
    const std::string name = want["name"];
    if (!table.has_column(name)) {
      diffs.push_back(fmt::format("{}column {}: missing", how, name));
      continue;
    }
    compare_column(want, table.column(name), how, diffs);
  }
}

const nlohmann::json* find_column(const nlohmann::json& expected, std::string_view name) {
  for (const nlohmann::json& column : expected["columns"]) {
    if (column["name"] == name) return &column;
  }
  return nullptr;
}

// `expected` cut down to the rows read(options) must return: date present and in range, code
// present and listed (reader.h).
nlohmann::json filtered(const nlohmann::json& expected, const ReadOptions& options) {
  const nlohmann::json& dates = (*find_column(expected, kDateColumn))["values"];
  const nlohmann::json& codes = (*find_column(expected, kCodeColumn))["values"];
  std::vector<std::size_t> rows;
  for (std::size_t row = 0; row < dates.size(); ++row) {
    if (options.date_from || options.date_to) {
      if (dates[row].is_null()) continue;
      const Date date = Date::parse(dates[row].get<std::string>());
      if ((options.date_from && date < *options.date_from) ||
          (options.date_to && date > *options.date_to)) {
        continue;
      }
    }
    if (options.codes) {
      if (codes[row].is_null()) continue;
      const std::string code = codes[row];
      if (std::find(options.codes->begin(), options.codes->end(), code) == options.codes->end()) {
        continue;
      }
    }
    rows.push_back(row);
  }
  nlohmann::json out = expected;
  for (nlohmann::json& column : out["columns"]) {
    nlohmann::json values = nlohmann::json::array();
    for (const std::size_t row : rows) values.push_back(column["values"][row]);
    column["values"] = std::move(values);
  }
  return out;
}

// For files with "code" and "date" columns: read() with date and code filters, which prune row
// groups by the statistics the other writer wrote, must return exactly the matching rows.
void compare_filtered_reads(const nlohmann::json& expected, const Reader& reader,
                            std::vector<std::string>& diffs) {
  const nlohmann::json* date_column = find_column(expected, kDateColumn);
  const nlohmann::json* code_column = find_column(expected, kCodeColumn);
  if (!date_column || !code_column || (*date_column)["type"] != "date" ||
      (*code_column)["type"] != "string") {
    return;
  }
  std::vector<Date> dates;
  std::vector<std::string> codes;
  for (const nlohmann::json& value : (*date_column)["values"]) {
    if (!value.is_null()) dates.push_back(Date::parse(value.get<std::string>()));
  }
  for (const nlohmann::json& value : (*code_column)["values"]) {
    if (!value.is_null() && codes.size() < 2 &&
        std::find(codes.begin(), codes.end(), value) == codes.end()) {
      codes.push_back(value);
    }
  }
  if (dates.empty()) return;
  std::sort(dates.begin(), dates.end());
  codes.push_back("99999");  // listed but absent

  std::vector<std::pair<std::string, ReadOptions>> filters(4);
  filters[0].first = "dates";
  filters[0].second.date_from = dates[dates.size() * 3 / 10];
  filters[0].second.date_to = dates[dates.size() * 6 / 10];
  filters[1].first = "codes";
  filters[1].second.codes = codes;
  filters[2].first = "dates and codes";
  filters[2].second.date_from = dates[dates.size() / 2];
  filters[2].second.codes = codes;
  filters[3].first = "dates after the data";
  filters[3].second.date_from = dates.back() + 1;
  for (const auto& [what, options] : filters) {
    compare_table(filtered(expected, options), reader.read(options),
                  fmt::format("read(filter by {}): ", what), diffs);
  }
}

std::vector<std::string> differences(const nlohmann::json& expected, const Reader& reader) {
  std::vector<std::string> diffs;
  if (reader.num_rows() != expected["num_rows"].get<std::int64_t>()) {
    diffs.push_back(fmt::format("num_rows: expected {}, actual {}",
                                expected["num_rows"].get<std::int64_t>(), reader.num_rows()));
  }
  if (expected.contains("num_row_groups") &&
      reader.num_row_groups() != expected["num_row_groups"].get<int>()) {
    diffs.push_back(fmt::format("num_row_groups: expected {}, actual {}",
                                expected["num_row_groups"].get<int>(), reader.num_row_groups()));
  }
  const std::vector<ColumnInfo>& columns = reader.columns();
  const nlohmann::json& wanted = expected["columns"];
  if (columns.size() != wanted.size()) {
    diffs.push_back(fmt::format("columns: expected {}, actual {}", wanted.size(), columns.size()));
  }
  for (std::size_t i = 0; i < std::min(columns.size(), wanted.size()); ++i) {
    const ColumnInfo& info = columns[i];
    const nlohmann::json& want = wanted[i];
    if (info.name != want["name"]) {
      diffs.push_back(
          fmt::format("column {}: name expected {}, actual {}", i, want["name"].dump(), info.name));
    }
    const std::string type = canonical_type(info.type, info.logical);
    if (type != want["type"]) {
      diffs.push_back(fmt::format("column {}: type expected {}, actual {} ({}, logical {})",
                                  info.name, want["type"].dump(), type, column_type_name(info.type),
                                  static_cast<int>(info.logical)));
    }
    if (want.contains("required") && info.required != want["required"].get<bool>()) {
      diffs.push_back(fmt::format("column {}: required expected {}, actual {}", info.name,
                                  want["required"].dump(), info.required));
    }
  }
  const nlohmann::json kv = canonical_key_value_metadata(reader.key_value_metadata());
  if (kv != expected["key_value_metadata"]) {
    diffs.push_back(fmt::format("key_value_metadata: expected {}, actual {}",
                                expected["key_value_metadata"].dump(), kv.dump()));
  }
  if (!diffs.empty()) return diffs;

  compare_table(expected, reader.read(), "read(): ", diffs);

  std::vector<Table> groups;
  for (int group = 0; group < reader.num_row_groups(); ++group) {
    groups.push_back(reader.read_row_group(group));
  }
  if (!groups.empty()) compare_table(expected, Table::concat(groups), "read_row_group: ", diffs);

  ReadOptions projection;
  for (auto it = columns.rbegin(); it != columns.rend(); ++it)
    projection.columns.push_back(it->name);
  const Table projected = reader.read(projection);
  std::vector<std::string> names;
  for (const Column& column : projected.columns()) names.push_back(column.name());
  if (names != projection.columns) {
    diffs.push_back(fmt::format("read(columns reversed): got columns {}", fmt::join(names, ",")));
  }
  compare_table(expected, projected, "read(columns reversed): ", diffs);
  compare_filtered_reads(expected, reader, diffs);
  return diffs;
}

int run(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".parquet") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int passed = 0;
  int failed = 0;
  for (const std::filesystem::path& file : files) {
    const std::string name = file.filename().string();
    std::vector<std::string> diffs;
    std::string note;
    try {
      std::ifstream in(std::filesystem::path(file).replace_extension(".json"));
      if (!in) throw std::runtime_error("no expected .json beside it");
      const nlohmann::json expected = nlohmann::json::parse(in);
      const std::string unsupported = expected.value("unsupported_by_ours", "");
      try {
        diffs = differences(expected, open_file(file));
      } catch (const Error& error) {
        if (unsupported.empty() || error.category() != ErrorCategory::kInvalidInput ||
            std::string_view(error.what()).find(unsupported) == std::string_view::npos) {
          throw;
        }
        note = fmt::format(" (rejected as unsupported: {})", error.what());
      }
    } catch (const std::exception& error) {
      diffs.push_back(fmt::format("reader failed: {}", error.what()));
    }
    if (diffs.empty()) {
      ++passed;
      fmt::print("ok   {} ours{}\n", name, note);
    } else {
      ++failed;
      fmt::print("FAIL {} ours\n", name);
      for (const std::string& diff : diffs) fmt::print("       {} ours {}\n", name, diff);
    }
  }
  fmt::print("read: {} passed, {} failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gogooku3::storage::parquet::interop

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: parquet_interop_read DIR\n");
    return 2;
  }
  return gogooku3::storage::parquet::interop::run(argv[1]);
}
