// Reader: a Parquet file opened for reading by row group and column.
//
// open() reads the footer with at most two ranged reads (the file's tail, and the rest of the
// footer if it is longer than the tail), validates it — schema, row group sizes, every column
// chunk's byte range against the file — and maps the schema (column_schema.h). Nothing else
// is read until a row group is asked for; read_row_group() then reads each projected column
// chunk with one ranged read and decodes it, so memory is bounded by one row group of the
// projected columns. read() filters by the "date" and "code" columns: row groups whose
// statistics exclude the predicate are skipped unread, and the rest are filtered row by row.
// Decoding (decompression and value decoding, most of a read's time) runs on one thread per
// core over the chunks of a window of row groups (one group per thread, so memory stays
// bounded); the ranged reads themselves stay on the calling thread, so a RandomAccessFile
// need not be thread-safe.
//
// Errors name the file: Corruption for anything damaged (bad magic, a footer or chunk that
// passes the end of the file, bad thrift, pages that lie), InvalidInput for a valid file we
// do not read (unsupported types, codecs, encodings, nesting), NotFound for a projected
// column that does not exist. A Reader is immutable after open(): any number of threads may
// read row groups at once if the file's read_at is thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/column_schema.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

struct ColumnChunkStats {
  std::string column;
  std::int64_t null_count = 0;                    // -1 when the file does not say
  std::optional<std::string> min_text, max_text;  // printable
};

struct RowGroupInfo {
  std::int64_t num_rows = 0;
  std::int64_t total_byte_size = 0;
  std::vector<ColumnChunkStats> columns;
};

struct ReadOptions {
  std::vector<std::string> columns;               // empty: all, in file order
  std::optional<Date> date_from, date_to;         // inclusive, on column "date"
  std::optional<std::vector<std::string>> codes;  // on column "code"
  // Threads that decode column chunks (I/O stays on the calling thread); 0: one per core.
  // Small reads (under a few MiB) decode on the calling thread whatever this says.
  unsigned threads = 0;
};

class Reader {
 public:
  static Reader open(std::shared_ptr<const RandomAccessFile> file);

  const std::vector<ColumnInfo>& columns() const { return columns_; }
  std::int64_t num_rows() const { return metadata_.num_rows; }
  int num_row_groups() const { return static_cast<int>(row_groups_.size()); }
  // InvalidInput for an index out of range.
  const RowGroupInfo& row_group(int index) const;
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const {
    return key_value_metadata_;
  }
  const std::string& created_by() const { return created_by_; }

  // Row groups that may hold rows matching the predicate, judged by statistics alone.
  std::vector<int> row_groups_matching(const ReadOptions& options) const;
  Table read_row_group(int index, const std::vector<std::string>& columns = {},
                       unsigned threads = 0) const;
  // Matching row groups, rows filtered exactly, concatenated.
  Table read(const ReadOptions& options = {}) const;

 private:
  // One column chunk's bytes, read and ready to decode.
  struct FetchedChunk {
    int group = 0;
    std::size_t column = 0;
    std::string bytes;
    // Where the chunk starts in `bytes` (past the magic when the chunk starts the file). An
    // offset, not a view: a moved short string moves its characters (small-string buffer),
    // which would leave a view dangling.
    std::size_t skip = 0;
    std::string_view chunk() const { return std::string_view(bytes).substr(skip); }
  };
  FetchedChunk fetch_chunk(int group, std::size_t column) const;
  // Decodes every chunk, on up to `threads` threads; results in the order of `chunks`.
  std::vector<Column> decode_chunks(const std::vector<FetchedChunk>& chunks,
                                    unsigned threads) const;

  Reader() = default;
  void validate_and_index();
  std::vector<std::size_t> projection(const std::vector<std::string>& names) const;
  std::size_t column_index(std::string_view name, std::string_view purpose) const;
  void check_predicate_columns(const ReadOptions& options) const;
  bool row_group_may_match(int index, const ReadOptions& options) const;

  std::shared_ptr<const RandomAccessFile> file_;
  std::string name_;
  FileMetaData metadata_;
  std::uint64_t footer_start_ = 0;  // chunks must end at or before it
  std::vector<ColumnInfo> columns_;
  std::vector<RowGroupInfo> row_groups_;
  std::vector<std::pair<std::string, std::string>> key_value_metadata_;
  std::string created_by_;
};

// open_local_file + Reader::open.
Reader open_file(const std::filesystem::path& path);

}  // namespace gogooku3::storage::parquet
