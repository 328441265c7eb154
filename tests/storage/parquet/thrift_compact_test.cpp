#include "storage/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {
namespace {

TEST(ParquetThriftTest, ScalarsRoundTrip) {
  CompactWriter w;
  w.begin_struct();
  w.write_bool(1, true);
  w.write_bool(2, false);
  w.write_i8(3, -5);
  w.write_i16(4, -300);
  w.write_i32(5, -123456789);
  w.write_i64(20, std::numeric_limits<std::int64_t>::min());  // long delta: explicit id
  w.write_binary(21, std::string("a\0b", 3));
  w.begin_list_field(22, ThriftType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.write_i32_element(i - 10);
  w.end_struct();

  CompactReader r(w.bytes(), "test");
  r.begin_struct();
  auto f = r.next_field();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, 1);
  EXPECT_TRUE(r.read_bool(*f));
  f = r.next_field();
  EXPECT_FALSE(r.read_bool(*f));
  f = r.next_field();
  EXPECT_EQ(r.read_i8(*f), -5);
  f = r.next_field();
  EXPECT_EQ(r.read_i16(*f), -300);
  f = r.next_field();
  EXPECT_EQ(r.read_i32(*f), -123456789);
  f = r.next_field();
  EXPECT_EQ(f->id, 20);
  EXPECT_EQ(r.read_i64(*f), std::numeric_limits<std::int64_t>::min());
  f = r.next_field();
  EXPECT_EQ(r.read_binary(*f), std::string("a\0b", 3));
  f = r.next_field();
  const ThriftListHeader list = r.read_list_header(*f);
  ASSERT_EQ(list.size, 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(r.read_i32_element(list.element_type), i - 10);
  EXPECT_FALSE(r.next_field());
  r.end_struct();
  EXPECT_EQ(r.position(), w.bytes().size());
}

TEST(ParquetThriftTest, KnownBytes) {
  // Field 1 i32 value 1: header 0x15 (delta 1, type 5), zigzag(1) = 2; then stop.
  CompactWriter w;
  w.begin_struct();
  w.write_i32(1, 1);
  w.end_struct();
  EXPECT_EQ(w.bytes(), std::string("\x15\x02\x00", 3));
}

TEST(ParquetThriftTest, SkipsUnknownFieldsOfEveryType) {
  CompactWriter w;
  w.begin_struct();
  w.write_i32(1, 7);
  w.write_bool(2, true);
  w.write_i64(3, 99);
  w.write_binary(4, "zzz");
  w.begin_list_field(5, ThriftType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.begin_struct();
    w.write_i32(1, i);
    w.begin_struct_field(2);
    w.write_binary(1, "nested");
    w.end_struct();
    w.end_struct();
  }
  w.begin_struct_field(6);
  w.write_i16(1, 3);
  w.end_struct();
  std::string bytes = w.bytes();
  // A map<i32,binary> field 7 with one entry, and a double field 8, by hand.
  bytes += '\x1b';  // delta 1, type map (11)
  bytes += '\x01';  // one entry
  bytes += '\x58';  // key i32, value binary
  bytes += '\x02';  // key 1
  bytes += "\x01x";
  bytes += '\x17';  // delta 1, type double
  bytes += std::string(8, '\0');
  bytes += std::string("\x15\x04", 2);  // field 9 i32 = 2
  bytes += '\0';

  CompactReader r(bytes, "test");
  r.begin_struct();
  std::int32_t first = 0;
  std::int32_t last = 0;
  while (auto f = r.next_field()) {
    if (f->id == 1) {
      first = r.read_i32(*f);
    } else if (f->id == 9) {
      last = r.read_i32(*f);
    } else {
      r.skip(f->type);
    }
  }
  r.end_struct();
  EXPECT_EQ(first, 7);
  EXPECT_EQ(last, 2);
  EXPECT_EQ(r.position(), bytes.size());
}

void expect_corruption(std::string_view bytes) {
  CompactReader r(bytes, "ctx-name");
  try {
    r.skip(ThriftType::kStruct);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kCorruption);
    EXPECT_NE(std::string(e.what()).find("ctx-name"), std::string::npos);
  }
}

TEST(ParquetThriftTest, RejectsMalformedInput) {
  expect_corruption("");                                      // truncated
  expect_corruption("\x18\x7f");                              // binary longer than data
  expect_corruption(std::string("\x19\xf5\xff\xff\x0f", 5));  // list of 2^28 i32s
  expect_corruption("\x1d");                                  // unknown type 13
  expect_corruption(std::string(100, '\x1c'));                // structs nested 100 deep
  expect_corruption(std::string("\x16\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12));
}

TEST(ParquetThriftTest, FileMetaDataRoundTripsAndSkipsUnknownFields) {
  FileMetaData m;
  m.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement leaf;
  leaf.name = "ts";
  leaf.type = PhysicalType::kInt64;
  leaf.repetition = Repetition::kOptional;
  leaf.converted_type = converted_type::kTimestampMicros;
  LogicalTypeAnnotation t;
  t.kind = LogicalTypeAnnotation::Kind::kTimestamp;
  t.unit = TimeUnit::kMicros;
  leaf.logical_type = t;
  m.schema = {root, leaf};
  m.num_rows = 3;
  RowGroup rg;
  rg.num_rows = 3;
  rg.total_byte_size = 100;
  ColumnChunk cc;
  ColumnMetaData md;
  md.type = PhysicalType::kInt64;
  md.encodings = {Encoding::kPlain, Encoding::kRle};
  md.path_in_schema = {"ts"};
  md.codec = CompressionCodec::kZstd;
  md.num_values = 3;
  md.total_compressed_size = 50;
  md.total_uncompressed_size = 60;
  md.data_page_offset = 4;
  Statistics st;
  st.null_count = 1;
  st.min_value = "abc";
  st.max_value = "xyz";
  md.statistics = st;
  cc.meta_data = md;
  rg.columns = {cc};
  m.row_groups = {rg};
  m.key_value_metadata = {{"k", "v"}, {"empty", std::nullopt}};
  m.created_by = "me";
  m.column_orders = {1};
  std::string bytes = encode_file_metadata(m);
  // Append an unknown field 99 (a struct holding a list) before the stop byte.
  bytes.pop_back();
  bytes += std::string("\x0c\xc6\x01", 3);          // type struct, id zigzag(99)=198
  bytes += std::string("\x19\x25\x02\x04\x00", 5);  // field 1: list<i32> {1, 2}; stop
  bytes += '\0';

  const FileMetaData d = decode_file_metadata(bytes, "f");
  ASSERT_EQ(d.schema.size(), 2u);
  EXPECT_EQ(d.schema[1].name, "ts");
  ASSERT_TRUE(d.schema[1].logical_type);
  EXPECT_EQ(d.schema[1].logical_type->kind, LogicalTypeAnnotation::Kind::kTimestamp);
  EXPECT_EQ(d.schema[1].logical_type->unit, TimeUnit::kMicros);
  EXPECT_TRUE(d.schema[1].logical_type->adjusted_to_utc);
  ASSERT_EQ(d.row_groups.size(), 1u);
  const ColumnMetaData& dm = *d.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(dm.codec, CompressionCodec::kZstd);
  EXPECT_EQ(dm.statistics->min_value, "abc");
  EXPECT_EQ(dm.statistics->null_count, 1);
  EXPECT_EQ(d.key_value_metadata.size(), 2u);
  EXPECT_FALSE(d.key_value_metadata[1].value);
  EXPECT_EQ(d.created_by, "me");
  EXPECT_EQ(d.column_orders, std::vector<std::int32_t>{1});
}

TEST(ParquetThriftTest, MissingRequiredFieldIsCorruption) {
  CompactWriter w;
  w.begin_struct();
  w.write_i32(1, 2);
  w.end_struct();
  EXPECT_THROW(decode_file_metadata(w.bytes(), "f"), Error);
}

TEST(ParquetThriftTest, PageHeaderRoundTrip) {
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = 10;
  h.compressed_page_size = 8;
  DataPageHeaderV2 v2;
  v2.num_values = 5;
  v2.num_nulls = 1;
  v2.num_rows = 5;
  v2.encoding = Encoding::kRleDictionary;
  v2.definition_levels_byte_length = 2;
  v2.is_compressed = false;
  h.data_page_header_v2 = v2;
  const std::string bytes = encode_page_header(h) + "trailing";
  std::size_t consumed = 0;
  const PageHeader d = decode_page_header(bytes, "p", &consumed);
  EXPECT_EQ(consumed, bytes.size() - 8);
  ASSERT_TRUE(d.data_page_header_v2);
  EXPECT_EQ(d.data_page_header_v2->num_nulls, 1);
  EXPECT_FALSE(d.data_page_header_v2->is_compressed);
  EXPECT_EQ(d.data_page_header_v2->encoding, Encoding::kRleDictionary);
}

}  // namespace
}  // namespace gogooku3::storage::parquet
