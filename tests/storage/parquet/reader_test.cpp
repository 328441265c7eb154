#include "storage/parquet/reader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "parquet_test_util.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {
namespace {

using testing::open_bytes;
using testing::write_to_bytes;

// Codes 1000..1009 x 20 days, sorted by (code, date); 50 rows per row group, so each row group
// spans 2.5 codes and all 20 days.
Table bars() {
  Column code("code", ColumnType::kString), date("date", ColumnType::kDate),
      close("close", ColumnType::kDouble);
  for (int c = 0; c < 10; ++c) {
    for (int d = 0; d < 20; ++d) {
      code.append(std::to_string(1000 + c) + "0");
      date.append(Date::from_ymd(2024, 1, 1) + d);
      close.append(c * 100.0 + d);
    }
  }
  return Table({code, date, close});
}

WriterOptions small_groups() {
  WriterOptions options;
  options.row_group_rows = 50;
  options.key_value_metadata = {{"schema_version", "3"}, {"asset", "bars_daily"}};
  return options;
}

TEST(ParquetReaderTest, FooterFacts) {
  const Reader reader = open_bytes(write_to_bytes(bars(), small_groups()));
  EXPECT_EQ(reader.num_rows(), 200);
  EXPECT_EQ(reader.num_row_groups(), 4);
  EXPECT_EQ(reader.created_by().rfind("gogooku3 version ", 0), 0u);
  EXPECT_EQ(reader.key_value_metadata(), (std::vector<std::pair<std::string, std::string>>{
                                             {"schema_version", "3"}, {"asset", "bars_daily"}}));
  ASSERT_EQ(reader.columns().size(), 3u);
  EXPECT_EQ(reader.columns()[0],
            (ColumnInfo{"code", ColumnType::kString, LogicalType::kString, false}));
  EXPECT_EQ(reader.columns()[1].logical, LogicalType::kDate);
  const RowGroupInfo& g1 = reader.row_group(1);
  EXPECT_EQ(g1.num_rows, 50);
  EXPECT_GT(g1.total_byte_size, 0);
  EXPECT_EQ(g1.columns[0].min_text, "10020");
  EXPECT_EQ(g1.columns[0].max_text, "10040");
  EXPECT_EQ(g1.columns[1].min_text, "2024-01-01");
  EXPECT_EQ(g1.columns[1].max_text, "2024-01-20");
  EXPECT_EQ(g1.columns[2].min_text, "210");
  EXPECT_EQ(g1.columns[2].null_count, 0);
  EXPECT_THROW(reader.row_group(4), Error);
}

TEST(ParquetReaderTest, ProjectionKeepsRequestedOrder) {
  const Reader reader = open_bytes(write_to_bytes(bars(), small_groups()));
  ReadOptions projected;
  projected.columns = {"close", "code"};
  const Table t = reader.read(projected);
  EXPECT_TRUE(t.equals(bars().select({"close", "code"})));
  try {
    ReadOptions missing;
    missing.columns = {"nope"};
    reader.read(missing);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find("test.parquet"), std::string::npos);
  }
  EXPECT_THROW(reader.read_row_group(0, {"code", "code"}), Error);
}

TEST(ParquetReaderTest, SkipsRowGroupsByStatisticsAndFiltersRows) {
  const Table all = bars();
  const Reader reader = open_bytes(write_to_bytes(all, small_groups()));
  ReadOptions by_code;
  by_code.codes = std::vector<std::string>{"10050", "10060"};
  EXPECT_EQ(reader.row_groups_matching(by_code), (std::vector<int>{2}));
  const Table t = reader.read(by_code);
  ASSERT_EQ(t.num_rows(), 40u);
  EXPECT_TRUE(t.equals(all.slice(100, 140)));

  ReadOptions none;
  none.codes = std::vector<std::string>{"99999"};
  EXPECT_TRUE(reader.row_groups_matching(none).empty());
  EXPECT_EQ(reader.read(none).num_rows(), 0u);
  EXPECT_EQ(reader.read(none).num_columns(), 3u);

  ReadOptions by_date;
  by_date.date_from = Date::from_ymd(2024, 1, 5);
  by_date.date_to = Date::from_ymd(2024, 1, 6);
  by_date.columns = {"close"};
  const Table d = reader.read(by_date);
  ASSERT_EQ(d.num_rows(), 20u);
  EXPECT_EQ(d.num_columns(), 1u);
  EXPECT_EQ(d.column("close").as<double>()[0], 4.0);

  ReadOptions out_of_range;
  out_of_range.date_from = Date::from_ymd(2025, 1, 1);
  EXPECT_TRUE(reader.row_groups_matching(out_of_range).empty());

  ReadOptions both = by_code;
  both.date_to = Date::from_ymd(2024, 1, 2);
  EXPECT_EQ(reader.read(both).num_rows(), 4u);
}

TEST(ParquetReaderTest, PredicateOnMissingColumnIsAnError) {
  const Reader reader = open_bytes(write_to_bytes(Table({Column::of<std::int32_t>("x", {1, 2})})));
  ReadOptions options;
  options.codes = std::vector<std::string>{"1"};
  EXPECT_THROW(reader.read(options), Error);
}

// A one-column footer whose leaf is `leaf`, over no data, to test the schema mapping.
std::string file_with_leaf(const SchemaElement& leaf) {
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  m.schema = {root, leaf};
  const std::string footer = encode_file_metadata(m);
  std::string bytes = "PAR1" + footer;
  const auto n = static_cast<std::uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return bytes + "PAR1";
}

TEST(ParquetReaderTest, UnsupportedTypesAreInvalidInputNamingFileAndColumn) {
  SchemaElement leaf;
  leaf.name = "flag";
  leaf.repetition = Repetition::kOptional;
  for (PhysicalType type :
       {PhysicalType::kBoolean, PhysicalType::kInt96, PhysicalType::kFixedLenByteArray}) {
    leaf.type = type;
    try {
      open_bytes(file_with_leaf(leaf), "odd.parquet");
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
      const std::string message = e.what();
      EXPECT_NE(message.find("odd.parquet"), std::string::npos) << message;
      EXPECT_NE(message.find("flag"), std::string::npos) << message;
      EXPECT_NE(message.find("unsupported"), std::string::npos) << message;
    }
  }
  leaf.type = PhysicalType::kInt32;
  leaf.repetition = Repetition::kRepeated;
  EXPECT_THROW(open_bytes(file_with_leaf(leaf)), Error);
  leaf.repetition = Repetition::kOptional;
  leaf.converted_type = 11;  // UINT_8
  EXPECT_THROW(open_bytes(file_with_leaf(leaf)), Error);
  leaf.converted_type.reset();
  EXPECT_EQ(open_bytes(file_with_leaf(leaf)).columns()[0].type, ColumnType::kInt32);
  leaf.type = PhysicalType::kByteArray;
  const Reader un_annotated = open_bytes(file_with_leaf(leaf));
  EXPECT_EQ(un_annotated.columns()[0].type, ColumnType::kString);
  EXPECT_EQ(un_annotated.columns()[0].logical, LogicalType::kNone);
}

}  // namespace
}  // namespace gogooku3::storage::parquet

namespace gogooku3::storage::parquet {
namespace {

// Enough incompressible data (8 MiB of doubles in 4 row groups) that read() decodes on
// several threads; the result must not depend on how many.
Table noise(std::size_t rows) {
  std::vector<double> a(rows), b(rows);
  std::vector<std::string> codes(rows);
  std::uint64_t state = 12345;
  for (std::size_t i = 0; i < rows; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    a[i] = static_cast<double>(state >> 11) / 9007199254740992.0;
    b[i] = static_cast<double>(state % 1000003);
    codes[i] = std::to_string(1000 + i % 4000) + "0";
  }
  return Table({Column::of<std::string>("code", std::move(codes)),
                Column::of<double>("a", std::move(a)), Column::of<double>("b", std::move(b))});
}

TEST(ParquetParallelReadTest, ManyThreadsReadWhatOneThreadReads) {
  const Table table = noise(500'000);
  WriterOptions options;
  options.row_group_rows = 125'000;
  options.compression = Compression::kUncompressed;
  const Reader reader = testing::open_bytes(testing::write_to_bytes(table, options));
  ASSERT_EQ(reader.num_row_groups(), 4);
  ReadOptions one;
  one.threads = 1;
  for (const unsigned threads : {2u, 3u, 8u}) {
    ReadOptions many;
    many.threads = threads;
    const Table parallel = reader.read(many);
    EXPECT_TRUE(parallel.equals(table))
        << threads << ": " << parallel.first_difference(table).value_or("");
    many.columns = {"b", "code"};
    many.codes = std::vector<std::string>{"10070", "49990"};
    one.columns = many.columns;
    one.codes = many.codes;
    const Table filtered = reader.read(many);
    EXPECT_EQ(filtered.num_rows(), 250u);
    EXPECT_TRUE(filtered.equals(reader.read(one))) << threads;
    EXPECT_TRUE(
        reader.read_row_group(2, {"a"}, threads).equals(reader.read_row_group(2, {"a"}, 1)));
  }
}

TEST(ParquetParallelReadTest, AFailureOnAWorkerThreadReachesTheCaller) {
  const Table table = noise(500'000);
  WriterOptions options;
  options.row_group_rows = 125'000;
  options.compression = Compression::kUncompressed;
  std::string bytes = testing::write_to_bytes(table, options);
  // Damage the page header of the last row group's "b" chunk: decoded by some worker thread.
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, bytes.data() + bytes.size() - 8, 4);
  const FileMetaData metadata = decode_file_metadata(
      std::string_view(bytes).substr(bytes.size() - 8 - footer_length, footer_length), "test");
  const auto page =
      static_cast<std::size_t>(metadata.row_groups[3].columns[2].meta_data->data_page_offset);
  bytes[page] = '\xff';
  bytes[page + 1] = '\xff';
  bytes[page + 2] = '\xff';
  const Reader damaged = testing::open_bytes(bytes, "damaged.parquet");
  ReadOptions many;
  many.threads = 4;
  try {
    damaged.read(many);
    FAIL() << "the damaged chunk must be reported";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kCorruption);
    EXPECT_NE(std::string(e.what()).find("damaged.parquet: row group 3, column 'b'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gogooku3::storage::parquet
