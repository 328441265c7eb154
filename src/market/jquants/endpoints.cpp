// The field tables of the J-Quants v2 endpoints. JSON names are the API's (v2 short names);
// column names are ours: snake_case, spelled out, the same across endpoints for the same
// meaning (code, date, close, sector33_code).
#include "market/jquants/endpoints.h"

#include <array>
#include <string>

#include "core/error.h"

namespace gogooku3::market::jquants {
namespace {

constexpr FieldSpec text(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kString, ValueKind::kText};
}
constexpr FieldSpec date(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kDate, ValueKind::kDate};
}
constexpr FieldSpec number(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kDouble, ValueKind::kNumber};
}
constexpr FieldSpec integer(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kInt64, ValueKind::kInteger};
}
constexpr FieldSpec digit(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kInt32, ValueKind::kCodeDigit};
}
constexpr FieldSpec numeric_text(std::string_view json, std::string_view column) {
  return {json, column, ColumnType::kDouble, ValueKind::kNumericText};
}
constexpr FieldSpec absent_ok(FieldSpec field) {
  field.may_be_absent = true;
  return field;
}

constexpr std::array kMaster = {
    date("Date", "date"),
    text("Code", "code"),
    text("CoName", "company_name"),
    text("CoNameEn", "company_name_en"),
    text("S17", "sector17_code"),
    text("S17Nm", "sector17_name"),
    text("S33", "sector33_code"),
    text("S33Nm", "sector33_name"),
    text("ScaleCat", "scale_category"),
    text("Mkt", "market_code"),
    text("MktNm", "market_name"),
    text("Mrgn", "margin_code"),
    text("MrgnNm", "margin_name"),
    absent_ok(text("ProdCat", "product_category")),
};

constexpr std::array kBarsDaily = {
    date("Date", "date"),
    text("Code", "code"),
    number("O", "open"),
    number("H", "high"),
    number("L", "low"),
    number("C", "close"),
    digit("UL", "upper_limit"),
    digit("LL", "lower_limit"),
    number("Vo", "volume"),
    number("Va", "turnover_value"),
    number("AdjFactor", "adjustment_factor"),
    number("AdjO", "adj_open"),
    number("AdjH", "adj_high"),
    number("AdjL", "adj_low"),
    number("AdjC", "adj_close"),
    number("AdjVo", "adj_volume"),
};

constexpr std::array kCalendar = {
    date("Date", "date"),
    digit("HolDiv", "holiday_division"),
};

// Investor groups x sides, in the API's order: <Group><Side> -> <group>_<side>.
constexpr std::array kInvestorTypes = {
    date("PubDate", "published_date"),
    date("StDate", "start_date"),
    date("EnDate", "end_date"),
    text("Section", "section"),
#define GOGOOKU3_INVESTOR_GROUP(json, column)                               \
  integer(json "Sell", column "_sell"), integer(json "Buy", column "_buy"), \
      integer(json "Tot", column "_total"), integer(json "Bal", column "_balance")
    GOGOOKU3_INVESTOR_GROUP("Prop", "proprietary"),
    GOGOOKU3_INVESTOR_GROUP("Brk", "brokerage"),
    GOGOOKU3_INVESTOR_GROUP("Tot", "total"),
    GOGOOKU3_INVESTOR_GROUP("Ind", "individuals"),
    GOGOOKU3_INVESTOR_GROUP("Frgn", "foreigners"),
    GOGOOKU3_INVESTOR_GROUP("SecCo", "securities_cos"),
    GOGOOKU3_INVESTOR_GROUP("InvTr", "investment_trusts"),
    GOGOOKU3_INVESTOR_GROUP("BusCo", "business_cos"),
    GOGOOKU3_INVESTOR_GROUP("OthCo", "other_cos"),
    GOGOOKU3_INVESTOR_GROUP("InsCo", "insurance_cos"),
    GOGOOKU3_INVESTOR_GROUP("Bank", "banks"),
    GOGOOKU3_INVESTOR_GROUP("TrstBnk", "trust_banks"),
    GOGOOKU3_INVESTOR_GROUP("OthFin", "other_financials"),
#undef GOGOOKU3_INVESTOR_GROUP
};

constexpr std::array kTopix = {
    date("Date", "date"), number("O", "open"),  number("H", "high"),
    number("L", "low"),   number("C", "close"),
};

constexpr std::array kMarginInterest = {
    date("Date", "date"),
    text("Code", "code"),
    number("ShrtVol", "short_volume"),
    number("LongVol", "long_volume"),
    number("ShrtNegVol", "short_negotiable_volume"),
    number("LongNegVol", "long_negotiable_volume"),
    number("ShrtStdVol", "short_standard_volume"),
    number("LongStdVol", "long_standard_volume"),
    text("IssType", "issue_type"),
};

constexpr std::array kShortRatio = {
    date("Date", "date"),
    text("S33", "sector33_code"),
    number("SellExShortVa", "selling_ex_short_value"),
    number("ShrtWithResVa", "short_with_restrictions_value"),
    number("ShrtNoResVa", "short_without_restrictions_value"),
};

// Every fins field is text on the wire; numbers become doubles, blanks nulls.
constexpr std::array kFinsSummary = {
    date("DiscDate", "disclosed_date"),
    text("DiscTime", "disclosed_time"),
    text("Code", "code"),
    text("DiscNo", "disclosure_number"),
    text("DocType", "document_type"),
    text("CurPerType", "period_type"),
    numeric_text("Sales", "net_sales"),
    numeric_text("OP", "operating_profit"),
    numeric_text("OdP", "ordinary_profit"),
    numeric_text("NP", "profit"),
    numeric_text("EPS", "earnings_per_share"),
    numeric_text("TA", "total_assets"),
    numeric_text("Eq", "equity"),
    numeric_text("BPS", "book_value_per_share"),
};

const std::array kEndpoints = {
    EndpointSpec{"equities_master", "/equities/master", "date", 0, kMaster},
    EndpointSpec{"bars_daily", "/equities/bars/daily", "date", 0, kBarsDaily},
    EndpointSpec{"calendar", "/markets/calendar", "date", 0, kCalendar},
    EndpointSpec{"investor_types", "/equities/investor-types", "published_date", 0, kInvestorTypes},
    EndpointSpec{"topix", "/indices/bars/daily/topix", "date", 0, kTopix},
    EndpointSpec{"margin_interest", "/markets/margin-interest", "date", 0, kMarginInterest},
    EndpointSpec{"short_ratio", "/markets/short-ratio", "date", 0, kShortRatio},
    EndpointSpec{"fins_summary", "/fins/summary", "disclosed_date", 60, kFinsSummary},
};

}  // namespace

const FieldSpec* EndpointSpec::find_json(std::string_view json_name) const {
  for (const FieldSpec& field : fields) {
    if (field.json_name == json_name) return &field;
  }
  return nullptr;
}

const FieldSpec* EndpointSpec::find_column(std::string_view column) const {
  for (const FieldSpec& field : fields) {
    if (field.column == column) return &field;
  }
  return nullptr;
}

std::span<const EndpointSpec> endpoints() { return kEndpoints; }

const EndpointSpec& endpoint(std::string_view asset) {
  std::string known;
  for (const EndpointSpec& spec : kEndpoints) {
    if (spec.asset == asset) return spec;
    known += known.empty() ? "" : ", ";
    known += spec.asset;
  }
  throw not_found("J-Quants endpoint '{}' is not known; the known assets are: {}", asset, known);
}

}  // namespace gogooku3::market::jquants
