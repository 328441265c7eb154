#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>

#include "core/error.h"
#include "parquet_test_util.h"

namespace gogooku3::storage::parquet {
namespace {

using testing::open_bytes;
using testing::write_to_bytes;

enum class Mode { kPlain, kDictionary, kFallback };

// One column of each type, `rows` long; with_nulls puts a null in about one row in five.
Table make_table(std::size_t rows, bool with_nulls, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Column i32("i32", ColumnType::kInt32), i64("i64", ColumnType::kInt64),
      f32("f32", ColumnType::kFloat), f64("f64", ColumnType::kDouble),
      str("str", ColumnType::kString), date("date", ColumnType::kDate);
  auto is_null = [&] { return with_nulls && rng() % 5 == 0; };
  for (std::size_t r = 0; r < rows; ++r) {
    // Values repeat (so dictionaries help) but spread widely (so fallback triggers).
    const auto k = static_cast<std::int32_t>(rng() % 200);
    if (is_null())
      i32.append_null();
    else
      i32.append(static_cast<std::int32_t>(k * 1000003 - 7));
    if (is_null())
      i64.append_null();
    else
      i64.append(static_cast<std::int64_t>(std::int64_t{k} * -123456789012LL));
    f32.append(is_null() ? NAN : static_cast<float>(k) / 3.0f - 10.0f);
    f64.append(is_null() ? NAN : (k == 0 ? -0.0 : k * 1.5e-300));
    if (is_null()) {
      str.append_null();
    } else {
      str.append(k % 7 == 0 ? std::string()
                            : "コード" + std::to_string(k) + std::string(k % 13, 'x'));
    }
    if (is_null())
      date.append_null();
    else
      date.append(Date(19000 + k));
  }
  return Table({i32, i64, f32, f64, str, date});
}

using Combo = std::tuple<Mode, Compression, bool /*v2*/, bool /*nulls*/>;

class ParquetRoundTripTest : public ::testing::TestWithParam<Combo> {};

TEST_P(ParquetRoundTripTest, EveryTypeRoundTrips) {
  const auto [mode, compression, v2, nulls] = GetParam();
  const Table table = make_table(1000, nulls, 7);
  WriterOptions options;
  options.compression = compression;
  options.data_page_v2 = v2;
  options.row_group_rows = 300;  // 4 row groups, the last short
  options.page_bytes = 512;      // several pages per chunk
  options.dictionary = mode != Mode::kPlain;
  if (mode == Mode::kFallback) options.dictionary_max_bytes = 200;
  if (!nulls) options.required_columns = {"i32", "i64", "f32", "f64", "str", "date"};
  const std::string bytes = write_to_bytes(table, options);
  const Reader reader = open_bytes(bytes);
  EXPECT_EQ(reader.num_rows(), 1000);
  EXPECT_EQ(reader.num_row_groups(), 4);
  const Table back = reader.read();
  EXPECT_TRUE(back.equals(table)) << back.first_difference(table).value_or("");
  for (const ColumnInfo& c : reader.columns()) EXPECT_EQ(c.required, !nulls) << c.name;
  // Row groups read one at a time give the same rows.
  std::vector<Table> parts;
  for (int g = 0; g < reader.num_row_groups(); ++g) parts.push_back(reader.read_row_group(g));
  EXPECT_TRUE(Table::concat(parts).equals(table));
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, ParquetRoundTripTest,
    ::testing::Combine(::testing::Values(Mode::kPlain, Mode::kDictionary, Mode::kFallback),
                       ::testing::Values(Compression::kUncompressed, Compression::kSnappy,
                                         Compression::kZstd),
                       ::testing::Bool(), ::testing::Bool()));

TEST(ParquetWriterTest, EmptyTableRoundTrips) {
  const Table empty = make_table(0, true, 1);
  const Reader reader = open_bytes(write_to_bytes(empty));
  EXPECT_EQ(reader.num_rows(), 0);
  EXPECT_EQ(reader.num_row_groups(), 0);
  const Table back = reader.read();
  EXPECT_TRUE(back.equals(empty)) << back.to_string();
}

TEST(ParquetWriterTest, AllNullColumnAndSingleValueDictionary) {
  Table table({Column::of_optional<std::int32_t>("a", {std::nullopt, std::nullopt}),
               Column::of<std::string>("b", {"same", "same"}),
               Column::of<double>("c", {NAN, NAN})});
  for (bool v2 : {false, true}) {
    WriterOptions options;
    options.data_page_v2 = v2;
    const Reader reader = open_bytes(write_to_bytes(table, options));
    EXPECT_TRUE(reader.read().equals(table));
    EXPECT_EQ(reader.row_group(0).columns[0].null_count, 2);
    EXPECT_FALSE(reader.row_group(0).columns[0].min_text);
  }
}

TEST(ParquetWriterTest, LogicalTypesAreWrittenAndReported) {
  Table table({Column::of<std::int64_t>("ms", {1700000000000LL}),
               Column::of<std::int64_t>("us", {1700000000000000LL}),
               Column::of<std::int32_t>("i8", {-128}), Column::of<std::int32_t>("i16", {32767}),
               Column::of<std::int32_t>("plain", {5}), Column::of<std::string>("s", {"x"}),
               Column::of<Date>("date", {Date(1)})});
  WriterOptions options;
  options.logical_types = {{"ms", LogicalType::kTimestampMillis},
                           {"us", LogicalType::kTimestampMicros},
                           {"i8", LogicalType::kInt8},
                           {"i16", LogicalType::kInt16},
                           {"plain", LogicalType::kNone}};
  const Reader reader = open_bytes(write_to_bytes(table, options));
  const std::vector<LogicalType> expected{LogicalType::kTimestampMillis,
                                          LogicalType::kTimestampMicros,
                                          LogicalType::kInt8,
                                          LogicalType::kInt16,
                                          LogicalType::kNone,
                                          LogicalType::kString,
                                          LogicalType::kDate};
  ASSERT_EQ(reader.columns().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(reader.columns()[i].logical, expected[i]) << reader.columns()[i].name;
  }
  EXPECT_TRUE(reader.read().equals(table));

  Table bad({Column::of<std::int32_t>("i8", {300})});
  WriterOptions bad_options;
  bad_options.logical_types = {{"i8", LogicalType::kInt8}};
  EXPECT_THROW(write_to_bytes(bad, bad_options), Error);
  bad_options.logical_types = {{"i8", LogicalType::kTimestampMillis}};
  EXPECT_THROW(write_to_bytes(bad, bad_options), Error);
}

TEST(ParquetWriterTest, RequiredColumnWithNullIsInvalidInput) {
  Table table({Column::of<double>("x", {1.0, NAN})});
  WriterOptions options;
  options.required_columns = {"x"};
  try {
    write_to_bytes(table, options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos);
  }
}

TEST(ParquetWriterTest, StreamsSeveralWritesIntoRowGroups) {
  const Table table = make_table(250, true, 3);
  auto result = std::make_shared<testing::MemorySink::Result>();
  WriterOptions options;
  options.row_group_rows = 100;
  Writer writer(std::make_unique<testing::MemorySink>("m", result), table.schema(), options);
  writer.write(table.slice(0, 30));
  writer.write(table.slice(30, 250));
  writer.write(table.slice(250, 250));
  EXPECT_THROW(writer.write(Table({Column::of<std::int32_t>("other", {1})})), Error);
  writer.close();
  const Reader reader = open_bytes(result->bytes);
  EXPECT_EQ(reader.num_row_groups(), 3);
  EXPECT_EQ(reader.row_group(2).num_rows, 50);
  EXPECT_TRUE(reader.read().equals(table));
}

TEST(ParquetWriterTest, WriterWithoutCloseLeavesNoFile) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("gogooku3_parquet_test_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::filesystem::path path = dir / "x.parquet";
  const Table table = make_table(10, true, 1);
  {
    Writer writer(create_local_file(path), table.schema());
    writer.write(table);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  if (std::filesystem::exists(dir)) {
    EXPECT_TRUE(std::filesystem::is_empty(dir));
  }
  write_table(table, create_local_file(path));
  EXPECT_TRUE(open_file(path).read().equals(table));
  std::filesystem::remove_all(dir);
}

TEST(ParquetWriterTest, CompressionNames) {
  for (Compression c : {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    EXPECT_EQ(parse_compression(compression_name(c)), c);
  }
  try {
    parse_compression("gzip");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("zstd"), std::string::npos);
  }
}

}  // namespace
}  // namespace gogooku3::storage::parquet

namespace gogooku3::storage::parquet {
namespace {

Table doubles(size_t rows, size_t distinct) {
  std::vector<double> values;
  for (size_t i = 0; i < rows; ++i) values.push_back(static_cast<double>(i % distinct) * 0.37);
  return Table({Column::of<double>("x", std::move(values))});
}

// A dictionary for mostly distinct values costs time and bytes: the probe turns it off, so the
// file is exactly what dictionary = false writes; repetitive values keep their dictionary.
TEST(ParquetWriterTest, DictionaryProbeSkipsHighCardinalityChunks) {
  WriterOptions plain;
  plain.dictionary = false;
  const Table distinct = doubles(20'000, 20'000);
  EXPECT_EQ(write_to_bytes(distinct), write_to_bytes(distinct, plain));

  // Uncompressed, so that the sizes compare the encodings alone.
  WriterOptions raw;
  raw.compression = Compression::kUncompressed;
  WriterOptions raw_plain = raw;
  raw_plain.dictionary = false;
  const Table repetitive = doubles(20'000, 50);
  const std::string with_dictionary = write_to_bytes(repetitive, raw);
  EXPECT_LT(with_dictionary.size(), write_to_bytes(repetitive, raw_plain).size() / 4);
  EXPECT_EQ(open_bytes(with_dictionary).read().first_difference(repetitive), std::nullopt);

  WriterOptions always;
  always.dictionary_max_distinct_ratio = 1.0;
  const std::string forced = write_to_bytes(distinct, always);
  EXPECT_NE(forced, write_to_bytes(distinct, plain));
  EXPECT_EQ(open_bytes(forced).read().first_difference(distinct), std::nullopt);
}

}  // namespace
}  // namespace gogooku3::storage::parquet
