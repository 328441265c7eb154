#include "storage/parquet/writer.h"

#include <algorithm>
#include <limits>
#include <set>

#include "core/error.h"
#include "storage/parquet/column_chunk_writer.h"
#include "storage/parquet/file_metadata.h"

#ifndef GOGOOKU3_VERSION
#define GOGOOKU3_VERSION "0.0.0-dev"
#endif

namespace gogooku3::storage::parquet {

std::string created_by_string() { return std::string("gogooku3 version ") + GOGOOKU3_VERSION; }

struct Writer::State {
  std::unique_ptr<WritableFile> file;
  Schema schema;
  WriterOptions options;
  std::vector<ColumnInfo> columns;
  std::vector<Column> pending;  // buffered rows, one column per schema field
  std::vector<RowGroup> row_groups;
  std::int64_t rows_written = 0;
  bool closed = false;
  // Set when a write or close threw part-way: the file may hold a partial row group, so it
  // must never be committed.
  bool broken = false;

  std::size_t pending_rows() const { return pending.empty() ? 0 : pending.front().size(); }

  void reset_pending() {
    pending.clear();
    for (const Field& field : schema) pending.emplace_back(field.name, field.type);
  }

  void flush_row_group() {
    const std::size_t rows = pending_rows();
    if (rows == 0) return;
    ColumnChunkOptions chunk_options{options.compression,
                                     options.zstd_level,
                                     options.page_bytes,
                                     options.dictionary,
                                     options.dictionary_max_bytes,
                                     options.data_page_v2,
                                     options.dictionary_probe_values,
                                     options.dictionary_max_distinct_ratio};
    RowGroup group;
    group.num_rows = static_cast<std::int64_t>(rows);
    group.file_offset = static_cast<std::int64_t>(file->bytes_written());
    group.ordinal = static_cast<std::int16_t>(
        std::min<std::size_t>(row_groups.size(), std::numeric_limits<std::int16_t>::max()));
    std::int64_t compressed = 0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      ColumnChunk chunk =
          write_column_chunk(pending[c], columns[c], chunk_options, *file, rows_written);
      group.total_byte_size += chunk.meta_data->total_uncompressed_size;
      compressed += chunk.meta_data->total_compressed_size;
      group.columns.push_back(std::move(chunk));
    }
    group.total_compressed_size = compressed;
    row_groups.push_back(std::move(group));
    rows_written += static_cast<std::int64_t>(rows);
    reset_pending();
  }
};

Writer::Writer(std::unique_ptr<WritableFile> file, Schema schema, WriterOptions options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (!file) throw invalid_input("Parquet writer: no file to write to");
  const std::string& name = file->name();
  if (options.row_group_rows == 0) {
    throw invalid_input("Parquet writer {}: row_group_rows must be positive", name);
  }
  if (options.page_bytes == 0) {
    throw invalid_input("Parquet writer {}: page_bytes must be positive", name);
  }
  std::set<std::string> names;
  for (const Field& field : schema) {
    if (!names.insert(field.name).second) {
      throw invalid_input("Parquet writer {}: column '{}' appears twice in the schema", name,
                          field.name);
    }
  }
  for (const std::string& required : options.required_columns) {
    if (!names.contains(required)) {
      throw invalid_input("Parquet writer {}: required column '{}' is not in the schema ({})", name,
                          required, schema_to_string(schema));
    }
  }
  for (const auto& [column, logical] : options.logical_types) {
    if (!names.contains(column)) {
      throw invalid_input(
          "Parquet writer {}: logical type given for column '{}', which is "
          "not in the schema ({})",
          name, column, schema_to_string(schema));
    }
  }
  for (const Field& field : schema) {
    LogicalType logical = default_logical_type(field.type);
    if (const auto it = options.logical_types.find(field.name); it != options.logical_types.end()) {
      logical = it->second;
    }
    check_logical_type(field, logical);
    const bool required =
        std::find(options.required_columns.begin(), options.required_columns.end(), field.name) !=
        options.required_columns.end();
    s.columns.push_back(ColumnInfo{field.name, field.type, logical, required});
  }
  s.file = std::move(file);
  s.schema = std::move(schema);
  s.options = std::move(options);
  s.reset_pending();
  s.file->append("PAR1");
}

Writer::~Writer() = default;
Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;

void Writer::write(const Table& table) {
  if (!state_) throw invalid_input("Parquet writer: write() on a moved-from writer");
  State& s = *state_;
  if (s.closed) throw invalid_input("Parquet writer {}: write() after close()", s.file->name());
  const Schema schema = table.schema();
  if (schema != s.schema) {
    throw invalid_input("Parquet writer {}: table schema ({}) differs from the file's ({})",
                        s.file->name(), schema_to_string(schema), schema_to_string(s.schema));
  }
  if (s.broken)
    throw invalid_input("Parquet writer {}: write() after a failed write", s.file->name());
  s.broken = true;
  std::size_t offset = 0;
  const std::size_t rows = table.num_rows();
  while (offset < rows) {
    const std::size_t take = std::min(rows - offset, s.options.row_group_rows - s.pending_rows());
    for (std::size_t c = 0; c < s.pending.size(); ++c) {
      if (offset == 0 && take == rows) {
        s.pending[c].append_rows(table.columns()[c]);
      } else {
        s.pending[c].append_rows(table.columns()[c].slice(offset, offset + take));
      }
    }
    offset += take;
    if (s.pending_rows() >= s.options.row_group_rows) s.flush_row_group();
  }
  s.broken = false;
}

void Writer::close() {
  if (!state_) throw invalid_input("Parquet writer: close() on a moved-from writer");
  State& s = *state_;
  if (s.closed) throw invalid_input("Parquet writer {}: close() called twice", s.file->name());
  if (s.broken) {
    throw invalid_input("Parquet writer {}: close() after a failed write; the file is discarded",
                        s.file->name());
  }
  s.closed = true;  // also on failure below: a second close() must not commit a partial file
  s.flush_row_group();
  FileMetaData meta;
  meta.version = 2;  // the file uses RLE_DICTIONARY, a format 2 encoding
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<std::int32_t>(s.columns.size());
  meta.schema.push_back(root);
  for (const ColumnInfo& column : s.columns) meta.schema.push_back(schema_element_for(column));
  meta.num_rows = s.rows_written;
  meta.row_groups = std::move(s.row_groups);
  for (const auto& [key, value] : s.options.key_value_metadata) {
    meta.key_value_metadata.push_back(KeyValue{key, value});
  }
  meta.created_by = created_by_string();
  // TYPE_ORDER for every column: it is what makes min_value/max_value meaningful to readers.
  meta.column_orders.assign(s.columns.size(), 1);
  const std::string footer = encode_file_metadata(meta);
  std::string tail;
  const auto length = static_cast<std::uint32_t>(footer.size());
  for (int i = 0; i < 4; ++i) tail.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  tail += "PAR1";
  s.file->append(footer);
  s.file->append(tail);
  s.file->commit();
}

void write_table(const Table& table, std::unique_ptr<WritableFile> file,
                 const WriterOptions& options) {
  Writer writer(std::move(file), table.schema(), options);
  writer.write(table);
  writer.close();
}

}  // namespace gogooku3::storage::parquet
