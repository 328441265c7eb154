#include "storage/parquet/file_metadata.h"

#include "core/error.h"
#include "storage/parquet/thrift_compact.h"

namespace gogooku3::storage::parquet {
namespace {

// ---- encoding ----

void write_statistics(CompactWriter& w, std::int16_t id, const Statistics& s) {
  w.begin_struct_field(id);
  if (s.max) w.write_binary(1, *s.max);
  if (s.min) w.write_binary(2, *s.min);
  if (s.null_count) w.write_i64(3, *s.null_count);
  if (s.distinct_count) w.write_i64(4, *s.distinct_count);
  if (s.max_value) w.write_binary(5, *s.max_value);
  if (s.min_value) w.write_binary(6, *s.min_value);
  w.end_struct();
}

void write_logical_type(CompactWriter& w, const LogicalTypeAnnotation& t) {
  w.begin_struct_field(10);
  switch (t.kind) {
    case LogicalTypeAnnotation::Kind::kString:
      w.begin_struct_field(1);
      w.end_struct();
      break;
    case LogicalTypeAnnotation::Kind::kDate:
      w.begin_struct_field(6);
      w.end_struct();
      break;
    case LogicalTypeAnnotation::Kind::kTimestamp: {
      w.begin_struct_field(8);
      w.write_bool(1, t.adjusted_to_utc);
      w.begin_struct_field(2);  // TimeUnit union
      const std::int16_t unit_field = t.unit == TimeUnit::kMillis   ? std::int16_t{1}
                                      : t.unit == TimeUnit::kMicros ? std::int16_t{2}
                                                                    : std::int16_t{3};
      w.begin_struct_field(unit_field);
      w.end_struct();
      w.end_struct();
      w.end_struct();
      break;
    }
    case LogicalTypeAnnotation::Kind::kInteger:
      w.begin_struct_field(10);
      w.write_i8(1, static_cast<std::int8_t>(t.bit_width));
      w.write_bool(2, t.is_signed);
      w.end_struct();
      break;
    case LogicalTypeAnnotation::Kind::kOther:
      w.begin_struct_field(static_cast<std::int16_t>(t.other_field_id));
      w.end_struct();
      break;
  }
  w.end_struct();
}

void write_schema_element(CompactWriter& w, const SchemaElement& e) {
  w.begin_struct();
  if (e.type) w.write_i32(1, static_cast<std::int32_t>(*e.type));
  if (e.type_length) w.write_i32(2, *e.type_length);
  if (e.repetition) w.write_i32(3, static_cast<std::int32_t>(*e.repetition));
  w.write_binary(4, e.name);
  if (e.num_children) w.write_i32(5, *e.num_children);
  if (e.converted_type) w.write_i32(6, *e.converted_type);
  if (e.scale) w.write_i32(7, *e.scale);
  if (e.precision) w.write_i32(8, *e.precision);
  if (e.field_id) w.write_i32(9, *e.field_id);
  if (e.logical_type) write_logical_type(w, *e.logical_type);
  w.end_struct();
}

void write_column_metadata(CompactWriter& w, const ColumnMetaData& m) {
  w.begin_struct_field(3);
  w.write_i32(1, static_cast<std::int32_t>(m.type));
  w.begin_list_field(2, ThriftType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.write_i32_element(static_cast<std::int32_t>(e));
  w.begin_list_field(3, ThriftType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.write_binary_element(p);
  w.write_i32(4, static_cast<std::int32_t>(m.codec));
  w.write_i64(5, m.num_values);
  w.write_i64(6, m.total_uncompressed_size);
  w.write_i64(7, m.total_compressed_size);
  w.write_i64(9, m.data_page_offset);
  if (m.index_page_offset) w.write_i64(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.write_i64(11, *m.dictionary_page_offset);
  if (m.statistics) write_statistics(w, 12, *m.statistics);
  w.end_struct();
}

void write_row_group(CompactWriter& w, const RowGroup& rg) {
  w.begin_struct();
  w.begin_list_field(1, ThriftType::kStruct, rg.columns.size());
  for (const ColumnChunk& c : rg.columns) {
    w.begin_struct();
    if (c.file_path) w.write_binary(1, *c.file_path);
    w.write_i64(2, c.file_offset);
    if (c.meta_data) write_column_metadata(w, *c.meta_data);
    w.end_struct();
  }
  w.write_i64(2, rg.total_byte_size);
  w.write_i64(3, rg.num_rows);
  if (rg.file_offset) w.write_i64(5, *rg.file_offset);
  if (rg.total_compressed_size) w.write_i64(6, *rg.total_compressed_size);
  if (rg.ordinal) w.write_i16(7, *rg.ordinal);
  w.end_struct();
}

// ---- decoding ----

// Tracks required fields: each decoder marks what it saw and checks at the end.
class Required {
 public:
  Required(CompactReader& r, const char* structure) : reader_(r), structure_(structure) {}
  void saw(int bit) { seen_ |= 1u << bit; }
  void check(int bit, const char* field) const {
    if ((seen_ & (1u << bit)) == 0) {
      reader_.fail(fmt::format("{} is missing required field '{}'", structure_, field));
    }
  }

 private:
  CompactReader& reader_;
  const char* structure_;
  unsigned seen_ = 0;
};

Statistics read_statistics(CompactReader& r) {
  Statistics s;
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        s.max = r.read_binary(*f);
        break;
      case 2:
        s.min = r.read_binary(*f);
        break;
      case 3:
        s.null_count = r.read_i64(*f);
        break;
      case 4:
        s.distinct_count = r.read_i64(*f);
        break;
      case 5:
        s.max_value = r.read_binary(*f);
        break;
      case 6:
        s.min_value = r.read_binary(*f);
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  return s;
}

void expect_struct(CompactReader& r, const ThriftField& f) {
  if (f.type != ThriftType::kStruct) {
    r.fail(fmt::format("field {} should be a struct but has wire type {}", f.id,
                       static_cast<int>(f.type)));
  }
}

LogicalTypeAnnotation read_logical_type(CompactReader& r) {
  LogicalTypeAnnotation t;
  bool member_seen = false;
  r.begin_struct();
  while (const auto f = r.next_field()) {
    member_seen = true;
    expect_struct(r, *f);
    switch (f->id) {
      case 1:
        t.kind = LogicalTypeAnnotation::Kind::kString;
        r.skip(f->type);
        break;
      case 6:
        t.kind = LogicalTypeAnnotation::Kind::kDate;
        r.skip(f->type);
        break;
      case 8: {
        t.kind = LogicalTypeAnnotation::Kind::kTimestamp;
        Required req(r, "TimestampType");
        r.begin_struct();
        while (const auto g = r.next_field()) {
          if (g->id == 1) {
            t.adjusted_to_utc = r.read_bool(*g);
            req.saw(0);
          } else if (g->id == 2) {
            expect_struct(r, *g);
            req.saw(1);
            r.begin_struct();
            bool unit_seen = false;
            while (const auto u = r.next_field()) {
              if (u->id == 1) t.unit = TimeUnit::kMillis, unit_seen = true;
              if (u->id == 2) t.unit = TimeUnit::kMicros, unit_seen = true;
              if (u->id == 3) t.unit = TimeUnit::kNanos, unit_seen = true;
              r.skip(u->type);
            }
            r.end_struct();
            if (!unit_seen) r.fail("TimestampType has no known time unit");
          } else {
            r.skip(g->type);
          }
        }
        r.end_struct();
        req.check(0, "isAdjustedToUTC");
        req.check(1, "unit");
        break;
      }
      case 10: {
        t.kind = LogicalTypeAnnotation::Kind::kInteger;
        Required req(r, "IntType");
        r.begin_struct();
        while (const auto g = r.next_field()) {
          if (g->id == 1) {
            // IntType.bitWidth is a Thrift i8: a signed number by definition, not a character.
            // NOLINTNEXTLINE(bugprone-signed-char-misuse)
            t.bit_width = r.read_i8(*g);
            req.saw(0);
          } else if (g->id == 2) {
            t.is_signed = r.read_bool(*g);
            req.saw(1);
          } else {
            r.skip(g->type);
          }
        }
        r.end_struct();
        req.check(0, "bitWidth");
        req.check(1, "isSigned");
        break;
      }
      default:
        t.kind = LogicalTypeAnnotation::Kind::kOther;
        t.other_field_id = f->id;
        r.skip(f->type);
    }
  }
  r.end_struct();
  if (!member_seen) r.fail("LogicalType union has no member set");
  return t;
}

SchemaElement read_schema_element(CompactReader& r) {
  SchemaElement e;
  Required req(r, "SchemaElement");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        e.type = static_cast<PhysicalType>(r.read_i32(*f));
        break;
      case 2:
        e.type_length = r.read_i32(*f);
        break;
      case 3:
        e.repetition = static_cast<Repetition>(r.read_i32(*f));
        break;
      case 4:
        e.name = r.read_binary(*f);
        req.saw(0);
        break;
      case 5:
        e.num_children = r.read_i32(*f);
        break;
      case 6:
        e.converted_type = r.read_i32(*f);
        break;
      case 7:
        e.scale = r.read_i32(*f);
        break;
      case 8:
        e.precision = r.read_i32(*f);
        break;
      case 9:
        e.field_id = r.read_i32(*f);
        break;
      case 10:
        expect_struct(r, *f);
        e.logical_type = read_logical_type(r);
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "name");
  return e;
}

ColumnMetaData read_column_metadata(CompactReader& r) {
  ColumnMetaData m;
  Required req(r, "ColumnMetaData");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        m.type = static_cast<PhysicalType>(r.read_i32(*f));
        req.saw(0);
        break;
      case 2: {
        const ThriftListHeader list = r.read_list_header(*f);
        for (std::size_t i = 0; i < list.size; ++i) {
          m.encodings.push_back(static_cast<Encoding>(r.read_i32_element(list.element_type)));
        }
        req.saw(1);
        break;
      }
      case 3: {
        const ThriftListHeader list = r.read_list_header(*f);
        for (std::size_t i = 0; i < list.size; ++i) {
          m.path_in_schema.push_back(r.read_binary_element(list.element_type));
        }
        req.saw(2);
        break;
      }
      case 4:
        m.codec = static_cast<CompressionCodec>(r.read_i32(*f));
        req.saw(3);
        break;
      case 5:
        m.num_values = r.read_i64(*f);
        req.saw(4);
        break;
      case 6:
        m.total_uncompressed_size = r.read_i64(*f);
        req.saw(5);
        break;
      case 7:
        m.total_compressed_size = r.read_i64(*f);
        req.saw(6);
        break;
      case 9:
        m.data_page_offset = r.read_i64(*f);
        req.saw(7);
        break;
      case 10:
        m.index_page_offset = r.read_i64(*f);
        break;
      case 11:
        m.dictionary_page_offset = r.read_i64(*f);
        break;
      case 12:
        expect_struct(r, *f);
        m.statistics = read_statistics(r);
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "type");
  req.check(1, "encodings");
  req.check(2, "path_in_schema");
  req.check(3, "codec");
  req.check(4, "num_values");
  req.check(5, "total_uncompressed_size");
  req.check(6, "total_compressed_size");
  req.check(7, "data_page_offset");
  return m;
}

ColumnChunk read_column_chunk(CompactReader& r) {
  ColumnChunk c;
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        c.file_path = r.read_binary(*f);
        break;
      // Deprecated and written inconsistently (some writers leave it out); not required.
      case 2:
        c.file_offset = r.read_i64(*f);
        break;
      case 3:
        expect_struct(r, *f);
        c.meta_data = read_column_metadata(r);
        break;
      case 8:
      case 9:
        c.encrypted = true;
        r.skip(f->type);
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  return c;
}

RowGroup read_row_group(CompactReader& r) {
  RowGroup rg;
  Required req(r, "RowGroup");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1: {
        const ThriftListHeader list = r.read_list_header(*f);
        if (list.element_type != ThriftType::kStruct) r.fail("RowGroup.columns is not structs");
        for (std::size_t i = 0; i < list.size; ++i) rg.columns.push_back(read_column_chunk(r));
        req.saw(0);
        break;
      }
      case 2:
        rg.total_byte_size = r.read_i64(*f);
        req.saw(1);
        break;
      case 3:
        rg.num_rows = r.read_i64(*f);
        req.saw(2);
        break;
      case 5:
        rg.file_offset = r.read_i64(*f);
        break;
      case 6:
        rg.total_compressed_size = r.read_i64(*f);
        break;
      case 7:
        rg.ordinal = r.read_i16(*f);
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "columns");
  req.check(1, "total_byte_size");
  req.check(2, "num_rows");
  return rg;
}

KeyValue read_key_value(CompactReader& r) {
  KeyValue kv;
  Required req(r, "KeyValue");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    if (f->id == 1) {
      kv.key = r.read_binary(*f);
      req.saw(0);
    } else if (f->id == 2) {
      kv.value = r.read_binary(*f);
    } else {
      r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "key");
  return kv;
}

std::int32_t read_column_order(CompactReader& r) {
  std::int32_t member = 0;
  r.begin_struct();
  while (const auto f = r.next_field()) {
    member = f->id;
    r.skip(f->type);
  }
  r.end_struct();
  return member;
}

template <typename ReadElement>
void read_struct_list(CompactReader& r, const ThriftField& f, const char* what,
                      ReadElement read_element) {
  const ThriftListHeader list = r.read_list_header(f);
  if (list.element_type != ThriftType::kStruct) {
    r.fail(fmt::format("{} is not a list of structs", what));
  }
  for (std::size_t i = 0; i < list.size; ++i) read_element();
}

}  // namespace

std::string encode_file_metadata(const FileMetaData& m) {
  CompactWriter w;
  w.begin_struct();
  w.write_i32(1, m.version);
  w.begin_list_field(2, ThriftType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) write_schema_element(w, e);
  w.write_i64(3, m.num_rows);
  w.begin_list_field(4, ThriftType::kStruct, m.row_groups.size());
  for (const RowGroup& rg : m.row_groups) write_row_group(w, rg);
  if (!m.key_value_metadata.empty()) {
    w.begin_list_field(5, ThriftType::kStruct, m.key_value_metadata.size());
    for (const KeyValue& kv : m.key_value_metadata) {
      w.begin_struct();
      w.write_binary(1, kv.key);
      if (kv.value) w.write_binary(2, *kv.value);
      w.end_struct();
    }
  }
  if (m.created_by) w.write_binary(6, *m.created_by);
  if (!m.column_orders.empty()) {
    w.begin_list_field(7, ThriftType::kStruct, m.column_orders.size());
    for (std::int32_t member : m.column_orders) {
      w.begin_struct();
      w.begin_struct_field(static_cast<std::int16_t>(member));
      w.end_struct();
      w.end_struct();
    }
  }
  w.end_struct();
  return w.take();
}

FileMetaData decode_file_metadata(std::string_view bytes, const std::string& context) {
  CompactReader r(bytes, context);
  FileMetaData m;
  Required req(r, "FileMetaData");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        m.version = r.read_i32(*f);
        req.saw(0);
        break;
      case 2:
        read_struct_list(r, *f, "FileMetaData.schema",
                         [&] { m.schema.push_back(read_schema_element(r)); });
        req.saw(1);
        break;
      case 3:
        m.num_rows = r.read_i64(*f);
        req.saw(2);
        break;
      case 4:
        read_struct_list(r, *f, "FileMetaData.row_groups",
                         [&] { m.row_groups.push_back(read_row_group(r)); });
        req.saw(3);
        break;
      case 5:
        read_struct_list(r, *f, "FileMetaData.key_value_metadata",
                         [&] { m.key_value_metadata.push_back(read_key_value(r)); });
        break;
      case 6:
        m.created_by = r.read_binary(*f);
        break;
      case 7:
        read_struct_list(r, *f, "FileMetaData.column_orders",
                         [&] { m.column_orders.push_back(read_column_order(r)); });
        break;
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "version");
  req.check(1, "schema");
  req.check(2, "num_rows");
  req.check(3, "row_groups");
  return m;
}

std::string encode_page_header(const PageHeader& h) {
  CompactWriter w;
  w.begin_struct();
  w.write_i32(1, static_cast<std::int32_t>(h.type));
  w.write_i32(2, h.uncompressed_page_size);
  w.write_i32(3, h.compressed_page_size);
  if (h.crc) w.write_i32(4, *h.crc);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.begin_struct_field(5);
    w.write_i32(1, d.num_values);
    w.write_i32(2, static_cast<std::int32_t>(d.encoding));
    w.write_i32(3, static_cast<std::int32_t>(d.definition_level_encoding));
    w.write_i32(4, static_cast<std::int32_t>(d.repetition_level_encoding));
    w.end_struct();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.begin_struct_field(7);
    w.write_i32(1, d.num_values);
    w.write_i32(2, static_cast<std::int32_t>(d.encoding));
    if (d.is_sorted) w.write_bool(3, *d.is_sorted);
    w.end_struct();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.begin_struct_field(8);
    w.write_i32(1, d.num_values);
    w.write_i32(2, d.num_nulls);
    w.write_i32(3, d.num_rows);
    w.write_i32(4, static_cast<std::int32_t>(d.encoding));
    w.write_i32(5, d.definition_levels_byte_length);
    w.write_i32(6, d.repetition_levels_byte_length);
    w.write_bool(7, d.is_compressed);
    w.end_struct();
  }
  w.end_struct();
  return w.take();
}

PageHeader decode_page_header(std::string_view bytes, const std::string& context,
                              std::size_t* consumed) {
  CompactReader r(bytes, context);
  PageHeader h;
  Required req(r, "PageHeader");
  r.begin_struct();
  while (const auto f = r.next_field()) {
    switch (f->id) {
      case 1:
        h.type = static_cast<PageType>(r.read_i32(*f));
        req.saw(0);
        break;
      case 2:
        h.uncompressed_page_size = r.read_i32(*f);
        req.saw(1);
        break;
      case 3:
        h.compressed_page_size = r.read_i32(*f);
        req.saw(2);
        break;
      case 4:
        h.crc = r.read_i32(*f);
        break;
      case 5: {
        expect_struct(r, *f);
        DataPageHeader d;
        Required dreq(r, "DataPageHeader");
        r.begin_struct();
        while (const auto g = r.next_field()) {
          switch (g->id) {
            case 1:
              d.num_values = r.read_i32(*g), dreq.saw(0);
              break;
            case 2:
              d.encoding = static_cast<Encoding>(r.read_i32(*g)), dreq.saw(1);
              break;
            case 3:
              d.definition_level_encoding = static_cast<Encoding>(r.read_i32(*g));
              dreq.saw(2);
              break;
            case 4:
              d.repetition_level_encoding = static_cast<Encoding>(r.read_i32(*g));
              dreq.saw(3);
              break;
            default:
              r.skip(g->type);
          }
        }
        r.end_struct();
        dreq.check(0, "num_values");
        dreq.check(1, "encoding");
        dreq.check(2, "definition_level_encoding");
        dreq.check(3, "repetition_level_encoding");
        h.data_page_header = d;
        break;
      }
      case 7: {
        expect_struct(r, *f);
        DictionaryPageHeader d;
        Required dreq(r, "DictionaryPageHeader");
        r.begin_struct();
        while (const auto g = r.next_field()) {
          switch (g->id) {
            case 1:
              d.num_values = r.read_i32(*g), dreq.saw(0);
              break;
            case 2:
              d.encoding = static_cast<Encoding>(r.read_i32(*g)), dreq.saw(1);
              break;
            case 3:
              d.is_sorted = r.read_bool(*g);
              break;
            default:
              r.skip(g->type);
          }
        }
        r.end_struct();
        dreq.check(0, "num_values");
        dreq.check(1, "encoding");
        h.dictionary_page_header = d;
        break;
      }
      case 8: {
        expect_struct(r, *f);
        DataPageHeaderV2 d;
        Required dreq(r, "DataPageHeaderV2");
        r.begin_struct();
        while (const auto g = r.next_field()) {
          switch (g->id) {
            case 1:
              d.num_values = r.read_i32(*g), dreq.saw(0);
              break;
            case 2:
              d.num_nulls = r.read_i32(*g), dreq.saw(1);
              break;
            case 3:
              d.num_rows = r.read_i32(*g), dreq.saw(2);
              break;
            case 4:
              d.encoding = static_cast<Encoding>(r.read_i32(*g)), dreq.saw(3);
              break;
            case 5:
              d.definition_levels_byte_length = r.read_i32(*g), dreq.saw(4);
              break;
            case 6:
              d.repetition_levels_byte_length = r.read_i32(*g), dreq.saw(5);
              break;
            case 7:
              d.is_compressed = r.read_bool(*g);
              break;
            default:
              r.skip(g->type);
          }
        }
        r.end_struct();
        dreq.check(0, "num_values");
        dreq.check(1, "num_nulls");
        dreq.check(2, "num_rows");
        dreq.check(3, "encoding");
        dreq.check(4, "definition_levels_byte_length");
        dreq.check(5, "repetition_levels_byte_length");
        h.data_page_header_v2 = d;
        break;
      }
      default:
        r.skip(f->type);
    }
  }
  r.end_struct();
  req.check(0, "type");
  req.check(1, "uncompressed_page_size");
  req.check(2, "compressed_page_size");
  *consumed = r.position();
  return h;
}

}  // namespace gogooku3::storage::parquet
