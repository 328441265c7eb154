#include "storage/csv/csv_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace gogooku3::storage {
namespace {

struct Record {
  size_t line;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

std::vector<Record> split_records(std::string_view text, std::string_view origin) {
  std::vector<Record> records;
  Record current{1, {}};
  std::string field;
  size_t line = 1;
  bool in_quotes = false;
  bool field_was_quoted = false;
  auto end_field = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(current));
    current = Record{line, {}};
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty() || field_was_quoted) {
        throw invalid_input("{}:{}: a quote inside an unquoted field; quote the whole field",
                            origin, line);
      }
      in_quotes = true;
      field_was_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      if (field_was_quoted) {
        throw invalid_input("{}:{}: text after a closing quote", origin, line);
      }
      field += c;
    }
  }
  if (in_quotes) throw invalid_input("{}:{}: a quoted field is never closed", origin, line);
  if (!field.empty() || !current.fields.empty() || field_was_quoted) end_record();
  return records;
}

// "0123" is an identifier, not the number 123: reading it as one would lose the zero.
bool has_leading_zero(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  return text.size() > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9';
}

bool parse_int64(std::string_view text, int64_t& value) {
  if (has_leading_zero(text)) return false;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_double(std::string_view text, double& value) {
  if (text.empty() || has_leading_zero(text)) return false;
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

bool parse_date(std::string_view text, Date& value) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  try {
    value = Date::parse(text);
    return true;
  } catch (const Error&) {
    return false;
  }
}

ColumnType infer_type(const std::vector<Record>& rows, size_t column) {
  bool all_int = true;
  bool all_number = true;
  bool all_date = true;
  bool any = false;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::string& field = rows[r].fields[column];
    if (field.empty()) continue;
    any = true;
    int64_t i = 0;
    double d = 0;
    Date date;
    all_int = all_int && parse_int64(field, i);
    all_number = all_number && parse_double(field, d);
    all_date = all_date && parse_date(field, date);
    if (!all_int && !all_number && !all_date) return ColumnType::kString;
  }
  if (!any) return ColumnType::kString;
  if (all_int) return ColumnType::kInt64;
  if (all_number) return ColumnType::kDouble;
  if (all_date) return ColumnType::kDate;
  return ColumnType::kString;
}

void append_field(Column& column, const std::string& field, std::string_view origin, size_t line) {
  if (field.empty()) {
    column.append_null();
    return;
  }
  auto fail = [&] {
    return invalid_input("{}:{}: column '{}' is {}, but the field is '{}'", origin, line,
                         column.name(), column_type_name(column.type()), field);
  };
  switch (column.type()) {
    case ColumnType::kInt32: {
      int64_t value = 0;
      if (!parse_int64(field, value) || value < INT32_MIN || value > INT32_MAX) throw fail();
      column.append(static_cast<int32_t>(value));
      break;
    }
    case ColumnType::kInt64: {
      int64_t value = 0;
      if (!parse_int64(field, value)) throw fail();
      column.append(value);
      break;
    }
    case ColumnType::kFloat:
    case ColumnType::kDouble: {
      double value = 0;
      if (!parse_double(field, value)) throw fail();
      if (column.type() == ColumnType::kFloat) {
        column.append(static_cast<float>(value));
      } else {
        column.append(value);
      }
      break;
    }
    case ColumnType::kDate: {
      Date value;
      if (!parse_date(field, value)) throw fail();
      column.append(value);
      break;
    }
    case ColumnType::kString:
      column.append(std::string_view(field));
      break;
  }
}

std::string quote_if_needed(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

Table read_csv(std::string_view text, std::string_view origin, const CsvReadOptions& options) {
  const std::vector<Record> records = split_records(text, origin);
  if (records.empty()) throw invalid_input("{}: empty file; expected a header row", origin);
  const std::vector<std::string>& header = records.front().fields;
  std::set<std::string, std::less<>> seen;
  for (const std::string& name : header) {
    if (name.empty()) throw invalid_input("{}:1: a column without a name", origin);
    if (!seen.insert(name).second) {
      throw invalid_input("{}:1: column '{}' appears twice in the header", origin, name);
    }
  }
  for (const auto& [name, type] : options.types) {
    if (!seen.contains(name)) {
      throw invalid_input("{}: no column '{}' (the header has: {})", origin, name,
                          fmt::join(header, ", "));
    }
  }
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != header.size()) {
      throw invalid_input("{}:{}: {} fields, but the header has {} columns", origin,
                          records[r].line, records[r].fields.size(), header.size());
    }
  }
  std::vector<Column> columns;
  columns.reserve(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    const auto pinned = options.types.find(header[c]);
    // Stock codes are text even when they look numeric ("86970", but also "130A0").
    const ColumnType type = pinned != options.types.end() ? pinned->second
                            : header[c] == kCodeColumn    ? ColumnType::kString
                                                          : infer_type(records, c);
    Column column(header[c], type);
    column.reserve(records.size() - 1);
    for (size_t r = 1; r < records.size(); ++r) {
      append_field(column, records[r].fields[c], origin, records[r].line);
    }
    columns.push_back(std::move(column));
  }
  return Table(std::move(columns));
}

Table read_csv_file(const std::filesystem::path& path, const CsvReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found("{}: cannot open the CSV file", path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return read_csv(buffer.str(), path.string(), options);
}

void write_csv(const Table& table, std::ostream& out) {
  std::string line;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (c > 0) line += ',';
    line += quote_if_needed(table.columns()[c].name());
  }
  out << line << '\n';
  for (size_t row = 0; row < table.num_rows(); ++row) {
    line.clear();
    for (size_t c = 0; c < table.num_columns(); ++c) {
      if (c > 0) line += ',';
      const Column& column = table.columns()[c];
      if (uses_nan_for_missing(column.type())) {
        const double value = column.type() == ColumnType::kFloat
                                 ? static_cast<double>(column.as<float>()[row])
                                 : column.as<double>()[row];
        line += std::isnan(value) ? std::string("NaN") : column.value_to_string(row);
      } else if (column.is_valid(row)) {
        line += quote_if_needed(column.value_to_string(row));
      }
    }
    out << line << '\n';
  }
}

}  // namespace gogooku3::storage
