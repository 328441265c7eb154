// The J-Quants v2 page codec. Golden pages live in tests/data/jquants/: <asset>.json is a page
// as the API sends it and <asset>.expected.csv the table it must become (an empty CSV field is
// a null), so adding a case is one line in each file. Error cases are a table below.
#include "market/jquants/v2_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "market/jquants/endpoints.h"
#include "storage/csv/csv_table.h"

namespace gogooku3::market::jquants {
namespace {

const std::filesystem::path kDataDir =
    std::filesystem::path(GOGOOKU3_SOURCE_DIR) / "tests" / "data" / "jquants";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Table expected_table(const EndpointSpec& endpoint) {
  storage::CsvReadOptions options;
  for (const FieldSpec& field : endpoint.fields)
    options.types[std::string(field.column)] = field.type;
  return storage::read_csv_file(kDataDir / (std::string(endpoint.asset) + ".expected.csv"),
                                options);
}

Page golden_page(const EndpointSpec& endpoint) {
  return parse_page(endpoint, read_text(kDataDir / (std::string(endpoint.asset) + ".json")));
}

// The pagination key each golden page ends with.
const std::map<std::string, std::optional<std::string>> kGoldenPaginationKeys = {
    {"equities_master", std::nullopt},  // absent
    {"bars_daily", "value1.value2."},   //
    {"calendar", std::nullopt},         // absent
    {"investor_types", std::nullopt},   // absent
    {"topix", std::nullopt},            // ""
    {"margin_interest", std::nullopt},  // absent
    {"short_ratio", std::nullopt},      // null
    {"fins_summary", "fins.page.2"},    //
};

TEST(JQuantsV2JsonTest, GoldenPagesParseToTheExpectedTables) {
  for (const EndpointSpec& endpoint : endpoints()) {
    SCOPED_TRACE(std::string(endpoint.asset));
    const Page page = golden_page(endpoint);
    const Table expected = expected_table(endpoint);
    ASSERT_EQ(page.rows.schema(), empty_table(endpoint).schema());
    EXPECT_EQ(page.rows.first_difference(expected), std::nullopt)
        << page.rows.to_string() << "\nexpected:\n"
        << expected.to_string();
    ASSERT_TRUE(kGoldenPaginationKeys.contains(std::string(endpoint.asset)));
    EXPECT_EQ(page.pagination_key, kGoldenPaginationKeys.at(std::string(endpoint.asset)));
  }
}

// A few facts the golden CSV cannot show on its own.
TEST(JQuantsV2JsonTest, GoldenPagesKeepCodesAsTextAndNullsAsNulls) {
  const Page bars = golden_page(endpoint("bars_daily"));
  EXPECT_EQ(bars.rows.column("code").as<std::string>()[1], "130A0");
  // The 2020-10-01 outage row: prices, volume and value null together, the flags still set.
  const size_t halt = 2;
  for (const char* column : {"open", "high", "low", "close", "volume", "turnover_value"}) {
    EXPECT_FALSE(bars.rows.column(column).is_valid(halt)) << column;
  }
  EXPECT_TRUE(bars.rows.column("upper_limit").is_valid(halt));
  EXPECT_EQ(bars.rows.column("adjustment_factor").as<double>()[halt], 1.0);

  const Page master = golden_page(endpoint("equities_master"));
  const Column& product = master.rows.column("product_category");
  EXPECT_FALSE(product.is_valid(0));  // absent (a may_be_absent key)
  EXPECT_EQ(product.as<std::string>()[1], "011");
  EXPECT_FALSE(product.is_valid(2));  // null
  EXPECT_EQ(master.rows.column("company_name").as<std::string>()[0], "日本取引所グループ");
  EXPECT_EQ(master.rows.column("sector33_code").as<std::string>()[2], "0050");

  const Page fins = golden_page(endpoint("fins_summary"));
  EXPECT_TRUE(std::isnan(fins.rows.column("ordinary_profit").as<double>()[0]));  // ""
  EXPECT_EQ(fins.rows.column("operating_profit").as<double>()[1], -1500.0);      // "-1.5e3"
}

TEST(JQuantsV2JsonTest, EveryEndpointRoundTripsThroughWritePage) {
  for (const EndpointSpec& endpoint : endpoints()) {
    SCOPED_TRACE(std::string(endpoint.asset));
    const Table table = golden_page(endpoint).rows;
    const std::string body = write_page(endpoint, table, 0, table.num_rows(), "next");
    const Page again = parse_page(endpoint, body);
    EXPECT_EQ(again.rows.first_difference(table), std::nullopt) << body;
    EXPECT_EQ(again.pagination_key, "next");
    // Writing is deterministic: the same table gives the same bytes.
    EXPECT_EQ(write_page(endpoint, again.rows, 0, again.rows.num_rows(), "next"), body);

    const std::string tail = write_page(endpoint, table, 1, table.num_rows(), std::nullopt);
    EXPECT_EQ(parse_page(endpoint, tail).rows.first_difference(table.slice(1, table.num_rows())),
              std::nullopt);
    EXPECT_EQ(tail.find("pagination_key"), std::string::npos);
  }
}

// The documented samples are exactly what write_page produces from their own rows: numbers
// keep ".0", flags are "0"/"1" strings, keys come in the API's order.
TEST(JQuantsV2JsonTest, WritePageReproducesTheDocumentedSamplesByteForByte) {
  const std::string bars =
      R"({"data":[{"Date":"2023-03-24","Code":"86970","O":2047.0,"H":2069.0,"L":2035.0,)"
      R"("C":2045.0,"UL":"0","LL":"0","Vo":2202500.0,"Va":4507051850.0,"AdjFactor":1.0,)"
      R"("AdjO":2047.0,"AdjH":2069.0,"AdjL":2035.0,"AdjC":2045.0,"AdjVo":2202500.0}],)"
      R"("pagination_key":"value1.value2."})";
  const Page bars_page = parse_page(endpoint("bars_daily"), bars);
  EXPECT_EQ(write_page(endpoint("bars_daily"), bars_page.rows, 0, 1, bars_page.pagination_key),
            bars);

  const std::string calendar = R"({"data":[{"Date":"2015-04-01","HolDiv":"1"}]})";
  const Page calendar_page = parse_page(endpoint("calendar"), calendar);
  EXPECT_EQ(write_page(endpoint("calendar"), calendar_page.rows, 0, 1, std::nullopt), calendar);
}

TEST(JQuantsV2JsonTest, WritePageSpellsNullsAsEachEndpointDoes) {
  const Table bars = golden_page(endpoint("bars_daily")).rows;
  const std::string halt = write_page(endpoint("bars_daily"), bars, 2, 3, std::nullopt);
  EXPECT_NE(halt.find(R"("O":null,"H":null,"L":null,"C":null,"UL":"0","LL":"0","Vo":null)"),
            std::string::npos)
      << halt;

  // fins: every value is text, blanks are "" (dates included).
  Table fins = golden_page(endpoint("fins_summary")).rows;
  Column disclosed = fins.column("disclosed_date");
  disclosed.set_null(1);
  fins.replace_column(disclosed);
  const std::string body = write_page(endpoint("fins_summary"), fins, 0, 2, std::nullopt);
  EXPECT_NE(body.find(R"("DiscDate":"","DiscTime":"13:30:00")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("OdP":"","NP":"43180000000","EPS":"82.07")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("OP":"-1500")"), std::string::npos) << body;
  EXPECT_EQ(parse_page(endpoint("fins_summary"), body).rows.first_difference(fins), std::nullopt);

  // A null int column becomes JSON null.
  Table investors = golden_page(endpoint("investor_types")).rows;
  const std::string weekly = write_page(endpoint("investor_types"), investors, 1, 2, std::nullopt);
  EXPECT_NE(weekly.find(R"("OthFinSell":null)"), std::string::npos) << weekly;
}

TEST(JQuantsV2JsonTest, WritePageRoundTripsAwkwardValuesExactly) {
  const EndpointSpec& spec = endpoint("bars_daily");
  Table table = empty_table(spec);
  std::vector<Column> columns;
  const std::vector<double> awkward = {0.1,    1e-7,   123456789012345680.0, 1e300, -0.5,
                                       5e-324, 2047.0, 0.30000000000000004};
  for (const FieldSpec& field : spec.fields) {
    Column column(std::string(field.column), field.type);
    for (size_t row = 0; row < awkward.size(); ++row) {
      switch (field.type) {
        case ColumnType::kDate:
          column.append(Date::from_ymd(2024, 1, 4) + static_cast<int32_t>(row));
          break;
        case ColumnType::kString:
          column.append(row == 0 ? std::string("a\"b\\c\n\t\x01 東証") : std::to_string(row));
          break;
        case ColumnType::kInt32:
          column.append(static_cast<int32_t>(row));
          break;
        default:
          column.append(awkward[row]);
      }
    }
    columns.push_back(std::move(column));
  }
  table = Table(std::move(columns));
  const std::string body = write_page(spec, table, 0, table.num_rows(), "k\"ey");
  const Page page = parse_page(spec, body);
  EXPECT_EQ(page.rows.first_difference(table), std::nullopt) << body;
  EXPECT_EQ(page.pagination_key, "k\"ey");
  for (size_t row = 0; row < awkward.size(); ++row) {
    EXPECT_EQ(page.rows.column("close").as<double>()[row], awkward[row]) << row;
  }
  EXPECT_NE(body.find(R"("O":1e+300)"), std::string::npos) << body;
}

// Numbers are spelled as Python's repr spells them, which is what the API sends.
TEST(JQuantsV2JsonTest, WritePageSpellsNumbersAsTheApiDoes) {
  const std::vector<std::pair<double, std::string>> cases = {
      {2047.0, "2047.0"},
      {4507051850.0, "4507051850.0"},
      {114582000000.0, "114582000000.0"},
      {0.5, "0.5"},
      {-7390.1, "-7390.1"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e15, "1000000000000000.0"},
      {1e16, "1e+16"},
      {1.2345678901234568e+17, "1.2345678901234568e+17"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {0.0, "0.0"},
  };
  const EndpointSpec& spec = endpoint("topix");
  for (const auto& [value, text] : cases) {
    const Table table({Column::of<Date>("date", {Date::from_ymd(2024, 1, 4)}),
                       Column::of<double>("open", {value}), Column::of<double>("high", {1.0}),
                       Column::of<double>("low", {1.0}), Column::of<double>("close", {1.0})});
    const std::string body = write_page(spec, table, 0, 1, std::nullopt);
    EXPECT_EQ(body,
              R"({"data":[{"Date":"2024-01-04","O":)" + text + R"(,"H":1.0,"L":1.0,"C":1.0}]})");
    EXPECT_EQ(parse_page(spec, body).rows.column("open").as<double>()[0], value) << text;
  }
  // fins numbers are text without the ".0".
  Table fins = golden_page(endpoint("fins_summary")).rows.slice(0, 1);
  const std::string body = write_page(endpoint("fins_summary"), fins, 0, 1, std::nullopt);
  EXPECT_NE(body.find(R"("Sales":"114582000000","OP":"62830000000")"), std::string::npos) << body;
}

TEST(JQuantsV2JsonTest, WritePageRejectsABadRangeOrSchema) {
  const EndpointSpec& spec = endpoint("calendar");
  const Table table = golden_page(spec).rows;
  EXPECT_THROW(write_page(spec, table, 3, 2, std::nullopt), Error);
  EXPECT_THROW(write_page(spec, table, 0, 5, std::nullopt), Error);
  EXPECT_EQ(write_page(spec, table, 2, 2, std::nullopt), R"({"data":[]})");
  // bars needs columns the calendar table does not have.
  try {
    write_page(endpoint("bars_daily"), table, 0, 1, std::nullopt);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kNotFound);
  }
  const Table wrong_type({Column::of<std::string>("date", {"2024-01-04"}),
                          Column::of<int32_t>("holiday_division", {1})});
  try {
    write_page(spec, wrong_type, 0, 1, std::nullopt);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("'date' is string"), std::string::npos)
        << error.what();
  }
}

struct PaginationCase {
  std::string body;
  std::optional<std::string> key;
};

TEST(JQuantsV2JsonTest, PaginationKeyAbsentEmptyOrNullMeansTheLastPage) {
  const std::vector<PaginationCase> cases = {
      {R"({"data":[]})", std::nullopt},
      {R"({"data":[],"pagination_key":""})", std::nullopt},
      {R"({"data":[],"pagination_key":null})", std::nullopt},
      {R"({"pagination_key":"abc","data":[]})", "abc"},
      {R"({"data":[],"pagination_key":"a/b+c=="})", "a/b+c=="},
  };
  for (const PaginationCase& c : cases) {
    const Page page = parse_page(endpoint("calendar"), c.body);
    EXPECT_EQ(page.pagination_key, c.key) << c.body;
    EXPECT_EQ(page.rows.num_rows(), 0u);
    EXPECT_EQ(page.rows.schema(), empty_table(endpoint("calendar")).schema());
  }
}

TEST(JQuantsV2JsonTest, ToleratesUnknownKeysReorderedKeysAndRepeats) {
  const EndpointSpec& spec = endpoint("calendar");
  const Page page = parse_page(
      spec, R"({"meta":{"a":[1,{"b":null}],"c":"d"},"data":[)"
            R"({"HolDiv":"1","Date":"2015-04-01"},)"
            R"({"X":[[]],"Date":"2015-04-02","HolDiv":"0","HolDiv":"1","Y":{}},)"
            R"({"Date":"2015-04-03","HolDiv":"1","HolDiv":null},)"
            R"({"Date":"2015-04-04","HolDiv":null,"HolDiv":"0"},)"
            R"({"Date":"20150405","HolDiv":"00","Z":true,"W":false,"V":1.5,"U":-1,"T":1e3}],)"
            R"("extra":[1,2,3],"more":7})");
  const Table expected(
      {Column::of<Date>("date", {Date::from_ymd(2015, 4, 1), Date::from_ymd(2015, 4, 2),
                                 Date::from_ymd(2015, 4, 3), Date::from_ymd(2015, 4, 4),
                                 Date::from_ymd(2015, 4, 5)}),
       Column::of_optional<int32_t>("holiday_division", {1, 1, std::nullopt, 0, 0})});
  EXPECT_EQ(page.rows.first_difference(expected), std::nullopt) << page.rows.to_string();
}

TEST(JQuantsV2JsonTest, IntegerFieldsAcceptIntegralNumbersOnly) {
  const EndpointSpec& spec = endpoint("investor_types");
  Table table = golden_page(spec).rows.slice(0, 1);
  std::string body = write_page(spec, table, 0, 1, std::nullopt);
  const std::string original = R"("PropSell":100000,)";
  ASSERT_NE(body.find(original), std::string::npos);
  std::string as_float = body;
  as_float.replace(as_float.find(original), original.size(), R"("PropSell":100000.0,)");
  EXPECT_EQ(parse_page(spec, as_float).rows.first_difference(table), std::nullopt);
}

struct ErrorCase {
  std::string asset;
  std::string body;
  std::vector<std::string> message_parts;  // each must appear in the message
};

// One bars row with one value replaced: `key` gets the JSON text `value`.
std::string bars_with(const std::string& key, const std::string& value) {
  std::string row =
      R"({"Date":"2023-03-24","Code":"86970","O":2047.0,"H":2069.0,"L":2035.0,"C":2045.0,)"
      R"("UL":"0","LL":"0","Vo":2202500.0,"Va":4507051850.0,"AdjFactor":1.0,"AdjO":2047.0,)"
      R"("AdjH":2069.0,"AdjL":2035.0,"AdjC":2045.0,"AdjVo":2202500.0})";
  const std::string needle = "\"" + key + "\":";
  const size_t at = row.find(needle);
  if (at == std::string::npos) throw std::logic_error(key);
  const size_t value_begin = at + needle.size();
  const size_t value_end = row.find_first_of(",}", value_begin);
  row.replace(value_begin, value_end - value_begin, value);
  return R"({"data":[{"Date":"2023-03-23","Code":"86970","O":1.0,"H":1.0,"L":1.0,"C":1.0,)"
         R"("UL":"0","LL":"0","Vo":1.0,"Va":1.0,"AdjFactor":1.0,"AdjO":1.0,"AdjH":1.0,)"
         R"("AdjL":1.0,"AdjC":1.0,"AdjVo":1.0},)" +
         row + "]}";
}

TEST(JQuantsV2JsonTest, SchemaErrorsNameEndpointFieldRowAndValue) {
  const std::string where = "J-Quants /equities/bars/daily (bars_daily)";
  const std::vector<ErrorCase> cases = {
      {"bars_daily",
       bars_with("O", R"("2047.0")"),
       {where, "row 1", "field O (open)", "JSON number", R"("2047.0")"}},
      {"bars_daily", bars_with("Code", "86970"), {where, "row 1", "field Code (code)", "86970"}},
      {"bars_daily", bars_with("UL", "0"), {where, "row 1", "field UL (upper_limit)", "got 0"}},
      {"bars_daily", bars_with("UL", R"("x")"), {"field UL (upper_limit)", R"("x")"}},
      {"bars_daily", bars_with("UL", R"("")"), {"field UL (upper_limit)", R"(got "")"}},
      {"bars_daily", bars_with("Date", R"("2023-02-30")"), {"field Date (date)", "2023-02-30"}},
      {"bars_daily", bars_with("Date", "20230324"), {"field Date (date)", "got 20230324"}},
      {"bars_daily", bars_with("C", "true"), {"row 1", "field C (close)", "got true"}},
      {"bars_daily", bars_with("C", "[1]"), {"row 1", "field C (close)", "an array"}},
      {"bars_daily", bars_with("C", R"({"v":1})"), {"row 1", "field C (close)", "an object"}},
      {"investor_types",
       R"({"data":[{"PubDate":"2024-01-11","StDate":"2023-12-25","EnDate":"2023-12-29",)"
       R"("Section":"TSEPrime","PropSell":1.5}]})",
       {"/equities/investor-types (investor_types)", "row 0", "field PropSell (proprietary_sell)",
        "1.5"}},
      {"investor_types",
       R"({"data":[{"PubDate":"2024-01-11","StDate":"2023-12-25","EnDate":"2023-12-29",)"
       R"("Section":"TSEPrime","PropSell":9223372036854775808}]})",
       {"field PropSell (proprietary_sell)", "9223372036854775808"}},
      {"fins_summary",
       R"({"data":[{"DiscDate":"2024-01-30","Sales":"12a"}]})",
       {"/fins/summary (fins_summary)", "row 0", "field Sales (net_sales)", R"("12a")"}},
      {"fins_summary",
       R"({"data":[{"DiscDate":"2024-01-30","Sales":114582000000}]})",
       {"field Sales (net_sales)", "114582000000"}},
      // A missing key that must be present.
      {"calendar",
       R"({"data":[{"Date":"2015-04-01","HolDiv":"1"},{"Date":"2015-04-02"}]})",
       {"/markets/calendar (calendar)", "row 1", "no field HolDiv (holiday_division)"}},
      {"equities_master",
       R"({"data":[{"Date":"2022-11-11","Code":"86970"}]})",
       {"row 0", "no field CoName (company_name)", "only ProdCat may be absent"}},
      // Page shape.
      {"calendar", R"({"message":"hi"})", {"/markets/calendar (calendar)", "no \"data\" array"}},
      {"calendar", R"({"data":{"Date":"2015-04-01"}})", {"\"data\" is an object"}},
      {"calendar", R"({"data":null})", {"\"data\" is null"}},
      {"calendar", R"({"data":"rows"})", {"\"data\" is \"rows\""}},
      {"calendar", R"({"data":[{"Date":"2015-04-01","HolDiv":"1"},7]})", {"row 1", "is 7"}},
      {"calendar", R"({"data":[[]]})", {"row 0", "an array"}},
      {"calendar", R"({"data":[],"pagination_key":5})", {"\"pagination_key\" is 5"}},
      {"calendar", R"({"data":[],"data":[]})", {"\"data\" twice"}},
      {"calendar", R"([{"Date":"2015-04-01"}])", {"a JSON array"}},
      {"calendar", R"("data")", {"the page is \"data\""}},
      {"calendar", "null", {"the page is null"}},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.body);
    try {
      parse_page(endpoint(c.asset), c.body);
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
      for (const std::string& part : c.message_parts) {
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
            << "'" << part << "' not in: " << error.what();
      }
    }
  }
}

TEST(JQuantsV2JsonTest, MalformedJsonNamesTheEndpointAndByteOffset) {
  const EndpointSpec& spec = endpoint("calendar");
  const std::vector<std::string> bodies = {
      "",
      R"({"data":[{"Date":"2015-04-01","HolDiv":"1"})",  // cut short
      R"({"data":[{"Date":"2015-04-01","HolDiv":"1"}]} trailing)",
      R"({"data":[{"Date":"2015-04-01" "HolDiv":"1"}]})",
      "<html>502 Bad Gateway</html>",
      "{\"data\":[{\"Date\":\"2015-04-01\",\"HolDiv\":\"\xff\"}]}",
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    try {
      parse_page(spec, body);
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
      EXPECT_NE(std::string(error.what())
                    .find("J-Quants /markets/calendar (calendar): malformed "
                          "JSON at byte "),
                std::string::npos)
          << error.what();
    }
    try {
      parse_page(spec, body, ErrorCategory::kTransient);
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::kTransient);
    }
  }
  // The overload changes nothing for schema errors.
  try {
    parse_page(spec, R"({"data":[{"Date":5,"HolDiv":"1"}]})", ErrorCategory::kTransient);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
  }
}

TEST(JQuantsV2JsonTest, EmptyTableHasTheEndpointColumnsInFieldOrder) {
  for (const EndpointSpec& spec : endpoints()) {
    const Table table = empty_table(spec);
    ASSERT_EQ(table.num_columns(), spec.fields.size());
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      EXPECT_EQ(table.columns()[i].name(), spec.fields[i].column);
      EXPECT_EQ(table.columns()[i].type(), spec.fields[i].type);
    }
    EXPECT_EQ(table.num_rows(), 0u);
  }
}

TEST(JQuantsV2JsonTest, ErrorMessagesRoundTrip) {
  const std::string message =
      "Your subscription covers the following dates: 2024-05-31 ~ "
      "2026-05-31. \"quoted\"";
  EXPECT_EQ(read_message(write_message(message)), message);
  EXPECT_EQ(write_message("bad"), R"({"message":"bad"})");
  EXPECT_EQ(read_message(R"({"message": "The incoming api key is invalid or expired"})"),
            "The incoming api key is invalid or expired");
  EXPECT_EQ(read_message("<html>oops</html>"), "<html>oops</html>");
  EXPECT_EQ(read_message(R"({"error":"x"})"), R"({"error":"x"})");
  const std::string long_body(1000, 'x');
  EXPECT_EQ(read_message(long_body), std::string(300, 'x') + "...");
}

}  // namespace
}  // namespace gogooku3::market::jquants
