// `gogooku3 parquet`: look into and make Parquet files, local or on S3.
//   parquet schema FILE [--stats]                       columns, row groups, metadata
//   parquet cat FILE [--columns a,b] [--limit N] [--format csv|json]
//   parquet from-csv IN.csv OUT.parquet [--compression zstd|snappy|none]
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/storage_url.h"
#include "core/error.h"
#include "storage/csv/csv_table.h"
#include "storage/parquet/reader.h"
#include "storage/parquet/writer.h"

namespace gogooku3::cli {
namespace {

namespace parquet = storage::parquet;

struct ParquetOptions {
  std::string file;
  std::string output;
  std::vector<std::string> columns;
  int64_t limit = -1;
  std::string format = "csv";
  std::string compression = "zstd";
  int64_t row_group_rows = 1'000'000;
  bool stats = false;
};

int show_schema(const ParquetOptions& options) {
  const parquet::Reader reader = parquet::Reader::open(open_for_reading(options.file));
  std::cout << fmt::format("{}: {} rows in {} row group(s); created by {}\n", options.file,
                           reader.num_rows(), reader.num_row_groups(), reader.created_by());
  std::cout << fmt::format("{:<24} {:<8} {:<18} {}\n", "column", "type", "logical type",
                           "repetition");
  for (const parquet::ColumnInfo& column : reader.columns()) {
    std::cout << fmt::format("{:<24} {:<8} {:<18} {}\n", column.name, column_type_name(column.type),
                             parquet::logical_type_name(column.logical),
                             column.required ? "required" : "optional");
  }
  for (const auto& [key, value] : reader.key_value_metadata()) {
    std::cout << fmt::format("metadata {} = {}\n", key, value);
  }
  if (options.stats) {
    for (int i = 0; i < reader.num_row_groups(); ++i) {
      const parquet::RowGroupInfo& group = reader.row_group(i);
      std::cout << fmt::format("row group {}: {} rows, {} bytes\n", i, group.num_rows,
                               group.total_byte_size);
      for (const parquet::ColumnChunkStats& chunk : group.columns) {
        std::cout << fmt::format("  {:<22} nulls {:<8} min {:<20} max {}\n", chunk.column,
                                 chunk.null_count, chunk.min_text.value_or("-"),
                                 chunk.max_text.value_or("-"));
      }
    }
  }
  return kExitOk;
}

nlohmann::json json_value(const Column& column, size_t row) {
  if (!column.is_valid(row)) return nullptr;
  switch (column.type()) {
    case ColumnType::kInt32:
      return column.as<int32_t>()[row];
    case ColumnType::kInt64:
      return column.as<int64_t>()[row];
    case ColumnType::kFloat:
      return column.as<float>()[row];
    case ColumnType::kDouble:
      return column.as<double>()[row];
    case ColumnType::kString:
      return column.as<std::string>()[row];
    case ColumnType::kDate:
      return column.as<Date>()[row].to_string();
  }
  return nullptr;
}

int cat(const ParquetOptions& options) {
  if (options.format != "csv" && options.format != "json") {
    throw UsageError(fmt::format("--format {}: use csv or json", options.format));
  }
  const parquet::Reader reader = parquet::Reader::open(open_for_reading(options.file));
  int64_t remaining = options.limit < 0 ? reader.num_rows() : options.limit;
  bool header = true;
  // One row group at a time: a large file streams instead of loading whole.
  for (int group = 0; group < reader.num_row_groups() && remaining > 0; ++group) {
    Table table = reader.read_row_group(group, options.columns);
    if (static_cast<int64_t>(table.num_rows()) > remaining) {
      table = table.slice(0, static_cast<size_t>(remaining));
    }
    remaining -= static_cast<int64_t>(table.num_rows());
    if (options.format == "csv") {
      std::ostringstream out;
      storage::write_csv(table, out);
      std::string text = out.str();
      if (!header) text.erase(0, text.find('\n') + 1);
      std::cout << text;
    } else {
      for (size_t row = 0; row < table.num_rows(); ++row) {
        nlohmann::ordered_json object;
        for (const Column& column : table.columns())
          object[column.name()] = json_value(column, row);
        std::cout << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      }
    }
    header = false;
  }
  if (header && options.format == "csv") {
    // An empty file still says what its columns are.
    std::ostringstream out;
    storage::write_csv(reader.read_row_group(0, options.columns).slice(0, 0), out);
    std::cout << out.str();
  }
  return kExitOk;
}

int from_csv(const ParquetOptions& options) {
  if (options.row_group_rows < 1) throw UsageError("--row-group-rows must be 1 or more");
  parquet::WriterOptions writer_options;
  try {
    writer_options.compression = parquet::parse_compression(options.compression);
  } catch (const Error& e) {
    throw UsageError(fmt::format("--compression {}: {}", options.compression, e.what()));
  }
  writer_options.row_group_rows = static_cast<size_t>(options.row_group_rows);
  const Table table = storage::read_csv_file(options.file);
  parquet::write_table(table, open_for_writing(options.output), writer_options);
  std::cerr << fmt::format("wrote {} rows x {} columns to {} ({})\n", table.num_rows(),
                           table.num_columns(), options.output, options.compression);
  return kExitOk;
}

}  // namespace

Command register_parquet_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<ParquetOptions>();
  CLI::App* command =
      app.add_subcommand("parquet", "Inspect Parquet files and convert CSV to Parquet");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);

  CLI::App* schema = command->add_subcommand("schema", "Columns, row groups and metadata of FILE");
  add_global_options(*schema, context.globals);
  schema->add_option("FILE", options->file, "Local path or s3://bucket/key")->required();
  schema->add_flag("--stats", options->stats, "Also print each row group's column statistics");

  CLI::App* cat_command = command->add_subcommand("cat", "Print the rows of FILE as CSV or JSON");
  add_global_options(*cat_command, context.globals);
  cat_command->add_option("FILE", options->file, "Local path or s3://bucket/key")->required();
  cat_command->add_option("--columns", options->columns, "Only these columns, in this order")
      ->delimiter(',');
  cat_command->add_option("--limit", options->limit, "At most N rows");
  cat_command->add_option("--format", options->format, "csv (default) or json (one object a line)");

  CLI::App* convert = command->add_subcommand(
      "from-csv", "Write a CSV file (header row; types inferred) as Parquet");
  add_global_options(*convert, context.globals);
  convert->add_option("IN", options->file, "CSV file")->required();
  convert->add_option("OUT", options->output, "Parquet file: local path or s3://bucket/key")
      ->required();
  convert->add_option("--compression", options->compression, "zstd (default), snappy or none");
  convert->add_option("--row-group-rows", options->row_group_rows, "Rows per row group");

  return {command, [schema, cat_command, options] {
            if (schema->parsed()) return show_schema(*options);
            if (cat_command->parsed()) return cat(*options);
            return from_csv(*options);
          }};
}

}  // namespace gogooku3::cli
