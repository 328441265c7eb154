// Decodes one Parquet column chunk (the bytes of its pages) into a gogooku3 Column.
//
// The chunk is walked page by page: an optional dictionary page first, then data pages (v1 or
// v2), PLAIN or dictionary-encoded (RLE_DICTIONARY, or the older PLAIN_DICTIONARY), with the
// codec named in the chunk's metadata; index pages and unknown page types are skipped. Nulls
// (definition level 0) become NaN in float/double columns and cleared validity bits otherwise.
//
// Everything is checked against the chunk's bytes and the declared row count before use: a
// page header that does not parse, a page that passes the chunk's end, a size or count that
// disagrees with what the page holds, a dictionary index out of range, a chunk that ends
// before `rows` values or a page that declares more than remain are Corruption prefixed with
// `context` (which names the file, row group and column). An encoding or codec outside what
// gogooku3 reads is InvalidInput.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/column.h"
#include "storage/parquet/column_schema.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

Column read_column_chunk(std::string_view chunk, const ColumnInfo& info, const ColumnMetaData& meta,
                         std::size_t rows, const std::string& context);

}  // namespace gogooku3::storage::parquet
