#include "core/table.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"

namespace gogooku3 {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Date day(int32_t n) { return Date(n); }

// The error thrown by `action`, or a test failure when none is.
Error error_from(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a gogooku3::Error, but nothing was thrown";
  return Error(ErrorCategory::kInternal, "");
}

void expect_mentions(const Error& error, const std::vector<std::string>& fragments) {
  const std::string message = error.what();
  for (const std::string& fragment : fragments) {
    EXPECT_NE(message.find(fragment), std::string::npos)
        << "message does not mention '" << fragment << "': " << message;
  }
}

// A small unsorted price table: two codes that look numeric but are not, out of order.
Table sample_prices() {
  return Table({
      Column::of<std::string>("code", {"86970", "130A0", "86970", "13010", "130A0"}),
      Column::of<Date>("date", {day(3), day(2), day(1), day(5), day(1)}),
      Column::of<double>("close", {3.0, 2.0, 1.0, 5.0, kNaN}),
      Column::of_optional<int64_t>("volume", {30, std::nullopt, 10, 50, 15}),
  });
}

// ---------------------------------------------------------------- Column: each value type

template <typename T>
struct Samples;
template <>
struct Samples<int32_t> {
  static constexpr ColumnType kType = ColumnType::kInt32;
  static std::vector<int32_t> values() { return {-7, 0, std::numeric_limits<int32_t>::max()}; }
};
template <>
struct Samples<int64_t> {
  static constexpr ColumnType kType = ColumnType::kInt64;
  static std::vector<int64_t> values() { return {-7, 0, int64_t{1} << 40}; }
};
template <>
struct Samples<float> {
  static constexpr ColumnType kType = ColumnType::kFloat;
  static std::vector<float> values() { return {-1.5f, 0.0f, 3.25f}; }
};
template <>
struct Samples<double> {
  static constexpr ColumnType kType = ColumnType::kDouble;
  static std::vector<double> values() { return {-1.5, 0.0, 1e300}; }
};
template <>
struct Samples<std::string> {
  static constexpr ColumnType kType = ColumnType::kString;
  static std::vector<std::string> values() { return {"130A0", "", "86970"}; }
};
template <>
struct Samples<Date> {
  static constexpr ColumnType kType = ColumnType::kDate;
  static std::vector<Date> values() { return {Date::from_ymd(2026, 9, 22), Date(0), Date(-1)}; }
};

template <typename T>
class ColumnTypedTest : public ::testing::Test {};
using AllValueTypes = ::testing::Types<int32_t, int64_t, float, double, std::string, Date>;
TYPED_TEST_SUITE(ColumnTypedTest, AllValueTypes);

TYPED_TEST(ColumnTypedTest, HoldsValuesOfItsType) {
  const std::vector<TypeParam> values = Samples<TypeParam>::values();
  const Column column = Column::of<TypeParam>("x", values);
  EXPECT_EQ(column.type(), Samples<TypeParam>::kType);
  EXPECT_EQ(column_type_of<TypeParam>(), Samples<TypeParam>::kType);
  EXPECT_EQ(column.size(), values.size());
  EXPECT_EQ(column.as<TypeParam>(), values);
  EXPECT_EQ(column.null_count(), 0u);
  EXPECT_FALSE(column.has_validity_bitmap());
  for (size_t row = 0; row < values.size(); ++row) EXPECT_TRUE(column.is_valid(row));
}

TYPED_TEST(ColumnTypedTest, AppendsValuesAndNulls) {
  const std::vector<TypeParam> values = Samples<TypeParam>::values();
  Column column("x", Samples<TypeParam>::kType);
  column.append(values[0]);
  column.append_null();
  column.append(std::optional<TypeParam>(values[2]));
  column.append(std::optional<TypeParam>());
  ASSERT_EQ(column.size(), 4u);
  EXPECT_TRUE(column.is_valid(0));
  EXPECT_FALSE(column.is_valid(1));
  EXPECT_TRUE(column.is_valid(2));
  EXPECT_FALSE(column.is_valid(3));
  EXPECT_EQ(column.null_count(), 2u);
  EXPECT_EQ(column.as<TypeParam>()[2], values[2]);
  // float/double mark missing with NaN; everything else needs a bitmap.
  EXPECT_EQ(column.has_validity_bitmap(), !uses_nan_for_missing(column.type()));
}

TYPED_TEST(ColumnTypedTest, OfOptionalMatchesAppends) {
  const std::vector<TypeParam> values = Samples<TypeParam>::values();
  const Column built =
      Column::of_optional<TypeParam>("x", {values[0], std::nullopt, values[1], values[2]});
  Column appended("x", Samples<TypeParam>::kType);
  appended.append(values[0]);
  appended.append_null();
  appended.append(values[1]);
  appended.append(values[2]);
  EXPECT_EQ(built.first_difference(appended), std::nullopt);
  EXPECT_EQ(built.null_count(), 1u);
}

// ---------------------------------------------------------------- Column: missing values

TEST(ColumnTest, FloatingMissingIsNaNWithoutBitmap) {
  Column close = Column::of<double>("close", {1.0, kNaN, 3.0});
  close.append_null();
  EXPECT_TRUE(std::isnan(close.as<double>()[3]));
  EXPECT_FALSE(close.is_valid(1));
  EXPECT_FALSE(close.is_valid(3));
  EXPECT_EQ(close.null_count(), 2u);
  EXPECT_FALSE(close.has_validity_bitmap());

  const Column ratio = Column::of_optional<float>("ratio", {0.5f, std::nullopt});
  EXPECT_TRUE(std::isnan(ratio.as<float>()[1]));
  EXPECT_FALSE(ratio.is_valid(1));
}

TEST(ColumnTest, NullFreeColumnNeverAllocatesBitmap) {
  Column volume("volume", ColumnType::kInt64);
  for (int64_t v = 0; v < 1000; ++v) volume.append(v);
  EXPECT_FALSE(volume.has_validity_bitmap());
  EXPECT_EQ(volume.null_count(), 0u);
}

TEST(ColumnTest, BitmapSurvivesWordBoundaries) {
  // Nulls at the edges of 64-bit words, then the first null late in the column.
  const std::vector<size_t> null_rows = {0, 63, 64, 127, 128, 199};
  Column values("v", ColumnType::kInt32);
  for (int32_t row = 0; row < 200; ++row) {
    if (std::find(null_rows.begin(), null_rows.end(), static_cast<size_t>(row)) !=
        null_rows.end()) {
      values.append_null();
    } else {
      values.append(row);
    }
  }
  EXPECT_EQ(values.null_count(), null_rows.size());
  for (size_t row = 0; row < 200; ++row) {
    const bool expected_null =
        std::find(null_rows.begin(), null_rows.end(), row) != null_rows.end();
    EXPECT_EQ(values.is_valid(row), !expected_null) << "row " << row;
  }

  Column late("late", ColumnType::kString);
  for (int row = 0; row < 130; ++row) late.append(fmt::format("{}", row));
  late.append_null();
  late.append("after");
  EXPECT_EQ(late.null_count(), 1u);
  for (size_t row = 0; row < 130; ++row) EXPECT_TRUE(late.is_valid(row)) << "row " << row;
  EXPECT_FALSE(late.is_valid(130));
  EXPECT_TRUE(late.is_valid(131));
}

TEST(ColumnTest, SetNullMarksMissing) {
  Column volume = Column::of<int64_t>("volume", {1, 2, 3});
  volume.set_null(1);
  volume.set_null(1);  // twice is still one null
  EXPECT_EQ(volume.null_count(), 1u);
  EXPECT_FALSE(volume.is_valid(1));
  EXPECT_TRUE(volume.is_valid(2));

  Column close = Column::of<double>("close", {1.0, 2.0});
  close.set_null(0);
  EXPECT_TRUE(std::isnan(close.as<double>()[0]));
  EXPECT_EQ(close.null_count(), 1u);

  EXPECT_EQ(error_from([&] { volume.set_null(3); }).category(), ErrorCategory::kInvalidInput);
}

TEST(ColumnTest, MutableValuesEditInPlace) {
  Column close = Column::of<double>("close", {1.0, 2.0});
  for (double& value : close.mutable_values<double>()) value *= 10;
  EXPECT_EQ(close.as<double>(), (std::vector<double>{10.0, 20.0}));
}

// ---------------------------------------------------------------- Column: wrong types

struct WrongTypeCase {
  ColumnType stored;
  std::string requested;  // the type name the message must contain
  std::function<void(const Column&)> read;
};

TEST(ColumnTest, WrongTypeReadNamesColumnAndBothTypes) {
  const std::vector<WrongTypeCase> cases = {
      {ColumnType::kDouble, "int32", [](const Column& c) { c.as<int32_t>(); }},
      {ColumnType::kDouble, "float", [](const Column& c) { c.as<float>(); }},
      {ColumnType::kInt64, "int32", [](const Column& c) { c.as<int32_t>(); }},
      {ColumnType::kString, "double", [](const Column& c) { c.as<double>(); }},
      // A date is not an int32 even though it is stored as one.
      {ColumnType::kDate, "int32", [](const Column& c) { c.as<int32_t>(); }},
      {ColumnType::kInt32, "date", [](const Column& c) { c.as<Date>(); }},
  };
  for (const WrongTypeCase& test_case : cases) {
    const Column column("close", test_case.stored);
    const Error error = error_from([&] { test_case.read(column); });
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    expect_mentions(
        error, {"'close'", std::string(column_type_name(test_case.stored)), test_case.requested});
  }
}

TEST(ColumnTest, WrongTypeAppendIsRejected) {
  Column close("close", ColumnType::kDouble);
  expect_mentions(error_from([&] { close.append(int32_t{1}); }), {"'close'", "double", "int32"});
  expect_mentions(error_from([&] { close.append("x"); }), {"'close'", "double", "string"});
  expect_mentions(error_from([&] { close.append(std::optional<float>()); }),
                  {"'close'", "double", "float"});
  EXPECT_EQ(close.size(), 0u);

  Column other = Column::of<float>("other", {1.0f});
  expect_mentions(error_from([&] { close.append_rows(other); }),
                  {"'close'", "'other'", "double", "float"});
}

// ---------------------------------------------------------------- Column: take, slice, text

TEST(ColumnTest, TakeAndSliceCarryNulls) {
  Column values("v", ColumnType::kString);
  for (int row = 0; row < 100; ++row) {
    if (row % 10 == 0) {
      values.append_null();
    } else {
      values.append(fmt::format("s{}", row));
    }
  }
  const Column taken = values.take(std::vector<size_t>{70, 71, 70, 5});
  EXPECT_EQ(taken.size(), 4u);
  EXPECT_FALSE(taken.is_valid(0));
  EXPECT_TRUE(taken.is_valid(1));
  EXPECT_FALSE(taken.is_valid(2));
  EXPECT_EQ(taken.as<std::string>()[3], "s5");
  EXPECT_EQ(taken.null_count(), 2u);

  const Column no_nulls = values.take(std::vector<size_t>{1, 2});
  EXPECT_FALSE(no_nulls.has_validity_bitmap());

  const Column sliced = values.slice(60, 75);
  EXPECT_EQ(sliced.size(), 15u);
  EXPECT_EQ(sliced.null_count(), 2u);
  EXPECT_FALSE(sliced.is_valid(0));
  EXPECT_FALSE(sliced.is_valid(10));
  EXPECT_EQ(sliced.as<std::string>()[1], "s61");

  expect_mentions(error_from([&] {
                    values.take(std::vector<size_t>{3, 100});
                  }),
                  {"'v'", "100", "100 rows"});
  expect_mentions(error_from([&] { values.slice(50, 101); }), {"'v'", "101"});
  expect_mentions(error_from([&] { values.slice(5, 4); }), {"'v'"});
}

TEST(ColumnTest, ValueToString) {
  const Column dates = Column::of_optional<Date>("date", {Date::from_ymd(2026, 9, 22), {}});
  EXPECT_EQ(dates.value_to_string(0), "2026-09-22");
  EXPECT_EQ(dates.value_to_string(1), "null");
  EXPECT_EQ(Column::of<double>("x", {1.5, kNaN}).value_to_string(1), "null");
  EXPECT_EQ(Column::of<std::string>("code", {"130A0"}).value_to_string(0), "130A0");
}

TEST(ColumnTest, EqualsTreatsNaNAsEqualAndIgnoresValuesUnderNulls) {
  EXPECT_TRUE(Column::of<double>("x", {1.0, kNaN}).equals(Column::of<double>("x", {1.0, kNaN})));
  EXPECT_FALSE(Column::of<double>("x", {1.0, kNaN}).equals(Column::of<double>("x", {1.0, 2.0})));

  Column a = Column::of<int32_t>("x", {1, 2});
  Column b = Column::of<int32_t>("x", {1, 3});
  a.set_null(1);
  b.set_null(1);
  EXPECT_TRUE(a.equals(b));
  EXPECT_FALSE(a.equals(Column::of<int32_t>("x", {1, 2})));
  EXPECT_FALSE(a.equals(Column::of<int64_t>("x", {1, 2})));
  EXPECT_FALSE(a.equals(Column::of<int32_t>("y", {1, 2})));
}

// ---------------------------------------------------------------- Table: shape and lookup

TEST(TableTest, ReportsShapeAndSchema) {
  const Table table = sample_prices();
  EXPECT_EQ(table.num_rows(), 5u);
  EXPECT_EQ(table.num_columns(), 4u);
  const Schema expected = {{"code", ColumnType::kString},
                           {"date", ColumnType::kDate},
                           {"close", ColumnType::kDouble},
                           {"volume", ColumnType::kInt64}};
  EXPECT_EQ(table.schema(), expected);
  EXPECT_EQ(schema_to_string(table.schema()),
            "code: string, date: date, close: double, volume: int64");
  EXPECT_TRUE(table.has_column("close"));
  EXPECT_FALSE(table.has_column("open"));
  EXPECT_EQ(table.column("close").as<double>()[3], 5.0);
  EXPECT_FALSE(table.is_sorted_by_code_date());
}

TEST(TableTest, MissingColumnIsNotFoundAndListsColumns) {
  const Table table = sample_prices();
  const Error error = error_from([&] { table.column("open"); });
  EXPECT_EQ(error.category(), ErrorCategory::kNotFound);
  expect_mentions(error, {"'open'", "code, date, close, volume"});

  expect_mentions(error_from([] { Table().column("close"); }), {"'close'", "(none)"});
}

TEST(TableTest, WrongTypeThroughTableNamesColumn) {
  const Table table = sample_prices();
  expect_mentions(error_from([&] { table.column("volume").as<double>(); }),
                  {"'volume'", "int64", "double"});
}

TEST(TableTest, AddColumnRejectsLengthMismatchAndDuplicates) {
  Table table = sample_prices();
  const Error length = error_from([&] { table.add_column(Column::of<float>("ret", {1, 2, 3})); });
  EXPECT_EQ(length.category(), ErrorCategory::kInvalidInput);
  expect_mentions(length, {"'ret'", "3 rows", "5 rows"});

  const Error duplicate = error_from([&] {
    table.add_column(Column::of<double>("close", {1, 2, 3, 4, 5}));
  });
  EXPECT_EQ(duplicate.category(), ErrorCategory::kInvalidInput);
  expect_mentions(duplicate, {"'close'"});

  EXPECT_EQ(table.num_columns(), 4u);
  table.add_column(Column::of<float>("ret", {1, 2, 3, 4, 5}));
  EXPECT_EQ(table.num_columns(), 5u);

  expect_mentions(error_from([] {
                    Table({Column::of<int32_t>("a", {1}), Column::of<int32_t>("b", {1, 2})});
                  }),
                  {"'b'", "2 rows", "1 rows"});
}

TEST(TableTest, ReplaceColumnKeepsPosition) {
  Table table = sample_prices();
  table.replace_column(Column::of<float>("close", {1, 2, 3, 4, 5}));
  EXPECT_EQ(table.schema()[2], (Field{"close", ColumnType::kFloat}));
  expect_mentions(error_from([&] { table.replace_column(Column::of<float>("close", {1})); }),
                  {"'close'", "1 rows", "5 rows"});
  EXPECT_EQ(error_from([&] {
              table.replace_column(Column::of<float>("open", {1, 2, 3, 4, 5}));
            }).category(),
            ErrorCategory::kNotFound);
}

// ---------------------------------------------------------------- Table: select, take, slice

TEST(TableTest, SelectKeepsRequestedOrder) {
  const Table table = sample_prices();
  const Table selected = table.select({"volume", "code"});
  EXPECT_EQ(selected.schema(),
            (Schema{{"volume", ColumnType::kInt64}, {"code", ColumnType::kString}}));
  EXPECT_EQ(selected.num_rows(), 5u);
  EXPECT_TRUE(selected.column("volume").equals(table.column("volume")));

  EXPECT_EQ(error_from([&] {
              table.select({"code", "open"});
            }).category(),
            ErrorCategory::kNotFound);
  const Error twice = error_from([&] { table.select({"code", "code"}); });
  EXPECT_EQ(twice.category(), ErrorCategory::kInvalidInput);
  expect_mentions(twice, {"'code'"});
  EXPECT_EQ(table.select({}).num_rows(), 0u);
}

TEST(TableTest, TakeGathersRows) {
  const Table table = sample_prices();
  const Table taken = table.take(std::vector<size_t>{4, 1, 1});
  const Table expected({
      Column::of<std::string>("code", {"130A0", "130A0", "130A0"}),
      Column::of<Date>("date", {day(1), day(2), day(2)}),
      Column::of<double>("close", {kNaN, 2.0, 2.0}),
      Column::of_optional<int64_t>("volume", {15, std::nullopt, std::nullopt}),
  });
  EXPECT_EQ(taken.first_difference(expected), std::nullopt) << taken.to_string();
  EXPECT_EQ(table.take(std::vector<size_t>{}).num_rows(), 0u);
  expect_mentions(error_from([&] { table.take(std::vector<size_t>{0, 5}); }), {"5", "5 rows"});
}

TEST(TableTest, SliceTakesRange) {
  const Table table = sample_prices();
  EXPECT_EQ(table.slice(1, 3).first_difference(table.take(std::vector<size_t>{1, 2})),
            std::nullopt);
  EXPECT_EQ(table.slice(5, 5).num_rows(), 0u);
  EXPECT_EQ(table.slice(0, 5).first_difference(table), std::nullopt);
  for (const auto& range : std::vector<std::pair<size_t, size_t>>{{0, 6}, {4, 3}, {6, 6}}) {
    const Error error = error_from([&] { table.slice(range.first, range.second); });
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    expect_mentions(error, {"5 rows"});
  }
}

// ---------------------------------------------------------------- Table: concat

TEST(TableTest, ConcatAppendsRowsAndNulls) {
  const Table table = sample_prices();
  const std::vector<Table> parts = {table.slice(0, 2), table.slice(2, 2), table.slice(2, 5)};
  EXPECT_EQ(Table::concat(parts).first_difference(table), std::nullopt);

  const Table twice = Table::concat(std::vector<Table>{table, table});
  EXPECT_EQ(twice.num_rows(), 10u);
  EXPECT_EQ(twice.column("volume").null_count(), 2u);
  EXPECT_FALSE(twice.column("volume").is_valid(6));

  EXPECT_EQ(Table::concat({}).num_columns(), 0u);
}

struct ConcatMismatchCase {
  std::string label;
  Table other;
  std::vector<std::string> mentions;
};

TEST(TableTest, ConcatNamesFirstSchemaMismatch) {
  const Table base({Column::of<std::string>("code", {"86970"}), Column::of<double>("close", {1})});
  const std::vector<ConcatMismatchCase> cases = {
      {"type",
       Table({Column::of<std::string>("code", {"86970"}), Column::of<float>("close", {1})}),
       {"'close' (float)", "'close' (double)", "position 1"}},
      {"name",
       Table({Column::of<std::string>("code", {"86970"}), Column::of<double>("open", {1})}),
       {"'open' (double)", "'close' (double)"}},
      {"order",
       Table({Column::of<double>("close", {1}), Column::of<std::string>("code", {"86970"})}),
       {"'close' (double)", "'code' (string)", "position 0"}},
      {"extra",
       Table({Column::of<std::string>("code", {"86970"}), Column::of<double>("close", {1}),
              Column::of<int64_t>("volume", {1})}),
       {"extra", "'volume' (int64)"}},
      {"missing",
       Table({Column::of<std::string>("code", {"86970"})}),
       {"lacks", "'close' (double)"}},
  };
  for (const ConcatMismatchCase& test_case : cases) {
    SCOPED_TRACE(test_case.label);
    const Error error = error_from([&] {
      Table::concat(std::vector<Table>{base, test_case.other});
    });
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    std::vector<std::string> mentions = test_case.mentions;
    mentions.push_back("table 1");
    expect_mentions(error, mentions);
  }
}

// ---------------------------------------------------------------- Table: sort and code index

TEST(TableTest, SortByCodeDateOrdersCodesAsStrings) {
  const Table sorted = sample_prices().sort_by_code_date();
  // Bytewise: '1' '3' '0' then '1' < 'A', so "13010" < "130A0" < "86970".
  const Table expected({
      Column::of<std::string>("code", {"13010", "130A0", "130A0", "86970", "86970"}),
      Column::of<Date>("date", {day(5), day(1), day(2), day(1), day(3)}),
      Column::of<double>("close", {5.0, kNaN, 2.0, 1.0, 3.0}),
      Column::of_optional<int64_t>("volume", {50, 15, std::nullopt, 10, 30}),
  });
  EXPECT_EQ(sorted.first_difference(expected), std::nullopt) << sorted.to_string();
  ASSERT_TRUE(sorted.is_sorted_by_code_date());
  const std::vector<CodeRange> ranges = {{"13010", {0, 1}}, {"130A0", {1, 3}}, {"86970", {3, 5}}};
  EXPECT_EQ(sorted.code_ranges(), ranges);
}

TEST(TableTest, SortIsStable) {
  // Equal (code, date) keys keep their input order, told apart by `arrival`.
  const Table table({
      Column::of<std::string>("code", {"72030", "67580", "72030", "67580", "72030", "72030"}),
      Column::of<Date>("date", {day(2), day(1), day(1), day(1), day(2), day(1)}),
      Column::of<int32_t>("arrival", {0, 1, 2, 3, 4, 5}),
  });
  const Table sorted = table.sort_by_code_date();
  EXPECT_EQ(sorted.column("arrival").as<int32_t>(), (std::vector<int32_t>{1, 3, 2, 5, 0, 4}));
}

TEST(TableTest, SortedInputIsOnlyIndexed) {
  Table table({
      Column::of<std::string>("code", {"13010", "13010", "86970"}),
      Column::of<Date>("date", {day(1), day(2), day(1)}),
  });
  const Table copy = table.sort_by_code_date();
  const Table moved = std::move(table).sort_by_code_date();
  EXPECT_EQ(copy.first_difference(moved), std::nullopt);
  EXPECT_EQ(moved.rows_of("86970"), (RowRange{2, 3}));
}

TEST(TableTest, RowsOfFindsEachCode) {
  const Table sorted = sample_prices().sort_by_code_date();
  EXPECT_EQ(sorted.rows_of("130A0"), (RowRange{1, 3}));
  EXPECT_EQ(sorted.rows_of("86970"), (RowRange{3, 5}));
  // An absent code gets an empty range where it would sort.
  EXPECT_EQ(sorted.rows_of("13050"), (RowRange{1, 1}));
  EXPECT_EQ(sorted.rows_of("99990"), (RowRange{5, 5}));
  EXPECT_TRUE(sorted.rows_of("00000").empty());
}

TEST(TableTest, CodeIndexOfUnsortedTableIsAnError) {
  const Table table = sample_prices();
  for (const auto& ask : std::vector<std::function<void()>>{[&] { table.code_ranges(); },
                                                            [&] { table.rows_of("86970"); }}) {
    const Error error = error_from(ask);
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    expect_mentions(error, {"not sorted", "sort_by_code_date"});
  }
}

TEST(TableTest, OperationsKeepOrDropSortedness) {
  const Table sorted = sample_prices().sort_by_code_date();
  EXPECT_FALSE(sorted.take(std::vector<size_t>{0, 1}).is_sorted_by_code_date());
  EXPECT_FALSE(Table::concat(std::vector<Table>{sorted}).is_sorted_by_code_date());
  EXPECT_FALSE(sorted.select({"code", "close"}).is_sorted_by_code_date());
  EXPECT_EQ(sorted.select({"date", "code"}).code_ranges(), sorted.code_ranges());

  Table with_feature = sorted;
  with_feature.add_column(Column::of<float>("ret", {1, 2, 3, 4, 5}));
  EXPECT_TRUE(with_feature.is_sorted_by_code_date());
  with_feature.replace_column(Column::of<Date>("date", {day(9), day(1), day(1), day(1), day(1)}));
  EXPECT_FALSE(with_feature.is_sorted_by_code_date());

  // A slice is still sorted; its ranges are clipped and shifted.
  const Table middle = sorted.slice(2, 4);
  ASSERT_TRUE(middle.is_sorted_by_code_date());
  const std::vector<CodeRange> ranges = {{"130A0", {0, 1}}, {"86970", {1, 2}}};
  EXPECT_EQ(middle.code_ranges(), ranges);
}

TEST(TableTest, SortNeedsCodeAndDateKeys) {
  const Table no_code({Column::of<Date>("date", {day(1)})});
  EXPECT_EQ(error_from([&] { no_code.sort_by_code_date(); }).category(), ErrorCategory::kNotFound);

  const Table integer_code(
      {Column::of<int32_t>("code", {86970}), Column::of<Date>("date", {day(1)})});
  const Error integer = error_from([&] { integer_code.sort_by_code_date(); });
  EXPECT_EQ(integer.category(), ErrorCategory::kInvalidInput);
  expect_mentions(integer, {"'code' (int32)", "string"});

  const Table int_date(
      {Column::of<std::string>("code", {"86970"}), Column::of<int32_t>("date", {1})});
  expect_mentions(error_from([&] { int_date.sort_by_code_date(); }), {"'date' (int32)"});

  const Table null_code({Column::of_optional<std::string>("code", {"86970", std::nullopt}),
                         Column::of<Date>("date", {day(1), day(2)})});
  expect_mentions(error_from([&] { null_code.sort_by_code_date(); }), {"'code'", "1 null"});
}

TEST(TableTest, EmptyTables) {
  const Table nothing;
  EXPECT_EQ(nothing.num_rows(), 0u);
  EXPECT_EQ(nothing.num_columns(), 0u);
  EXPECT_TRUE(nothing.schema().empty());
  EXPECT_TRUE(nothing.equals(Table()));
  EXPECT_EQ(nothing.slice(0, 0).num_rows(), 0u);

  const Table empty_prices({Column("code", ColumnType::kString), Column("date", ColumnType::kDate),
                            Column("close", ColumnType::kDouble)});
  EXPECT_EQ(empty_prices.num_rows(), 0u);
  const Table sorted = empty_prices.sort_by_code_date();
  EXPECT_TRUE(sorted.is_sorted_by_code_date());
  EXPECT_TRUE(sorted.code_ranges().empty());
  EXPECT_TRUE(sorted.rows_of("86970").empty());
  EXPECT_EQ(Table::concat(std::vector<Table>{empty_prices, empty_prices}).num_rows(), 0u);
  EXPECT_FALSE(empty_prices.equals(nothing));
}

TEST(TableTest, EqualsTreatsNaNAsEqual) {
  EXPECT_TRUE(sample_prices().equals(sample_prices()));

  const Table a({Column::of<double>("close", {1.0, kNaN}), Column::of<float>("f", {NAN, 1.0f})});
  const Table b({Column::of<double>("close", {1.0, kNaN}), Column::of<float>("f", {NAN, 1.0f})});
  EXPECT_TRUE(a.equals(b));

  const Table c({Column::of<double>("close", {1.0, 2.0}), Column::of<float>("f", {NAN, 1.0f})});
  EXPECT_FALSE(a.equals(c));
  const std::optional<std::string> difference = a.first_difference(c);
  ASSERT_TRUE(difference.has_value());
  EXPECT_NE(difference->find("'close' row 1"), std::string::npos) << *difference;

  const Table reordered(
      {Column::of<float>("f", {NAN, 1.0f}), Column::of<double>("close", {1.0, kNaN})});
  EXPECT_FALSE(a.equals(reordered));
}

// ---------------------------------------------------------------- Table: a large shuffled sort

TEST(TableTest, SortsTwoHundredThousandShuffledRows) {
  constexpr int kCodes = 400;
  constexpr int kDays = 500;
  // Codes mix digits and letters, like "130A0"; the payload encodes (code, day) so the gather
  // of a non-key column can be checked too.
  std::vector<std::string> code_names;
  for (int c = 0; c < kCodes; ++c) {
    code_names.push_back(
        fmt::format("{}{}{:02d}0", 1 + c % 9, "0123456789ABCDEFGHJK"[c % 20], c / 20));
  }
  std::vector<std::pair<int, int>> keys;
  for (int c = 0; c < kCodes; ++c) {
    for (int d = 0; d < kDays; ++d) keys.emplace_back(c, d);
  }
  std::mt19937 rng(20260922);
  std::shuffle(keys.begin(), keys.end(), rng);

  Column code("code", ColumnType::kString);
  Column date("date", ColumnType::kDate);
  Column payload("payload", ColumnType::kInt64);
  for (const auto& [c, d] : keys) {
    code.append(code_names[c]);
    date.append(Date::from_ymd(2016, 1, 1) + d);
    payload.append(int64_t{c} * kDays + d);
  }
  const Table sorted =
      Table({std::move(code), std::move(date), std::move(payload)}).sort_by_code_date();

  ASSERT_EQ(sorted.num_rows(), static_cast<size_t>(kCodes * kDays));
  const auto& codes = sorted.column("code").as<std::string>();
  const auto& dates = sorted.column("date").as<Date>();
  const auto& payloads = sorted.column("payload").as<int64_t>();
  for (size_t row = 1; row < codes.size(); ++row) {
    const bool ordered = codes[row - 1] < codes[row] ||
                         (codes[row - 1] == codes[row] && dates[row - 1] < dates[row]);
    ASSERT_TRUE(ordered) << "rows " << row - 1 << " and " << row << " are out of order";
  }
  std::map<std::string, int64_t> index_of_code;
  for (int c = 0; c < kCodes; ++c) index_of_code[code_names[c]] = c;
  for (size_t row = 0; row < codes.size(); ++row) {
    const int64_t d = dates[row] - Date::from_ymd(2016, 1, 1);
    ASSERT_EQ(payloads[row], index_of_code.at(codes[row]) * kDays + d) << "row " << row;
  }
  const std::vector<CodeRange>& ranges = sorted.code_ranges();
  ASSERT_EQ(ranges.size(), static_cast<size_t>(kCodes));
  for (const CodeRange& range : ranges) {
    EXPECT_EQ(range.rows.size(), static_cast<size_t>(kDays)) << range.code;
    EXPECT_EQ(sorted.rows_of(range.code), range.rows);
  }
}

}  // namespace
}  // namespace gogooku3
