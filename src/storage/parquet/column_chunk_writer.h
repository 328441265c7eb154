// Encodes one column of one row group as a Parquet column chunk and appends it to a file.
//
// The chunk is an optional dictionary page followed by data pages of about page_bytes each.
// With dictionary encoding on, distinct values are collected until the dictionary's PLAIN size
// would pass dictionary_max_bytes; the values before that point are written as RLE_DICTIONARY
// pages, the rest of the chunk as PLAIN pages (the usual "fallback"; a chunk may mix both).
// Optional columns carry definition levels (1 = present, 0 = null) in the RLE/bit-packed
// hybrid; float/double NaN is written as null. Data pages are v1 (levels and values compressed
// together, levels prefixed by their 4-byte length) or v2 (levels uncompressed before the
// compressed values).
//
// The returned ColumnChunk carries offsets, sizes (page headers included, as the format
// requires), encodings and statistics: null_count and min/max in the column's sort order
// (signed for numbers, unsigned byte-wise for strings; NaN never appears since it is null).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/column.h"
#include "storage/io/file_io.h"
#include "storage/parquet/column_schema.h"
#include "storage/parquet/compression.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

struct ColumnChunkOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 3;
  std::size_t page_bytes = 1 << 20;
  bool dictionary = true;
  std::size_t dictionary_max_bytes = 1 << 20;
  bool data_page_v2 = false;
  std::size_t dictionary_probe_values = 4096;
  double dictionary_max_distinct_ratio = 0.5;
};

// Throws InvalidInput when a REQUIRED column has a missing value or an INT(8)/INT(16)
// column a value out of range; `first_row` (the file row of the column's row 0) is for
// messages only.
ColumnChunk write_column_chunk(const Column& column, const ColumnInfo& info,
                               const ColumnChunkOptions& options, WritableFile& file,
                               std::int64_t first_row);

}  // namespace gogooku3::storage::parquet
