// `gogooku3 indicators`: the technical-indicator calculator over one stock's daily bars.
//   indicators --input OHLCV.csv --output OUT.csv --names sma_5,rsi_14,macd_12_26_9
// The input has the columns date, open, high, low, close, volume (others are ignored), one row
// per day, oldest first; a missing or empty price or volume marks a halted day. The output has
// `date` and one column per name, in the order given, numbers as "%.17g" and NaN where an
// indicator has no value (before its lookback and on halted days). `--output -` writes to
// stdout. Names are those of features/indicators/indicator_names.h; an unknown one is a usage
// error listing the valid patterns.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/table.h"
#include "features/indicators/indicator_names.h"
#include "storage/csv/csv_table.h"

namespace gogooku3::cli {
namespace {

namespace indicators = features::indicators;

constexpr std::string_view kInputColumns[] = {"date", "open", "high", "low", "close", "volume"};

struct IndicatorsOptions {
  std::string input;
  std::string output;
  std::vector<std::string> names;
};

std::vector<indicators::IndicatorSpec> parse_names(const std::vector<std::string>& names) {
  std::vector<indicators::IndicatorSpec> specs;
  std::set<std::string, std::less<>> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      throw UsageError(fmt::format("--names: '{}' is given twice", name));
    }
    try {
      specs.push_back(indicators::parse_indicator_name(name));
    } catch (const Error& e) {
      throw UsageError(fmt::format("--names: {}", e.what()));
    }
  }
  return specs;
}

// A price or volume column as doubles, missing values NaN. The CSV reader types a column by its
// fields, so whole numbers arrive as int64 and a column with no value at all as text.
std::vector<double> numeric_column(const Table& table, std::string_view name,
                                   const std::string& file) {
  const Column& column = table.column(name);
  std::vector<double> values(column.size(), indicators::kNaN);
  switch (column.type()) {
    case ColumnType::kDouble:
      values = column.as<double>();
      break;
    case ColumnType::kInt64:
      for (size_t row = 0; row < values.size(); ++row) {
        if (column.is_valid(row)) values[row] = static_cast<double>(column.as<int64_t>()[row]);
      }
      break;
    default:
      for (size_t row = 0; row < column.size(); ++row) {
        if (column.is_valid(row) && !column.value_to_string(row).empty()) {
          throw invalid_input("{}:{}: column '{}' must hold numbers, but the field is '{}'", file,
                              row + 2, name, column.value_to_string(row));
        }
      }
      break;
  }
  return values;
}

// Rows must be oldest first: an indicator over shuffled days would be quietly wrong.
void require_date_order(const Column& dates, const std::string& file) {
  const auto before = [&dates](size_t a, size_t b) {
    switch (dates.type()) {
      case ColumnType::kDate:
        return dates.as<Date>()[a] < dates.as<Date>()[b];
      case ColumnType::kInt64:
        return dates.as<int64_t>()[a] < dates.as<int64_t>()[b];
      case ColumnType::kString:
        return dates.as<std::string>()[a] < dates.as<std::string>()[b];
      default:
        return true;
    }
  };
  for (size_t row = 1; row < dates.size(); ++row) {
    if (!dates.is_valid(row) || !dates.is_valid(row - 1)) continue;
    if (!before(row - 1, row)) {
      throw invalid_input("{}:{}: date {} does not come after {}; rows must be oldest first", file,
                          row + 2, dates.value_to_string(row), dates.value_to_string(row - 1));
    }
  }
}

std::string csv_field(std::string text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string format_value(double value) {
  return std::isnan(value) ? std::string("NaN") : fmt::format("{:.17g}", value);
}

int run_indicators(const IndicatorsOptions& options) {
  const std::vector<indicators::IndicatorSpec> specs = parse_names(options.names);
  const Table table = storage::read_csv_file(options.input);
  for (const std::string_view column : kInputColumns) {
    if (!table.has_column(column)) {
      throw UsageError(
          fmt::format("--input {}: no column '{}'; the input needs date, open, "
                      "high, low, close, volume",
                      options.input, column));
    }
  }
  const Column& dates = table.column("date");
  require_date_order(dates, options.input);
  std::vector<std::vector<double>> prices;
  for (const std::string_view name : std::span(kInputColumns).subspan(1)) {
    prices.push_back(numeric_column(table, name, options.input));
  }
  const indicators::OhlcvBars bars(prices[0], prices[1], prices[2], prices[3], prices[4]);
  std::vector<std::vector<double>> results(specs.size(), std::vector<double>(table.num_rows()));
  for (size_t i = 0; i < specs.size(); ++i) bars.compute(specs[i], results[i]);

  std::string text = "date";
  for (const indicators::IndicatorSpec& spec : specs) text += "," + csv_field(spec.name);
  text += "\n";
  for (size_t row = 0; row < table.num_rows(); ++row) {
    text += dates.is_valid(row) ? csv_field(dates.value_to_string(row)) : std::string();
    for (const std::vector<double>& result : results) {
      text += ",";
      text += format_value(result[row]);
    }
    text += "\n";
  }
  if (options.output == "-") {
    std::cout << text << std::flush;
    return kExitOk;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (!out) throw not_found("--output {}: cannot create the file", options.output);
  out << text;
  out.close();
  if (!out) throw transient("--output {}: writing failed (disk full?)", options.output);
  return kExitOk;
}

}  // namespace

Command register_indicators_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<IndicatorsOptions>();
  CLI::App* command = app.add_subcommand(
      "indicators", "Compute technical indicators (TA-Lib definitions and more) from OHLCV CSV");
  add_global_options(*command, context.globals);
  command
      ->add_option("--input", options->input,
                   "CSV with date,open,high,low,close,volume, oldest first; an empty field "
                   "marks a halted day")
      ->required()
      ->option_text("FILE");
  command->add_option("--output", options->output, "CSV to write, or - for stdout")
      ->required()
      ->option_text("FILE");
  command
      ->add_option("--names", options->names,
                   "Comma-separated indicator names, e.g. sma_5,rsi_14,macd_12_26_9,"
                   "bb_upper_20_2")
      ->required()
      ->delimiter(',')
      ->option_text("NAME,...");
  std::string patterns;
  size_t line_length = 0;
  for (const std::string& pattern : features::indicators::indicator_name_patterns()) {
    if (line_length + pattern.size() + 1 > 96) {
      patterns += "\n";
      line_length = 0;
    }
    patterns += (line_length == 0 ? "  " : " ") + pattern;
    line_length += pattern.size() + 1;
  }
  command->footer(fmt::format(
      "Names (N, F, S, G, K, D, A, B, C are whole numbers; the K of bb_* may be a decimal):\n{}",
      patterns));
  return {command, [options] { return run_indicators(*options); }};
}

}  // namespace gogooku3::cli
