// Writer: streams Tables into one Parquet file.
//
// Rows are buffered until options.row_group_rows are pending, then written as a row group
// (each column a chunk, see column_chunk_writer.h) straight to the WritableFile, so memory
// holds at most one row group. close() writes the remaining rows, the footer (schema, row
// groups, key-value metadata, created_by "gogooku3 version X") and commits the file; only
// then does it become visible under its name. A Writer destroyed without close() — or whose
// close() threw — discards everything: no half-written file is ever published.
//
// Each Table passed to write() must have exactly the schema given at construction. Columns
// are OPTIONAL unless named in options.required_columns (a missing value there is
// InvalidInput); options.logical_types overrides the default annotation (see
// column_schema.h). A Writer is not thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/column_schema.h"
#include "storage/parquet/compression.h"

namespace gogooku3::storage::parquet {

struct WriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 3;
  std::size_t row_group_rows = 1'000'000;
  std::size_t page_bytes = 1 << 20;
  bool dictionary = true;
  std::size_t dictionary_max_bytes = 1 << 20;
  // A chunk whose first dictionary_probe_values values hold more than this share of distinct
  // values is written PLAIN from the start (1.0: always try the dictionary).
  std::size_t dictionary_probe_values = 4096;
  double dictionary_max_distinct_ratio = 0.5;
  bool data_page_v2 = false;
  std::vector<std::string> required_columns;         // REQUIRED; all others OPTIONAL
  std::map<std::string, LogicalType> logical_types;  // overrides the default annotation
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

// "gogooku3 version X", the footer's created_by.
std::string created_by_string();

class Writer {
 public:
  // Validates the options against the schema (InvalidInput) and writes the leading magic.
  Writer(std::unique_ptr<WritableFile> file, Schema schema, WriterOptions options = {});
  ~Writer();
  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) noexcept;

  // The table's schema must equal the writer's (InvalidInput naming the difference).
  void write(const Table& table);
  // Writes pending rows and the footer, and commits. Calling it twice is InvalidInput.
  void close();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

void write_table(const Table& table, std::unique_ptr<WritableFile> file,
                 const WriterOptions& options = {});

}  // namespace gogooku3::storage::parquet
