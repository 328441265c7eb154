#include "storage/csv/csv_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace gogooku3::storage {
namespace {

std::string error_of(std::string_view text, const CsvReadOptions& options = {}) {
  try {
    read_csv(text, "in.csv", options);
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return "";
}

TEST(CsvTableTest, InfersTypesFromNonEmptyFields) {
  const Table table = read_csv(
      "code,date,close,volume,name\n"
      "86970,2026-09-24,2045.5,2202500,JPX\n"
      "130A0,2026-09-25,,1200,\"Veritas, Inc.\"\n"
      "72030,2026-09-25,NaN,,Toyota\n",
      "in.csv");
  EXPECT_EQ(table.column("code").type(), ColumnType::kString);
  EXPECT_EQ(table.column("date").type(), ColumnType::kDate);
  EXPECT_EQ(table.column("close").type(), ColumnType::kDouble);
  EXPECT_EQ(table.column("volume").type(), ColumnType::kInt64);
  EXPECT_EQ(table.column("name").type(), ColumnType::kString);
  EXPECT_TRUE(std::isnan(table.column("close").as<double>()[1]));
  EXPECT_FALSE(table.column("volume").is_valid(2));
  EXPECT_EQ(table.column("name").as<std::string>()[1], "Veritas, Inc.");
}

TEST(CsvTableTest, CodesAndLeadingZerosStayText) {
  const Table table = read_csv("code,id,n\n86970,0123,-5\n72030,0456,+7\n", "in.csv");
  EXPECT_EQ(table.column("code").type(), ColumnType::kString);
  EXPECT_EQ(table.column("code").as<std::string>()[0], "86970");
  EXPECT_EQ(table.column("id").type(), ColumnType::kString);
  EXPECT_EQ(table.column("n").as<int64_t>(), (std::vector<int64_t>{-5, 7}));
}

TEST(CsvTableTest, PinnedTypesWinAndMustParse) {
  CsvReadOptions options;
  options.types = {{"volume", ColumnType::kDouble}, {"n", ColumnType::kInt32}};
  const Table table = read_csv("volume,n\n12,3\n", "in.csv", options);
  EXPECT_EQ(table.column("volume").type(), ColumnType::kDouble);
  EXPECT_EQ(table.column("n").as<int32_t>()[0], 3);
  const std::string bad = error_of("volume,n\n12,x\n", options);
  EXPECT_NE(bad.find("in.csv:2"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'n'"), std::string::npos) << bad;
  EXPECT_NE(
      error_of("volume,n\n1,2\n", {{{"missing", ColumnType::kInt64}}}).find("no column 'missing'"),
      std::string::npos);
  EXPECT_NE(error_of("n\n99999999999\n", {{{"n", ColumnType::kInt32}}}).find("int32"),
            std::string::npos);
}

TEST(CsvTableTest, QuotingAndLineEndings) {
  const Table table =
      read_csv("a,b\r\n\"x \"\"q\"\"\",\"multi\nline\"\r\nplain,\"\"\r\n", "in.csv");
  ASSERT_EQ(table.num_rows(), 2u);
  EXPECT_EQ(table.column("a").as<std::string>()[0], "x \"q\"");
  EXPECT_EQ(table.column("b").as<std::string>()[0], "multi\nline");
  EXPECT_FALSE(table.column("b").is_valid(1));  // "" is an empty field: missing
  const Table no_final_newline = read_csv("a\n1\n2", "in.csv");
  EXPECT_EQ(no_final_newline.num_rows(), 2u);
}

TEST(CsvTableTest, MalformedInputNamesTheLine) {
  EXPECT_NE(error_of("").find("empty file"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,2\n3\n").find("in.csv:3: 1 fields"), std::string::npos);
  EXPECT_NE(error_of("a,a\n1,2\n").find("appears twice"), std::string::npos);
  EXPECT_NE(error_of("a,\n1,2\n").find("without a name"), std::string::npos);
  EXPECT_NE(error_of("a\n\"open\n").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("a\nab\"c\n").find("in.csv:2: a quote"), std::string::npos);
}

TEST(CsvTableTest, WriteThenReadRoundTrips) {
  Table table({Column::of<std::string>("code", {"86970", "130A0"}),
               Column::of<Date>("date", {Date::from_ymd(2026, 9, 24), Date::from_ymd(2026, 9, 25)}),
               Column::of<double>("close", {0.1 + 0.2, NAN}),
               Column::of_optional<int64_t>("volume", {std::nullopt, 42}),
               Column::of<std::string>("note", {"a,b", "say \"hi\""})});
  std::ostringstream out;
  write_csv(table, out);
  EXPECT_EQ(out.str(),
            "code,date,close,volume,note\n"
            "86970,2026-09-24,0.30000000000000004,,\"a,b\"\n"
            "130A0,2026-09-25,NaN,42,\"say \"\"hi\"\"\"\n");
  const Table back = read_csv(out.str(), "round trip");
  EXPECT_EQ(back.first_difference(table), std::nullopt);
}

}  // namespace
}  // namespace gogooku3::storage
