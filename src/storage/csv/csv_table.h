// CSV <-> Table, for people: `parquet from-csv`, `parquet cat --format csv`, the indicator
// calculator's input and output.
//
// Reading (RFC 4180): a header row of unique column names, then rows of the same width; fields
// may be quoted ("a, b" and "say ""hi"""), lines end in \n or \r\n. An empty field is a
// missing value. Each column's type is inferred from its non-empty fields, first match wins:
// every field an integer -> int64; every field a number (incl. NaN, inf, 1e-3) -> double;
// every field a date YYYY-MM-DD -> date; otherwise string. CsvReadOptions::types pins a
// column's type instead (a field that does not parse is then an error). A column named
// `code` is always text (stock codes), and integers with a leading zero ("0123") are
// identifiers, so they stay text too. Errors are
// InvalidInput naming the origin, line and column.
//
// Writing: a header, then one line per row; doubles and floats with the shortest text that
// reads back to the same value, NaN as `NaN`, other missing values as an empty field; fields
// with a delimiter, quote or newline are quoted.
//
// Stateless free functions; safe from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "core/table.h"

namespace gogooku3::storage {

struct CsvReadOptions {
  std::map<std::string, ColumnType, std::less<>> types;  // pinned column types
};

// `origin` names the text in errors (a file path).
Table read_csv(std::string_view text, std::string_view origin, const CsvReadOptions& options = {});
Table read_csv_file(const std::filesystem::path& path, const CsvReadOptions& options = {});

void write_csv(const Table& table, std::ostream& out);

}  // namespace gogooku3::storage
