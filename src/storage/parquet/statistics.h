// Column chunk statistics as the reader uses them: for row-group skipping and for display.
//
// A chunk's Statistics carry min_value/max_value (in the column order, which for our types is
// signed for numbers and unsigned byte-wise for strings) and, from older writers, the legacy
// min/max (signed comparison). Legacy values are trusted only for numeric columns, where the
// two orders agree; for byte arrays they may be signed-ordered and are ignored.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "storage/parquet/column_schema.h"
#include "storage/parquet/file_metadata.h"

namespace gogooku3::storage::parquet {

// The raw min and max bytes usable for `info`'s column, or nullopt. Corruption (naming
// `context`) when a fixed-width value has the wrong size.
std::optional<std::pair<std::string, std::string>> usable_min_max(const Statistics& statistics,
                                                                  const ColumnInfo& info,
                                                                  const std::string& context);

// A statistics value as text: numbers in decimal, dates as YYYY-MM-DD, strings as they are.
std::string statistics_value_text(const std::string& bytes, const ColumnInfo& info);

}  // namespace gogooku3::storage::parquet
