// The page codec. parse_page() drives nlohmann's SAX parser and appends each value straight
// into a typed column builder, so no JSON tree is built: a 4,000-row page of daily bars is one
// pass over the bytes with no per-key allocations. Keys usually arrive in the endpoint's field
// order, so each key is first compared with the field after the previous one and only looked
// up by name when that guess misses (a reordered or unknown key).
#include "market/jquants/v2_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"

namespace gogooku3::market::jquants {
namespace {

using nlohmann::json;

// How a field's value is described in error messages, shortened so one bad value does not
// flood the log.
std::string shown_text(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "\"";
  out += text.substr(0, kMaxShown);
  if (text.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

std::string endpoint_name(const EndpointSpec& endpoint) {
  return fmt::format("J-Quants {} ({})", endpoint.path, endpoint.asset);
}

std::string_view expected_type(ValueKind kind) {
  switch (kind) {
    case ValueKind::kText:
      return "a JSON string";
    case ValueKind::kDate:
      return "a date string YYYY-MM-DD (or \"\")";
    case ValueKind::kNumber:
      return "a JSON number";
    case ValueKind::kInteger:
      return "a JSON number with an integral value";
    case ValueKind::kCodeDigit:
      return "a string of decimal digits such as \"0\"";
    case ValueKind::kNumericText:
      return "a string holding a number (or \"\")";
  }
  return "?";
}

// The endpoint's fields turned into columns while the page is read. Only the vector of the
// field's type is used. A null of a non-floating column is remembered in null_rows and set on
// the finished Column (which allocates its validity bitmap only then).
struct ColumnBuilder {
  const FieldSpec* field = nullptr;
  std::vector<std::string> texts;
  std::vector<Date> dates;
  std::vector<double> doubles;
  std::vector<int64_t> integers;
  std::vector<int32_t> digits;
  std::vector<size_t> null_rows;
  // Rows of one page mostly share their date: the last date text and its value.
  std::string last_date_text;
  Date last_date;
};

enum class Slot : uint8_t { kUnseen, kValue, kNull };

class PageReader {
 public:
  PageReader(const EndpointSpec& endpoint, ErrorCategory malformed_json)
      : endpoint_(endpoint), malformed_json_(malformed_json) {
    builders_.reserve(endpoint.fields.size());
    for (const FieldSpec& field : endpoint.fields) {
      builders_.emplace_back();
      builders_.back().field = &field;
    }
    slots_.resize(endpoint.fields.size());
  }

  void reserve(size_t rows) {
    for (ColumnBuilder& builder : builders_) {
      switch (builder.field->kind) {
        case ValueKind::kText:
          builder.texts.reserve(rows);
          break;
        case ValueKind::kDate:
          builder.dates.reserve(rows);
          break;
        case ValueKind::kNumber:
        case ValueKind::kNumericText:
          builder.doubles.reserve(rows);
          break;
        case ValueKind::kInteger:
          builder.integers.reserve(rows);
          break;
        case ValueKind::kCodeDigit:
          builder.digits.reserve(rows);
          break;
      }
    }
  }

  Page finish() {
    if (!seen_data_) {
      throw invalid_input("{}: the page has no \"data\" array", endpoint_name(endpoint_));
    }
    std::vector<Column> columns;
    columns.reserve(builders_.size());
    for (ColumnBuilder& builder : builders_) {
      std::string name(builder.field->column);
      Column column = [&] {
        switch (builder.field->kind) {
          case ValueKind::kText:
            return Column::of(std::move(name), std::move(builder.texts));
          case ValueKind::kDate:
            return Column::of(std::move(name), std::move(builder.dates));
          case ValueKind::kNumber:
          case ValueKind::kNumericText:
            return Column::of(std::move(name), std::move(builder.doubles));
          case ValueKind::kInteger:
            return Column::of(std::move(name), std::move(builder.integers));
          case ValueKind::kCodeDigit:
            return Column::of(std::move(name), std::move(builder.digits));
        }
        throw internal_error("unknown value kind");
      }();
      for (size_t row : builder.null_rows) column.set_null(row);
      columns.push_back(std::move(column));
    }
    Page page;
    page.rows = Table(std::move(columns));
    if (pagination_key_.has_value() && !pagination_key_->empty()) {
      page.pagination_key = std::move(pagination_key_);
    }
    return page;
  }

  // --- nlohmann SAX events -------------------------------------------------------------------

  bool null() {
    if (skipping()) return true;
    switch (where_) {
      case Where::kRowValue:
        if (field_ >= 0) store_null();
        return next_key();
      case Where::kTopValue:
        return top_scalar("null", nullptr);
      default:
        return unexpected("null");
    }
  }

  bool boolean(bool value) {
    if (skipping()) return true;
    if (where_ == Where::kRowValue) {
      if (field_ < 0) return next_key();
      return row_value_of_wrong_type(value ? "true" : "false");
    }
    if (where_ == Where::kTopValue) return top_scalar(value ? "true" : "false", nullptr);
    return unexpected(value ? "true" : "false");
  }

  bool number_integer(int64_t value) {
    if (skipping()) return true;
    if (where_ != Where::kRowValue) return non_row_number(std::to_string(value));
    if (field_ < 0) return next_key();
    ColumnBuilder& builder = builders_[field_];
    switch (builder.field->kind) {
      case ValueKind::kNumber:
        store(builder.doubles, static_cast<double>(value));
        return next_key();
      case ValueKind::kInteger:
        store(builder.integers, value);
        return next_key();
      default:
        return row_value_of_wrong_type(std::to_string(value));
    }
  }

  bool number_unsigned(uint64_t value) {
    if (skipping()) return true;
    if (where_ != Where::kRowValue) return non_row_number(std::to_string(value));
    if (field_ < 0) return next_key();
    ColumnBuilder& builder = builders_[field_];
    switch (builder.field->kind) {
      case ValueKind::kNumber:
        store(builder.doubles, static_cast<double>(value));
        return next_key();
      case ValueKind::kInteger:
        if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return bad_value(std::to_string(value), "a value that fits in int64");
        }
        store(builder.integers, static_cast<int64_t>(value));
        return next_key();
      default:
        return row_value_of_wrong_type(std::to_string(value));
    }
  }

  bool number_float(double value, const std::string& text) {
    if (skipping()) return true;
    if (where_ != Where::kRowValue) return non_row_number(text);
    if (field_ < 0) return next_key();
    ColumnBuilder& builder = builders_[field_];
    switch (builder.field->kind) {
      case ValueKind::kNumber:
        store(builder.doubles, value);
        return next_key();
      case ValueKind::kInteger:
        // 2^63 is exactly representable; anything at or beyond it does not fit.
        if (value != std::trunc(value) || !(value >= -9223372036854775808.0) ||
            !(value < 9223372036854775808.0)) {
          return bad_value(text, "an integral value that fits in int64");
        }
        store(builder.integers, static_cast<int64_t>(value));
        return next_key();
      default:
        return row_value_of_wrong_type(text);
    }
  }

  bool string(std::string& value) {
    if (skipping()) return true;
    if (where_ == Where::kTopValue) return top_scalar(shown_text(value), &value);
    if (where_ != Where::kRowValue) return unexpected(shown_text(value));
    if (field_ < 0) return next_key();
    ColumnBuilder& builder = builders_[field_];
    switch (builder.field->kind) {
      case ValueKind::kText:
        store(builder.texts, value);
        return next_key();
      case ValueKind::kDate:
        if (value.empty()) {
          store_null();
          return next_key();
        }
        if (value != builder.last_date_text) {
          try {
            builder.last_date = Date::parse(value);
          } catch (const Error&) {
            return bad_value(shown_text(value), "a date YYYY-MM-DD (or YYYYMMDD)");
          }
          builder.last_date_text = value;
        }
        store(builder.dates, builder.last_date);
        return next_key();
      case ValueKind::kCodeDigit: {
        int32_t digits = 0;
        const char* end = value.data() + value.size();
        const auto [stop, error] = std::from_chars(value.data(), end, digits);
        if (value.empty() || value[0] < '0' || value[0] > '9' || stop != end ||
            error != std::errc()) {
          return bad_value(shown_text(value), "decimal digits");
        }
        store(builder.digits, digits);
        return next_key();
      }
      case ValueKind::kNumericText: {
        if (value.empty()) {
          store_null();
          return next_key();
        }
        double number = 0;
        const char* begin = value.data();
        const char* end = begin + value.size();
        // from_chars takes no '+'; J-Quants does not send one, but it is a number all the same.
        if (*begin == '+') ++begin;
        const auto [stop, error] = std::from_chars(begin, end, number);
        if (stop != end || error != std::errc() || !std::isfinite(number)) {
          return bad_value(shown_text(value), "a number");
        }
        store(builder.doubles, number);
        return next_key();
      }
      default:
        return row_value_of_wrong_type(shown_text(value));
    }
  }

  bool binary(json::binary_t&) { return unexpected("binary"); }

  bool start_object(size_t) {
    if (skipping() || where_ == Where::kSkipValue) return enter_skip();
    switch (where_) {
      case Where::kStart:
        where_ = Where::kTopKey;
        return true;
      case Where::kRows:
        start_row();
        return true;
      case Where::kRowValue:
        if (field_ < 0) return enter_skip();
        return row_value_of_wrong_type("an object");
      case Where::kTopValue:
        return top_scalar("an object", nullptr);
      default:
        return unexpected("an object");
    }
  }

  bool key(std::string& name) {
    if (skipping()) return true;
    if (where_ == Where::kTopKey) {
      if (name == "data") {
        if (seen_data_) {
          throw invalid_input("{}: the page has \"data\" twice", endpoint_name(endpoint_));
        }
        top_key_ = TopKey::kData;
        where_ = Where::kTopValue;
      } else if (name == "pagination_key") {
        top_key_ = TopKey::kPaginationKey;
        where_ = Where::kTopValue;
      } else {
        where_ = Where::kSkipValue;
      }
      return true;
    }
    // where_ == kRowKey: the parser only sends keys inside objects.
    field_ = find_field(name);
    where_ = Where::kRowValue;
    return true;
  }

  bool end_object() {
    if (skip_depth_ > 0) return leave_skip();
    if (where_ == Where::kRowKey) {
      finish_row();
      where_ = Where::kRows;
      return true;
    }
    where_ = Where::kDone;  // the top object
    return true;
  }

  bool start_array(size_t) {
    if (skipping() || where_ == Where::kSkipValue) return enter_skip();
    switch (where_) {
      case Where::kTopValue:
        if (top_key_ != TopKey::kData) return top_scalar("an array", nullptr);
        seen_data_ = true;
        where_ = Where::kRows;
        return true;
      case Where::kRowValue:
        if (field_ < 0) return enter_skip();
        return row_value_of_wrong_type("an array");
      case Where::kStart:
        throw invalid_input("{}: the page is a JSON array, not an object with a \"data\" array",
                            endpoint_name(endpoint_));
      default:
        return unexpected("an array");
    }
  }

  bool end_array() {
    if (skip_depth_ > 0) return leave_skip();
    where_ = Where::kTopKey;  // the end of "data"
    return true;
  }

  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    throw make_error(malformed_json_, "{}: malformed JSON at byte {}: {}", endpoint_name(endpoint_),
                     position, ex.what());
  }

 private:
  enum class Where {
    kStart,      // before the top object
    kTopKey,     // inside the top object, expecting a key
    kTopValue,   // the value of "data" or "pagination_key"
    kSkipValue,  // the value of another top-level key
    kRows,       // inside "data", expecting a row object
    kRowKey,     // inside a row, expecting a key
    kRowValue,   // the value of a row key (field_ < 0: an unknown key)
    kDone,
  };
  enum class TopKey { kData, kPaginationKey };

  bool skipping() const { return skip_depth_ > 0; }

  // Scalars in a skipped position need no bookkeeping; containers are counted until closed.
  bool enter_skip() {
    ++skip_depth_;
    return true;
  }
  bool leave_skip() {
    if (--skip_depth_ == 0) after_value();
    return true;
  }
  // Where the reader stands once a value (scalar or skipped container) is complete.
  void after_value() {
    if (where_ == Where::kRowValue) {
      where_ = Where::kRowKey;
    } else if (where_ == Where::kSkipValue || where_ == Where::kTopValue) {
      where_ = Where::kTopKey;
    }
  }

  bool next_key() {
    where_ = Where::kRowKey;
    return true;
  }

  // A scalar where a row value is not expected: a skipped top-level value, or an error.
  bool non_row_number(const std::string& text) {
    if (where_ == Where::kTopValue) return top_scalar(text, nullptr);
    return unexpected(text);
  }

  bool unexpected(std::string_view what) {
    switch (where_) {
      case Where::kSkipValue:
        where_ = Where::kTopKey;
        return true;
      case Where::kStart:
        throw invalid_input("{}: the page is {}, not an object with a \"data\" array",
                            endpoint_name(endpoint_), what);
      case Where::kRows:
        throw invalid_input("{}: row {} of \"data\" is {}, not an object", endpoint_name(endpoint_),
                            row_, what);
      default:
        throw invalid_input("{}: unexpected {} in the page", endpoint_name(endpoint_), what);
    }
  }

  // The value of "data" or "pagination_key" when it is not an array. `text` is set for strings.
  bool top_scalar(std::string_view what, std::string* text) {
    if (top_key_ == TopKey::kData) {
      throw invalid_input("{}: \"data\" is {}, not an array of rows", endpoint_name(endpoint_),
                          what);
    }
    if (text != nullptr) {
      pagination_key_ = std::move(*text);
    } else if (what != "null") {
      throw invalid_input("{}: \"pagination_key\" is {}, not a string", endpoint_name(endpoint_),
                          what);
    }
    where_ = Where::kTopKey;
    return true;
  }

  int find_field(std::string_view name) const {
    const auto& fields = endpoint_.fields;
    const size_t guess = static_cast<size_t>(field_) + 1;
    if (guess < fields.size() && fields[guess].json_name == name) return static_cast<int>(guess);
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].json_name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void start_row() {
    std::memset(slots_.data(), 0, slots_.size());
    field_ = -1;
    where_ = Where::kRowKey;
  }

  // A value is pushed as soon as it is read; a null only when the row ends (finish_row). A key
  // repeated in one row keeps its last value, as a JSON object would.
  template <typename T, typename V>
  void store(std::vector<T>& values, V&& value) {
    Slot& slot = slots_[field_];
    if (slot == Slot::kValue) {
      values.back() = std::forward<V>(value);
    } else {
      values.emplace_back(std::forward<V>(value));
    }
    slot = Slot::kValue;
  }

  void store_null() {
    Slot& slot = slots_[field_];
    if (slot == Slot::kValue) {
      ColumnBuilder& builder = builders_[field_];
      switch (builder.field->kind) {
        case ValueKind::kText:
          builder.texts.pop_back();
          break;
        case ValueKind::kDate:
          builder.dates.pop_back();
          break;
        case ValueKind::kNumber:
        case ValueKind::kNumericText:
          builder.doubles.pop_back();
          break;
        case ValueKind::kInteger:
          builder.integers.pop_back();
          break;
        case ValueKind::kCodeDigit:
          builder.digits.pop_back();
          break;
      }
    }
    slot = Slot::kNull;
  }

  void finish_row() {
    for (size_t i = 0; i < builders_.size(); ++i) {
      ColumnBuilder& builder = builders_[i];
      if (slots_[i] == Slot::kValue) continue;
      if (slots_[i] == Slot::kUnseen && !builder.field->may_be_absent) {
        throw invalid_input("{}: row {} has no field {} ({}); only {} may be absent",
                            endpoint_name(endpoint_), row_, builder.field->json_name,
                            builder.field->column, absent_fields());
      }
      switch (builder.field->kind) {
        case ValueKind::kText:
          builder.texts.emplace_back();
          break;
        case ValueKind::kDate:
          builder.dates.emplace_back();
          break;
        case ValueKind::kNumber:
        case ValueKind::kNumericText:
          builder.doubles.push_back(std::numeric_limits<double>::quiet_NaN());
          continue;  // NaN is the null; no bitmap
        case ValueKind::kInteger:
          builder.integers.push_back(0);
          break;
        case ValueKind::kCodeDigit:
          builder.digits.push_back(0);
          break;
      }
      builder.null_rows.push_back(row_);
    }
    ++row_;
  }

  std::string absent_fields() const {
    std::string names;
    for (const FieldSpec& field : endpoint_.fields) {
      if (!field.may_be_absent) continue;
      names += names.empty() ? "" : ", ";
      names += field.json_name;
    }
    return names.empty() ? "no field" : names;
  }

  bool row_value_of_wrong_type(std::string_view value) {
    return bad_value(value, expected_type(builders_[field_].field->kind));
  }

  bool bad_value(std::string_view value, std::string_view expected) {
    const FieldSpec& field = *builders_[field_].field;
    throw invalid_input("{}: row {}, field {} ({}): expected {}, got {}", endpoint_name(endpoint_),
                        row_, field.json_name, field.column, expected, value);
  }

  const EndpointSpec& endpoint_;
  ErrorCategory malformed_json_;
  std::vector<ColumnBuilder> builders_;
  std::vector<Slot> slots_;  // per field, for the current row
  Where where_ = Where::kStart;
  TopKey top_key_ = TopKey::kData;
  int skip_depth_ = 0;
  int field_ = -1;  // the field of the current row key; -1: unknown key
  size_t row_ = 0;
  bool seen_data_ = false;
  std::optional<std::string> pagination_key_;
};

// --- writing ------------------------------------------------------------------------------------

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += fmt::format("\\u{:04x}", c);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

// Shortest text that reads back as the same double, in the form Python (the API's language)
// writes: positional between 1e-4 and 1e16, scientific outside (1e+20, 5e-05). `keep_point`
// adds ".0" to integral values, as the API writes its JSON numbers (2047.0).
void append_double(std::string& out, double value, bool keep_point) {
  const double magnitude = std::fabs(value);
  const bool scientific = magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16);
  char buffer[64];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value,
                    scientific ? std::chars_format::scientific : std::chars_format::fixed);
  if (error != std::errc()) throw internal_error("to_chars failed for {}", value);
  out.append(buffer, static_cast<size_t>(end - buffer));
  if (keep_point && !scientific &&
      std::string_view(buffer, static_cast<size_t>(end - buffer)).find('.') ==
          std::string_view::npos) {
    out += ".0";
  }
}

template <typename T>
void append_integer(std::string& out, T value) {
  char buffer[24];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<size_t>(end - buffer));
}

// One field's column, read once per page rather than per row.
struct FieldColumn {
  const FieldSpec* field;
  const Column* column;
  const void* values;  // the column's vector of the field's type
};

}  // namespace

Page parse_page(const EndpointSpec& endpoint, std::string_view body) {
  return parse_page(endpoint, body, ErrorCategory::kInvalidInput);
}

Page parse_page(const EndpointSpec& endpoint, std::string_view body, ErrorCategory malformed_json) {
  PageReader reader(endpoint, malformed_json);
  // Roughly the bytes of one row, so that big pages rarely regrow their columns.
  size_t row_bytes = 2;
  for (const FieldSpec& field : endpoint.fields) row_bytes += field.json_name.size() + 10;
  reader.reserve(body.size() / row_bytes);
  json::sax_parse(body.data(), body.data() + body.size(), &reader);
  return reader.finish();
}

Table empty_table(const EndpointSpec& endpoint) {
  std::vector<Column> columns;
  columns.reserve(endpoint.fields.size());
  for (const FieldSpec& field : endpoint.fields)
    columns.emplace_back(std::string(field.column), field.type);
  return Table(std::move(columns));
}

std::string write_page(const EndpointSpec& endpoint, const Table& table, size_t begin, size_t end,
                       const std::optional<std::string>& pagination_key) {
  if (begin > end || end > table.num_rows()) {
    throw invalid_input("{}: cannot write rows [{}, {}) of a table of {} rows",
                        endpoint_name(endpoint), begin, end, table.num_rows());
  }
  // fins sends every field as a string, blanks as "" (jquants-api.md).
  bool blanks_as_empty_text = false;
  std::vector<FieldColumn> columns;
  columns.reserve(endpoint.fields.size());
  for (const FieldSpec& field : endpoint.fields) {
    const Column& column = table.column(field.column);
    if (column.type() != field.type) {
      throw invalid_input("{}: column '{}' is {}, the field {} needs {}", endpoint_name(endpoint),
                          field.column, column_type_name(column.type()), field.json_name,
                          column_type_name(field.type));
    }
    const void* values = nullptr;
    switch (field.type) {
      case ColumnType::kInt32:
        values = &column.as<int32_t>();
        break;
      case ColumnType::kInt64:
        values = &column.as<int64_t>();
        break;
      case ColumnType::kFloat:
        values = &column.as<float>();
        break;
      case ColumnType::kDouble:
        values = &column.as<double>();
        break;
      case ColumnType::kString:
        values = &column.as<std::string>();
        break;
      case ColumnType::kDate:
        values = &column.as<Date>();
        break;
    }
    columns.push_back({&field, &column, values});
    if (field.kind == ValueKind::kNumericText) blanks_as_empty_text = true;
  }

  std::string out;
  out.reserve(64 + (end - begin) * endpoint.fields.size() * 20);
  out += "{\"data\":[";
  for (size_t row = begin; row < end; ++row) {
    if (row != begin) out += ',';
    char separator = '{';
    for (const FieldColumn& entry : columns) {
      const FieldSpec& field = *entry.field;
      out += separator;
      separator = ',';
      out += '"';
      out += field.json_name;
      out += "\":";
      const bool has_bitmap = entry.column->has_validity_bitmap();
      switch (field.kind) {
        case ValueKind::kText:
          if (has_bitmap && !entry.column->is_valid(row)) {
            out += "null";
          } else {
            append_escaped(out, (*static_cast<const std::vector<std::string>*>(entry.values))[row]);
          }
          break;
        case ValueKind::kDate:
          if (has_bitmap && !entry.column->is_valid(row)) {
            out += blanks_as_empty_text ? "\"\"" : "null";
          } else {
            out += '"';
            out += (*static_cast<const std::vector<Date>*>(entry.values))[row].to_string();
            out += '"';
          }
          break;
        case ValueKind::kNumber:
        case ValueKind::kNumericText: {
          const double value = (*static_cast<const std::vector<double>*>(entry.values))[row];
          const bool text = field.kind == ValueKind::kNumericText;
          if (std::isnan(value)) {
            out += text ? "\"\"" : "null";
          } else if (std::isinf(value)) {
            throw invalid_input("{}: row {}, field {} ({}): {} cannot be written as JSON",
                                endpoint_name(endpoint), row, field.json_name, field.column, value);
          } else if (text) {
            out += '"';
            append_double(out, value, /*keep_point=*/false);
            out += '"';
          } else {
            append_double(out, value, /*keep_point=*/true);
          }
          break;
        }
        case ValueKind::kInteger:
          if (has_bitmap && !entry.column->is_valid(row)) {
            out += "null";
          } else {
            append_integer(out, (*static_cast<const std::vector<int64_t>*>(entry.values))[row]);
          }
          break;
        case ValueKind::kCodeDigit: {
          if (has_bitmap && !entry.column->is_valid(row)) {
            out += "null";
            break;
          }
          const int32_t value = (*static_cast<const std::vector<int32_t>*>(entry.values))[row];
          if (value < 0) {
            throw invalid_input("{}: row {}, field {} ({}): {} is not a digit code",
                                endpoint_name(endpoint), row, field.json_name, field.column, value);
          }
          out += '"';
          append_integer(out, value);
          out += '"';
          break;
        }
      }
    }
    if (separator == '{') out += '{';  // an endpoint without fields
    out += '}';
  }
  out += ']';
  if (pagination_key.has_value()) {
    out += ",\"pagination_key\":";
    append_escaped(out, *pagination_key);
  }
  out += '}';
  return out;
}

std::string write_message(std::string_view message) {
  std::string out = "{\"message\":";
  append_escaped(out, message);
  out += '}';
  return out;
}

std::string read_message(std::string_view body) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    const auto message = parsed.find("message");
    if (message != parsed.end() && message->is_string()) return message->get<std::string>();
  }
  constexpr size_t kMaxShown = 300;
  std::string shown(body.substr(0, kMaxShown));
  if (body.size() > kMaxShown) shown += "...";
  return shown;
}

}  // namespace gogooku3::market::jquants
