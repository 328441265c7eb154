#include "market/ingest/clean_prices.h"

#include <cmath>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "market/contracts/market_contracts.h"

namespace gogooku3::market {
namespace {

constexpr std::string_view kCumulative = "cumulative_adjustment";

struct CodeState {
  double cumulative = 1.0;
  double close = NAN;  // the last raw close, NaN when the code did not trade that day
};

// Each code's cumulative factor and close on the previous day, from that day's clean and
// quarantined rows (a quarantined row still carries its split factor forward).
std::unordered_map<std::string, CodeState> previous_states(
    const std::vector<const Table*>& tables) {
  std::unordered_map<std::string, CodeState> states;
  for (const Table* table : tables) {
    if (table->num_rows() == 0) continue;
    const auto& codes = table->column(kCodeColumn).as<std::string>();
    const auto& cumulative = table->column(kCumulative).as<double>();
    const auto& close = table->column("close").as<double>();
    for (size_t row = 0; row < table->num_rows(); ++row) {
      if (!std::isfinite(cumulative[row])) continue;
      states[codes[row]] = {cumulative[row], close[row]};
    }
  }
  return states;
}

// The raw bars with cumulative_adjustment and the forward-adjusted columns appended.
Table with_adjustment(const Table& raw, const std::unordered_map<std::string, CodeState>& states) {
  const size_t rows = raw.num_rows();
  const auto& codes = raw.column(kCodeColumn).as<std::string>();
  const auto& factor = raw.column("adjustment_factor").as<double>();
  std::vector<double> cumulative(rows);
  for (size_t row = 0; row < rows; ++row) {
    const auto it = states.find(codes[row]);
    const double before = it == states.end() ? 1.0 : it->second.cumulative;
    cumulative[row] = factor[row] > 0 && std::isfinite(factor[row]) ? before * factor[row] : NAN;
  }
  Table table;
  for (const Column& column : raw.columns()) {
    const std::string_view name = column.name();
    if (name.starts_with("adj_")) continue;  // J-Quants's as-of adjustment: replaced below
    table.add_column(column);
  }
  table.add_column(Column::of<double>(std::string(kCumulative), cumulative));
  for (const char* price : {"open", "high", "low", "close"}) {
    const auto& values = raw.column(price).as<double>();
    std::vector<double> adjusted(rows);
    for (size_t row = 0; row < rows; ++row) adjusted[row] = values[row] / cumulative[row];
    table.add_column(Column::of<double>(std::string("adj_") + price, std::move(adjusted)));
  }
  const auto& volume = raw.column("volume").as<double>();
  std::vector<double> adjusted_volume(rows);
  for (size_t row = 0; row < rows; ++row) adjusted_volume[row] = volume[row] * cumulative[row];
  table.add_column(Column::of<double>("adj_volume", std::move(adjusted_volume)));
  return table;
}

}  // namespace

CleanPricesTables clean_prices_from(const Table& raw_bars, const Table& previous_clean,
                                    const Table& previous_quarantine, Date day,
                                    const TradingCalendar& calendar) {
  const auto states = previous_states({&previous_quarantine, &previous_clean});
  contracts::BarsContext context{day, &calendar, {}};
  for (const auto& [code, state] : states) {
    if (std::isfinite(state.close)) context.previous_close.emplace(code, state.close);
  }
  const contracts::Contract contract = contracts::bars_contract(std::move(context));
  // Check the raw columns (the contract's schema), then split the adjusted table by the
  // same verdicts: the outcome keeps row order, so checking the adjusted table is the same.
  contracts::ContractOutcome outcome = contract.check(with_adjustment(raw_bars, states));
  CleanPricesTables tables;
  tables.clean = std::move(outcome.passed).sort_by_code_date();
  tables.quarantine = std::move(outcome.quarantined);
  tables.result.date = day;
  tables.result.rows = static_cast<int64_t>(tables.clean.num_rows());
  tables.result.quarantined = static_cast<int64_t>(tables.quarantine.num_rows());
  tables.result.findings_by_rule = std::move(outcome.findings_by_rule);
  tables.result.warnings = std::move(outcome.warnings);
  if (tables.quarantine.num_rows() > 0) {
    const auto& codes = tables.quarantine.column(kCodeColumn).as<std::string>();
    const auto& reasons = tables.quarantine.column("reason").as<std::string>();
    for (size_t row = 0; row < tables.quarantine.num_rows(); ++row) {
      tables.result.quarantined_codes.emplace_back(codes[row], reasons[row]);
    }
  }
  return tables;
}

CleanPricesResult build_clean_prices(storage::Lake& lake, const TradingCalendar& calendar,
                                     Date day) {
  const Table raw = lake.read_partition(kRawBarsDataset, day);
  const Date previous_day = calendar.previous_business_day(day);
  const std::vector<storage::LakePartition> partitions = lake.list_partitions(kCleanPricesDataset);
  bool has_previous = false;
  bool has_earlier = false;
  for (const storage::LakePartition& partition : partitions) {
    has_previous = has_previous || partition.date == previous_day;
    has_earlier = has_earlier || partition.date < day;
  }
  if (has_earlier && !has_previous) {
    throw not_found(
        "clean/prices for {} needs the previous business day {}, which is missing while earlier "
        "days exist (split factors carry from day to day); ingest {} first",
        day.to_string(), previous_day.to_string(), previous_day.to_string());
  }
  const std::vector<std::string> state_columns = {std::string(kCodeColumn), "close",
                                                  std::string(kCumulative)};
  Table previous_clean;
  Table previous_quarantine;
  if (has_previous) {
    previous_clean = lake.read_partition(kCleanPricesDataset, previous_day, state_columns);
    previous_quarantine =
        lake.read_partition(kQuarantinePricesDataset, previous_day, state_columns);
  }
  CleanPricesTables tables =
      clean_prices_from(raw, previous_clean, previous_quarantine, day, calendar);
  lake.write_partition(kQuarantinePricesDataset, day, tables.quarantine);
  tables.result.clean_partition = lake.write_partition(kCleanPricesDataset, day, tables.clean);
  return std::move(tables.result);
}

}  // namespace gogooku3::market
