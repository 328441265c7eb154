// The J-Quants v2 endpoints gogooku3 reads, and the one place where their JSON field names meet
// our column names.
//
// Each EndpointSpec says where an endpoint lives (path relative to the base URL), the raw
// asset it feeds (`raw/<asset>/date=D/`), its own request cap when it has one, and its fields:
// the JSON key, our snake_case column name, the column type and how the JSON value is read.
// The parser (v2_json.h), the fake server and the sample market all take their shapes from
// here, so a renamed field is one edit.
//
// Value kinds (see ../shared/reference/jquants-api.md, "Endpoints"):
//   kText        JSON string -> string column.
//   kDate        JSON string "YYYY-MM-DD" (or "YYYYMMDD") -> date column; "" is null.
//   kNumber      JSON number -> double column (NaN for null). Prices, volumes, yen values.
//   kInteger     JSON number with an integral value -> int64 column (thousands of yen).
//   kCodeDigit   JSON string of decimal digits ("0"/"1" for UL/LL, "0".."3" for HolDiv)
//                -> int32 column.
//   kNumericText JSON string holding a number, "" for blank (every fins field) -> double.
// A JSON null is a null of the column for every kind. A key that is absent is an error unless
// the field is `may_be_absent` (premium-only or recently added keys): then the column is null.
// Keys that are not listed are ignored (J-Quants adds keys without notice).
//
// Thread-safe: everything here is immutable static data.
#pragma once

#include <span>
#include <string_view>

#include "core/column.h"

namespace gogooku3::market::jquants {

enum class ValueKind { kText, kDate, kNumber, kInteger, kCodeDigit, kNumericText };

struct FieldSpec {
  std::string_view json_name;  // "AdjC"
  std::string_view column;     // "adj_close"
  ColumnType type;             // the column's type; fixed by the kind
  ValueKind kind;
  bool may_be_absent = false;
};

struct EndpointSpec {
  std::string_view asset;       // "bars_daily": the raw dataset raw/<asset>
  std::string_view path;        // "/equities/bars/daily", appended to jquants.base_url
  std::string_view date_field;  // the column the raw asset is partitioned by ("date")
  // Requests per minute this endpoint allows on every plan (fins: 60); 0 = the plan's rate.
  double requests_per_minute_cap = 0;
  std::span<const FieldSpec> fields;

  const FieldSpec* find_json(std::string_view json_name) const;
  const FieldSpec* find_column(std::string_view column) const;
};

// equities_master, bars_daily, calendar, investor_types, topix, margin_interest, short_ratio,
// fins_summary, in that order.
std::span<const EndpointSpec> endpoints();
// NotFound listing the known asset names.
const EndpointSpec& endpoint(std::string_view asset);

}  // namespace gogooku3::market::jquants
