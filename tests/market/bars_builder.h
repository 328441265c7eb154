// Test helper: daily-bar tables with the bars_daily columns, one row per BarRow, for contract
// and clean-price tests. Unset prices mean a day without trades (all null together).
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/table.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::market::testing {

struct BarRow {
  std::string code;
  std::string date;
  double open = NAN;
  double high = NAN;
  double low = NAN;
  double close = NAN;
  double volume = NAN;
  double adjustment_factor = 1.0;
  int upper_limit = 0;
  int lower_limit = 0;
  std::optional<double> turnover = std::nullopt;  // default: volume * close
};

inline BarRow traded(std::string code, std::string date, double close, double volume = 1000,
                     double factor = 1.0) {
  return {std::move(code), std::move(date), close, close, close, close, volume, factor};
}
inline BarRow halted(std::string code, std::string date) {
  return {std::move(code), std::move(date)};
}

inline Table bars_table(const std::vector<BarRow>& rows) {
  Table table;
  for (const jquants::FieldSpec& field : jquants::endpoint("bars_daily").fields) {
    Column column(std::string(field.column), field.type);
    for (const BarRow& row : rows) {
      const std::string_view name = field.column;
      if (name == "code") {
        column.append(row.code);
      } else if (name == "date") {
        column.append(Date::parse(row.date));
      } else if (name == "upper_limit") {
        column.append(int32_t{row.upper_limit});
      } else if (name == "lower_limit") {
        column.append(int32_t{row.lower_limit});
      } else if (name == "adjustment_factor") {
        column.append(row.adjustment_factor);
      } else if (name == "open" || name == "adj_open") {
        column.append(row.open);
      } else if (name == "high" || name == "adj_high") {
        column.append(row.high);
      } else if (name == "low" || name == "adj_low") {
        column.append(row.low);
      } else if (name == "close" || name == "adj_close") {
        column.append(row.close);
      } else if (name == "volume" || name == "adj_volume") {
        column.append(row.volume);
      } else if (name == "turnover_value") {
        column.append(row.turnover.value_or(row.volume * row.close));
      }
    }
    table.add_column(std::move(column));
  }
  return table;
}

}  // namespace gogooku3::market::testing
