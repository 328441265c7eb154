#include "fake_jquants/query_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "core/error.h"

namespace gogooku3::fake_jquants {
namespace {

using market::jquants::EndpointSpec;
using market::jquants::FieldSpec;

// Parameters that filter one endpoint's column by equality, beyond code and dates.
struct ColumnParam {
  std::string_view asset;
  std::string_view param;
};
constexpr ColumnParam kSectionParam{"investor_types", "section"};
constexpr ColumnParam kSector33Param{"short_ratio", "s33"};
constexpr ColumnParam kHolidayDivisionParam{"calendar", "hol_div"};

// Endpoints that answer 400 unless one of these parameters is given.
struct RequiredParams {
  std::string_view asset;
  std::string_view message;
};
constexpr RequiredParams kRequiredParams[] = {
    {"bars_daily", "This API requires at least 1 parameter as follows; 'date','code'."},
    {"equities_master", "This API requires at least 1 parameter as follows; 'date','code'."},
};

constexpr std::string_view kCalendarAsset = "calendar";

const std::string* find_param(const QueryParams& params, std::string_view name) {
  auto it = params.find(std::string(name));
  return it == params.end() ? nullptr : &it->second;
}

std::optional<std::string> text_param(const EndpointSpec& endpoint, const QueryParams& params,
                                      const ColumnParam& column_param) {
  if (endpoint.asset != column_param.asset) return std::nullopt;
  const std::string* value = find_param(params, column_param.param);
  if (value == nullptr) return std::nullopt;
  return *value;
}

std::optional<Date> date_param(const QueryParams& params, std::string_view name,
                               const std::optional<SubscriptionWindow>& window) {
  const std::string* value = find_param(params, name);
  if (value == nullptr) return std::nullopt;
  Date date;
  try {
    date = Date::parse(*value);
  } catch (const Error&) {
    throw invalid_input("Invalid parameter '{}': '{}' is not a date (use YYYYMMDD or YYYY-MM-DD)",
                        name, *value);
  }
  if (window && (date < window->from || date > window->to)) {
    throw invalid_input("{}", window_message(*window));
  }
  return date;
}

}  // namespace

std::string window_message(const SubscriptionWindow& window) {
  return fmt::format(
      "Your subscription covers the following dates: {} ~ {}. If you want more data, please "
      "check other plans:  https://jpx-jquants.com/#jquants-api",
      window.from.to_string(), window.to.to_string());
}

RecordQuery parse_record_query(const EndpointSpec& endpoint, const QueryParams& params,
                               const SubscriptionWindow& window) {
  RecordQuery query;
  if (endpoint.asset != kCalendarAsset) query.window = window;

  if (endpoint.find_column(kCodeColumn) != nullptr) {
    if (const std::string* code = find_param(params, "code")) {
      if (code->size() == 4) {
        query.code = *code + "0";
      } else if (code->size() == 5) {
        query.code = *code;
      } else {
        throw invalid_input(
            "Invalid parameter 'code': '{}' must be a 4- or 5-character code (e.g. 8697 or "
            "86970)",
            *code);
      }
    }
  }
  query.date = date_param(params, "date", query.window);
  query.from = date_param(params, "from", query.window);
  query.to = date_param(params, "to", query.window);
  query.section = text_param(endpoint, params, kSectionParam);
  query.sector33_code = text_param(endpoint, params, kSector33Param);
  if (std::optional<std::string> division = text_param(endpoint, params, kHolidayDivisionParam)) {
    const std::string_view text = *division;
    int32_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > 3) {
      throw invalid_input("Invalid parameter 'hol_div': '{}' must be one of 0, 1, 2, 3", text);
    }
    query.holiday_division = value;
  }

  for (const RequiredParams& required : kRequiredParams) {
    if (endpoint.asset == required.asset && !query.code && !query.date) {
      throw invalid_input("{}", required.message);
    }
  }
  return query;
}

EndpointRecords::EndpointRecords(const EndpointSpec& endpoint, const Table& records,
                                 uint64_t generation)
    : endpoint_(&endpoint), generation_(generation) {
  std::vector<Column> columns;
  for (const FieldSpec& field : endpoint.fields) {
    if (!records.has_column(field.column)) {
      if (field.may_be_absent) {
        // The page codec writes every field; a premium-only field is sent as null.
        Column nulls{std::string(field.column), field.type};
        for (size_t row = 0; row < records.num_rows(); ++row) nulls.append_null();
        columns.push_back(std::move(nulls));
        continue;
      }
      throw invalid_input("fake J-Quants records for '{}' lack the column '{}' ({}); they have: {}",
                          endpoint.asset, field.column, field.json_name,
                          schema_to_string(records.schema()));
    }
    const Column& column = records.column(field.column);
    if (column.type() != field.type) {
      throw invalid_input("fake J-Quants records for '{}': column '{}' is {}, expected {}",
                          endpoint.asset, field.column, column_type_name(column.type()),
                          column_type_name(field.type));
    }
    columns.push_back(column);
  }
  table_ = Table(std::move(columns));

  if (table_.has_column(endpoint.date_field)) {
    date_column_ = &table_.column(endpoint.date_field);
    const std::vector<Date>& dates = date_column_->as<Date>();
    dates_ascending_ =
        date_column_->null_count() == 0 && std::is_sorted(dates.begin(), dates.end());
  }
  if (table_.has_column(kCodeColumn)) {
    const Column& codes = table_.column(kCodeColumn);
    const std::vector<std::string>& values = codes.as<std::string>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (codes.is_valid(row)) rows_by_code_[values[row]].push_back(row);
    }
  }
}

bool EndpointRecords::matches(size_t row, const RecordQuery& query) const {
  if (date_column_ != nullptr) {
    const bool filtered = query.date || query.from || query.to || query.window;
    if (filtered && !date_column_->is_valid(row)) return false;
    const Date date = date_column_->as<Date>()[row];
    if (query.date && date != *query.date) return false;
    if (query.from && date < *query.from) return false;
    if (query.to && date > *query.to) return false;
    if (query.window && (date < query.window->from || date > query.window->to)) return false;
  }
  auto text_equals = [&](std::string_view column_name, const std::optional<std::string>& value) {
    if (!value) return true;
    const Column& column = table_.column(column_name);
    return column.is_valid(row) && column.as<std::string>()[row] == *value;
  };
  if (query.code && table_.has_column(kCodeColumn) && !text_equals(kCodeColumn, query.code)) {
    return false;
  }
  if (query.section && !text_equals("section", query.section)) return false;
  if (query.sector33_code && !text_equals("sector33_code", query.sector33_code)) return false;
  if (query.holiday_division) {
    const Column& column = table_.column("holiday_division");
    if (!column.is_valid(row) || column.as<int32_t>()[row] != *query.holiday_division) {
      return false;
    }
  }
  return true;
}

std::vector<size_t> EndpointRecords::select(const RecordQuery& query) const {
  std::vector<size_t> matched;
  if (query.code && table_.has_column(kCodeColumn)) {
    auto it = rows_by_code_.find(*query.code);
    if (it == rows_by_code_.end()) return matched;
    for (size_t row : it->second) {
      if (matches(row, query)) matched.push_back(row);
    }
    return matched;
  }

  size_t begin = 0;
  size_t end = table_.num_rows();
  if (dates_ascending_) {
    std::optional<Date> low = query.date ? query.date : query.from;
    std::optional<Date> high = query.date ? query.date : query.to;
    if (query.window) {
      low = low ? std::max(*low, query.window->from) : query.window->from;
      high = high ? std::min(*high, query.window->to) : query.window->to;
    }
    const std::vector<Date>& dates = date_column_->as<Date>();
    if (low) begin = std::lower_bound(dates.begin(), dates.end(), *low) - dates.begin();
    if (high) end = std::upper_bound(dates.begin(), dates.end(), *high) - dates.begin();
  }
  for (size_t row = begin; row < end; ++row) {
    if (matches(row, query)) matched.push_back(row);
  }
  return matched;
}

}  // namespace gogooku3::fake_jquants
