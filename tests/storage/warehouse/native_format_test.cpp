// Native encoding against bytes a real ClickHouse (18.16) produced, and the decoder's guards.
#include "storage/warehouse/native_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "core/error.h"

namespace gogooku3::storage::warehouse {
namespace {

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

Table small_table() {
  return Table(
      {Column::of<std::string>("code", {"1301", "1302"}),
       Column::of<Date>("date", {Date::from_ymd(2026, 11, 27), Date::from_ymd(2026, 11, 27)}),
       Column::of<float>("x", {1.5F, std::numeric_limits<float>::quiet_NaN()}),
       Column::of_optional<int32_t>("n", {std::nullopt, 3})});
}

// `SELECT code, date, x, n FROM t FORMAT Native` as clickhouse-server 18.16 answered it for
// the rows of small_table().
constexpr std::string_view kClickHouseAnswer =
    "0402"
    "04636f646506537472696e67"
    "0431333031"
    "0431333032"
    "046461746504446174653051"
    "3051"
    "017807466c6f61743332"
    "0000c03f0000c07f"
    "016e0f4e756c6c61626c6528496e74333229"
    "0100"
    "0000000003000000";

TEST(NativeFormatTest, EncodesExactlyWhatClickHouseSends) {
  std::string bytes;
  append_native_block(small_table(), 0, 2, {}, bytes);
  EXPECT_EQ(bytes, from_hex(kClickHouseAnswer));
}

TEST(NativeFormatTest, DecodesClickHouseAnswerIntoTheSameTable) {
  const Table table = small_table();
  const Table decoded = decode_native(from_hex(kClickHouseAnswer), table.schema(), "answer");
  EXPECT_EQ(decoded.first_difference(table), std::nullopt);
}

TEST(NativeFormatTest, ManyBlocksConcatenateAndConstantsAreAppended) {
  const Table table = small_table();
  std::string bytes;
  append_native_block(table, 0, 1, {{"_version", "UInt64", 7}, {"_deleted", "UInt8", 1}}, bytes);
  // The constant columns come last, one value per row.
  EXPECT_EQ(bytes.substr(bytes.size() - 40), from_hex("085f76657273696f6e"
                                                      "0655496e743634"
                                                      "0700000000000000"
                                                      "085f64656c65746564"
                                                      "0555496e7438"
                                                      "01"));
  std::string two;
  append_native_block(table, 0, 1, {}, two);
  append_native_block(table, 1, 2, {}, two);
  EXPECT_EQ(decode_native(two, table.schema(), "two blocks").first_difference(table), std::nullopt);
  EXPECT_EQ(decode_native("", table.schema(), "nothing").num_rows(), 0U);
}

TEST(NativeFormatTest, TypesFollowTheKeysAndNullability) {
  EXPECT_EQ(warehouse_type("code", ColumnType::kString), "String");
  EXPECT_EQ(warehouse_type("date", ColumnType::kDate), "Date");
  EXPECT_EQ(warehouse_type("sector", ColumnType::kString), "Nullable(String)");
  EXPECT_EQ(warehouse_type("listed", ColumnType::kDate), "Nullable(Date)");
  EXPECT_EQ(warehouse_type("volume", ColumnType::kInt64), "Nullable(Int64)");
  EXPECT_EQ(warehouse_type("close", ColumnType::kDouble), "Float64");
  EXPECT_EQ(warehouse_type("ret_1d", ColumnType::kFloat), "Float32");
}

TEST(NativeFormatTest, NullableStringsAndDatesRoundTrip) {
  const Table table(
      {Column::of<std::string>("code", {"7203", "130A0", "9984"}),
       Column::of<Date>("date", {Date::from_ymd(2024, 1, 4), Date::from_ymd(2024, 1, 4),
                                 Date::from_ymd(2024, 1, 5)}),
       Column::of_optional<std::string>("sector", {"輸送用機器", std::nullopt, ""}),
       Column::of_optional<Date>(
           "listed", {std::nullopt, Date::from_ymd(1970, 1, 1), Date::from_ymd(2149, 6, 6)}),
       Column::of_optional<int64_t>("volume", {1LL << 40, std::nullopt, -1}),
       Column::of<double>("close", {1.0, NAN, -0.0})});
  std::string bytes;
  append_native_block(table, 0, table.num_rows(), {}, bytes);
  EXPECT_EQ(decode_native(bytes, table.schema(), "round trip").first_difference(table),
            std::nullopt);
}

TEST(NativeFormatTest, KeysMustBePresentAndDatesMustFit) {
  Table null_code({Column::of_optional<std::string>("code", {std::nullopt}),
                   Column::of<Date>("date", {Date::from_ymd(2024, 1, 4)})});
  std::string bytes;
  try {
    append_native_block(null_code, 0, 1, {}, bytes);
    FAIL() << "a null code was encoded";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("'code' is null at row 0"), std::string::npos);
  }
  Table old({Column::of<std::string>("code", {"7203"}),
             Column::of<Date>("date", {Date::from_ymd(1969, 12, 31)})});
  try {
    append_native_block(old, 0, 1, {}, bytes);
    FAIL() << "a date before 1970 was encoded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("1969-12-31 does not fit a ClickHouse Date"),
              std::string::npos);
  }
  EXPECT_THROW(append_native_block(old, 0, 2, {}, bytes), Error);
}

TEST(NativeFormatTest, TruncatedOrForeignStreamsAreNamedErrors) {
  const Table table = small_table();
  const std::string bytes = from_hex(kClickHouseAnswer);
  for (const size_t cut : {size_t{1}, size_t{10}, bytes.size() - 1}) {
    try {
      decode_native(bytes.substr(0, cut), table.schema(), "answer for clean_prices");
      FAIL() << "a stream cut at " << cut << " decoded";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::kCorruption) << cut;
      EXPECT_NE(std::string(error.what()).find("answer for clean_prices"), std::string::npos);
    }
  }
  Schema other = table.schema();
  other[2].type = ColumnType::kDouble;
  try {
    decode_native(bytes, other, "answer");
    FAIL() << "a Float32 column decoded as double";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("'x Float32' but 'x Float64'"), std::string::npos);
  }
}

}  // namespace
}  // namespace gogooku3::storage::warehouse
