// make_parquet_seeds OUTDIR: writes small Parquet files with our Writer, one per feature the
// reader must decode (each codec, dictionary and plain pages, dictionary fallback, data page
// v2, required and optional columns, logical types, several row groups, key-value metadata,
// an empty table), as the seed corpus of parquet_reader_fuzz. Files stay a few KB so that
// mutations reach deep into pages instead of being spent on bulk.
#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include "core/column.h"
#include "core/date.h"
#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/writer.h"

namespace gogooku3::storage::parquet {
namespace {

// A price-like table: code and date (so the reader's filter path runs), plus every other type.
Table seed_table(std::size_t rows, bool nulls) {
  Column code("code", ColumnType::kString);
  Column date("date", ColumnType::kDate);
  Column volume("volume", ColumnType::kInt64);
  Column close("close", ColumnType::kDouble);
  Column ratio("ratio", ColumnType::kFloat);
  Column board("board", ColumnType::kInt32);
  Column published("published", ColumnType::kInt64);
  Column name("name", ColumnType::kString);
  for (std::size_t i = 0; i < rows; ++i) {
    const bool null_row = nulls && i % 5 == 4;
    code.append(fmt::format("{}", 13010 + (i % 4) * 10));
    date.append(Date(19000 + static_cast<std::int32_t>(i / 4)));
    if (null_row) {
      volume.append_null();
    } else {
      volume.append(static_cast<std::int64_t>(i) * 1000 - 5);
    }
    close.append(null_row ? NAN : 100.0 + static_cast<double>(i) / 8);
    ratio.append(null_row ? NAN : static_cast<float>(i) / 3);
    board.append(static_cast<std::int32_t>(i % 3) - 1);
    published.append(1700000000000 + static_cast<std::int64_t>(i) * 1000);
    if (null_row) {
      name.append_null();
    } else {
      name.append(i % 3 == 0 ? "" : fmt::format("銘柄{}", i % 6));
    }
  }
  return Table({std::move(code), std::move(date), std::move(volume), std::move(close),
                std::move(ratio), std::move(board), std::move(published), std::move(name)});
}

WriterOptions seed_options(Compression compression) {
  WriterOptions options;
  options.compression = compression;
  options.row_group_rows = 16;
  options.page_bytes = 128;
  options.logical_types = {{"board", LogicalType::kInt8},
                           {"published", LogicalType::kTimestampMillis}};
  options.key_value_metadata = {{"seed", "1"}};
  return options;
}

int run(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  int failures = 0;
  auto write = [&](const std::string& name, const Table& table, const WriterOptions& options) {
    try {
      write_table(table, create_local_file(out_dir / (name + ".parquet")), options);
    } catch (const std::exception& error) {
      fmt::print(stderr, "make_parquet_seeds: {}: {}\n", name, error.what());
      ++failures;
    }
  };
  for (const Compression compression :
       {Compression::kUncompressed, Compression::kSnappy, Compression::kZstd}) {
    const std::string codec(compression_name(compression));
    write("nulls_" + codec, seed_table(40, true), seed_options(compression));
    WriterOptions plain = seed_options(compression);
    plain.dictionary = false;
    write("plain_" + codec, seed_table(40, true), plain);
    WriterOptions v2 = seed_options(compression);
    v2.data_page_v2 = true;
    write("page_v2_" + codec, seed_table(40, true), v2);
  }
  WriterOptions fallback = seed_options(Compression::kUncompressed);
  fallback.dictionary_max_bytes = 64;
  write("dictionary_fallback", seed_table(40, false), fallback);
  WriterOptions required = seed_options(Compression::kUncompressed);
  required.required_columns = {"code", "date", "close", "board"};
  required.logical_types["published"] = LogicalType::kTimestampMicros;
  write("required", seed_table(24, false), required);
  write("empty", seed_table(0, false), seed_options(Compression::kUncompressed));
  write("one_row", seed_table(1, false), seed_options(Compression::kUncompressed));
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gogooku3::storage::parquet

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: make_parquet_seeds OUTDIR\n");
    return 2;
  }
  return gogooku3::storage::parquet::run(argv[1]);
}
