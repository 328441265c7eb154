// parquet_interop_write OUTDIR: writes one Parquet file per writer feature with our Writer, and
// beside each NAME.parquet the content it must read back as, NAME.json, in the canonical form
// of canonical_json.h. compare.mjs then reads every file with DuckDB, hyparquet and
// parquet-wasm (scripts/interop-test.sh runs both). Exits 1 when a file cannot be written or
// does not have the row groups its case is about.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canonical_json.h"
#include "core/column.h"
#include "core/date.h"
#include "core/error.h"
#include "core/table.h"
#include "storage/io/file_io.h"
#include "storage/parquet/reader.h"
#include "storage/parquet/writer.h"

namespace gogooku3::storage::parquet::interop {
namespace {

constexpr float kFloatSpecials[] = {0.0F,
                                    -0.0F,
                                    1.5F,
                                    NAN,
                                    std::numeric_limits<float>::infinity(),
                                    -std::numeric_limits<float>::infinity(),
                                    std::numeric_limits<float>::max(),
                                    std::numeric_limits<float>::denorm_min(),
                                    std::numeric_limits<float>::lowest()};
constexpr double kDoubleSpecials[] = {0.1,
                                      -0.0,
                                      NAN,
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(),
                                      1e-300};
const char* const kStrings[] = {
    "", "日本語テキスト", "トヨタ自動車", "🙂 emoji", "tab\tquote\"", "back\\slash", "130A0"};

// Row i is null when the column's nulls are on and i hits its period.
bool null_at(bool nullable, std::size_t i, std::size_t period) {
  return nullable && i % period == period - 1;
}

// Every column type and logical type, `rows` long. With `nullable`, every column has nulls
// (NaN in float/double); without, no column has any and float/double avoid NaN.
Table all_types_table(std::size_t rows, bool nullable) {
  Column code("code", ColumnType::kString);
  Column date("date", ColumnType::kDate);
  Column i8("i8", ColumnType::kInt32);
  Column i16("i16", ColumnType::kInt32);
  Column i32("i32", ColumnType::kInt32);
  Column i64("i64", ColumnType::kInt64);
  Column ts_ms("ts_ms", ColumnType::kInt64);
  Column ts_us("ts_us", ColumnType::kInt64);
  Column f32("f32", ColumnType::kFloat);
  Column f64("f64", ColumnType::kDouble);
  Column text("text", ColumnType::kString);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto n = static_cast<std::int64_t>(i);
    const auto n32 = static_cast<std::int32_t>(i);
    if (null_at(nullable, i, 10)) {
      code.append_null();
    } else {
      code.append(fmt::format("{}", 13000 + (i % 40) * 10));
    }
    if (null_at(nullable, i, 12)) {
      date.append_null();
    } else {
      const std::int32_t specials[] = {-25567, 0, 47482, -719162};
      date.append(Date(i % 23 == 0 ? specials[(i / 23) % 4] : 19000 + n32));
    }
    if (null_at(nullable, i, 7)) {
      i8.append_null();
    } else {
      i8.append(i % 10 == 0 ? (i % 20 == 0 ? -128 : 127)
                            : static_cast<std::int32_t>(i * 37 % 256) - 128);
    }
    if (null_at(nullable, i, 11)) {
      i16.append_null();
    } else {
      const std::int32_t values[] = {-32768, 32767, 0, 1234, -1};
      i16.append(values[i % 5]);
    }
    if (null_at(nullable, i, 13)) {
      i32.append_null();
    } else if (i % 17 == 0) {
      i32.append(i % 34 == 0 ? std::numeric_limits<std::int32_t>::min()
                             : std::numeric_limits<std::int32_t>::max());
    } else {
      i32.append(n32 * 7919 - 20000000);
    }
    if (null_at(nullable, i, 5)) {
      i64.append_null();
    } else if (i % 19 == 0) {
      i64.append(i % 38 == 0 ? std::numeric_limits<std::int64_t>::min()
                             : std::numeric_limits<std::int64_t>::max());
    } else {
      i64.append(n * 1000000007 - 123456789);
    }
    if (null_at(nullable, i, 14)) {
      ts_ms.append_null();
    } else {
      const std::int64_t specials[] = {0, -1, -2208988800000};
      ts_ms.append(i % 29 == 0 ? specials[(i / 29) % 3] : 1700000000000 + n * 60001);
    }
    if (null_at(nullable, i, 15)) {
      ts_us.append_null();
    } else {
      const std::int64_t specials[] = {0, -1, -2208988800000001};
      ts_us.append(i % 31 == 0 ? specials[(i / 31) % 3] : 1700000000000000 + n * 1000003);
    }
    float f = i % 3 == 0 ? kFloatSpecials[(i / 3) % std::size(kFloatSpecials)]
                         : static_cast<float>(i) * 0.1F - 100.0F;
    if (null_at(nullable, i, 9)) f = NAN;
    if (!nullable && std::isnan(f)) f = 2.5F;
    f32.append(f);
    double d = i % 4 == 0 ? kDoubleSpecials[(i / 4) % std::size(kDoubleSpecials)]
                          : static_cast<double>(i) / 7;
    if (null_at(nullable, i, 8)) d = NAN;
    if (!nullable && std::isnan(d)) d = -2.25;
    f64.append(d);
    if (null_at(nullable, i, 6)) {
      text.append_null();
    } else if (i % 2 == 0) {
      text.append(kStrings[(i / 2) % std::size(kStrings)]);
    } else {
      text.append(fmt::format("row {} {}", i, std::string(i % 97, 'x')));
    }
  }
  return Table({std::move(code), std::move(date), std::move(i8), std::move(i16), std::move(i32),
                std::move(i64), std::move(ts_ms), std::move(ts_us), std::move(f32), std::move(f64),
                std::move(text)});
}

const std::map<std::string, LogicalType> kAllTypesLogical = {
    {"i8", LogicalType::kInt8},
    {"i16", LogicalType::kInt16},
    {"ts_ms", LogicalType::kTimestampMillis},
    {"ts_us", LogicalType::kTimestampMicros},
};

// Strings a dictionary cannot hold for long: every row distinct and a few hundred bytes.
Table unique_strings_table(std::size_t rows) {
  Column text("text", ColumnType::kString);
  Column code("code", ColumnType::kString);
  for (std::size_t i = 0; i < rows; ++i) {
    text.append(
        fmt::format("{:06} {}", i, std::string(200 + i % 50, static_cast<char>('a' + i % 26))));
    code.append(fmt::format("{}", 13000 + (i % 7) * 10));
  }
  return Table({std::move(text), std::move(code)});
}

// A day of prices per 40 codes, sorted by (date, code) as the lake stores them: row groups
// cover disjoint date ranges, so readers that filter by date prune by our statistics.
Table prices_table(std::size_t rows) {
  Column date("date", ColumnType::kDate);
  Column code("code", ColumnType::kString);
  Column close("close", ColumnType::kDouble);
  Column volume("volume", ColumnType::kInt64);
  for (std::size_t i = 0; i < rows; ++i) {
    date.append(Date(19000 + static_cast<std::int32_t>(i / 40)));
    code.append(fmt::format("{}", 13000 + (i % 40) * 10));
    close.append(i % 50 == 49 ? NAN : 1000 + static_cast<double>(i * 7 % 997) / 4);
    volume.append(static_cast<std::int64_t>(i) * 100);
  }
  return Table({std::move(date), std::move(code), std::move(close), std::move(volume)});
}

struct WriteCase {
  std::string name;
  Table table;
  WriterOptions options;
  // Writer::write calls the table is split into; 1 uses write_table.
  std::size_t batches = 1;
  // Whether the file must come out with more than one row group.
  bool several_row_groups = false;
};

WriterOptions options_with(Compression compression, std::size_t row_group_rows = 1000) {
  WriterOptions options;
  options.compression = compression;
  options.row_group_rows = row_group_rows;
  options.logical_types = kAllTypesLogical;
  return options;
}

std::vector<WriteCase> write_cases() {
  std::vector<WriteCase> cases;
  auto all_types = [&](std::string name, WriterOptions options, std::size_t rows = 2500,
                       bool nullable = true) {
    options.key_value_metadata = {{"writer", "gogooku3"}, {"case", name}, {"note", "株価 ✓"}};
    cases.push_back(
        {std::move(name), all_types_table(rows, nullable), std::move(options), 1, rows > 1000});
  };
  all_types("all_types_zstd", options_with(Compression::kZstd));
  all_types("all_types_snappy", options_with(Compression::kSnappy));
  all_types("all_types_uncompressed", options_with(Compression::kUncompressed));
  {
    WriterOptions options = options_with(Compression::kZstd);
    options.zstd_level = 19;
    all_types("all_types_zstd_level19", options);
  }
  {
    WriterOptions options = options_with(Compression::kZstd);
    options.dictionary = false;
    all_types("no_dictionary_zstd", options);
  }
  {
    WriterOptions options = options_with(Compression::kZstd);
    options.data_page_v2 = true;
    all_types("page_v2_zstd", options);
  }
  {
    WriterOptions options = options_with(Compression::kUncompressed);
    options.data_page_v2 = true;
    all_types("page_v2_uncompressed", options);
  }
  {
    WriterOptions options = options_with(Compression::kSnappy);
    options.data_page_v2 = true;
    options.dictionary = false;
    all_types("page_v2_snappy_no_dictionary", options);
  }
  {
    WriterOptions options = options_with(Compression::kZstd);
    options.page_bytes = 256;
    all_types("small_pages_zstd", options);
  }
  {
    WriterOptions options = options_with(Compression::kSnappy);
    for (const Field& field : all_types_table(0, false).schema()) {
      options.required_columns.push_back(field.name);
    }
    all_types("required_snappy", options, 2500, false);
  }
  all_types("one_row_zstd", options_with(Compression::kZstd), 1);
  all_types("empty_zstd", options_with(Compression::kZstd), 0);
  for (const bool page_v2 : {false, true}) {
    WriterOptions options = options_with(page_v2 ? Compression::kZstd : Compression::kSnappy);
    options.logical_types.clear();
    options.dictionary_max_bytes = 4096;
    options.data_page_v2 = page_v2;
    options.key_value_metadata = {{"", "empty key"}, {"empty value", ""}, {"銘柄", "コード"}};
    std::string name = page_v2 ? "dictionary_fallback_page_v2_zstd" : "dictionary_fallback_snappy";
    cases.push_back({std::move(name), unique_strings_table(3000), options, 1, true});
  }
  {
    WriterOptions options;
    options.row_group_rows = 1000;
    options.required_columns = {"date", "code"};
    cases.push_back({"prices_sorted_zstd", prices_table(5000), options, 1, true});
  }
  {
    WriterOptions options = options_with(Compression::kZstd);
    cases.push_back({"batches_zstd", all_types_table(2600, true), options, 4, true});
  }
  return cases;
}

void write_file(const WriteCase& write_case, const std::filesystem::path& path) {
  if (write_case.batches == 1) {
    write_table(write_case.table, create_local_file(path), write_case.options);
    return;
  }
  Writer writer(create_local_file(path), write_case.table.schema(), write_case.options);
  const std::size_t rows = write_case.table.num_rows();
  // Uneven batches, one of them a single row, so that row groups straddle write() calls.
  const std::size_t cuts[] = {0, rows / 3, rows / 3 + 1, rows * 3 / 4, rows};
  for (std::size_t b = 0; b + 1 < std::size(cuts); ++b) {
    writer.write(write_case.table.slice(cuts[b], cuts[b + 1]));
  }
  writer.close();
}

nlohmann::json expected_content(const WriteCase& write_case) {
  const WriterOptions& options = write_case.options;
  nlohmann::json columns = nlohmann::json::array();
  for (const Column& column : write_case.table.columns()) {
    const auto logical = options.logical_types.find(column.name());
    const bool required =
        std::find(options.required_columns.begin(), options.required_columns.end(),
                  column.name()) != options.required_columns.end();
    const std::string type =
        canonical_type(column.type(), logical == options.logical_types.end() ? LogicalType::kNone
                                                                             : logical->second);
    nlohmann::json expected_column = {
        {"name", column.name()}, {"type", type}, {"required", required}};
    // column_schema.h: timestamps are written UTC-adjusted (DuckDB: TIMESTAMP WITH TIME ZONE).
    if (type.starts_with("timestamp")) expected_column["utc"] = true;
    expected_column["values"] = canonical_values(column);
    columns.push_back(std::move(expected_column));
  }
  nlohmann::json expected = {
      {"num_rows", write_case.table.num_rows()},
      {"columns", std::move(columns)},
      {"key_value_metadata", canonical_key_value_metadata(options.key_value_metadata)},
  };
  const std::size_t rows = write_case.table.num_rows();
  if (rows > 0) {
    expected["num_row_groups"] = (rows + options.row_group_rows - 1) / options.row_group_rows;
  }
  return expected;
}

int run(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  int failures = 0;
  for (const WriteCase& write_case : write_cases()) {
    const std::filesystem::path path = out_dir / (write_case.name + ".parquet");
    try {
      write_file(write_case, path);
      const Reader reader = open_file(path);
      if (write_case.several_row_groups && reader.num_row_groups() < 2) {
        fmt::print("FAIL {}: wrote {} row group(s), the case needs several\n", path.string(),
                   reader.num_row_groups());
        ++failures;
        continue;
      }
      std::ofstream(out_dir / (write_case.name + ".json"))
          << expected_content(write_case).dump() << '\n';
      fmt::print("wrote {} ({} rows, {} row groups)\n", path.string(), reader.num_rows(),
                 reader.num_row_groups());
    } catch (const std::exception& error) {
      fmt::print("FAIL {}: {}\n", path.string(), error.what());
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gogooku3::storage::parquet::interop

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: parquet_interop_write OUTDIR\n");
    return 2;
  }
  return gogooku3::storage::parquet::interop::run(argv[1]);
}
