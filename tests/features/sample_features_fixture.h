// Shared test data for the feature engine tests: the sample market's clean prices, master,
// TOPIX and investor types for 60 stocks over about two and a half years, built in memory
// once per test binary (market/ingest/sample_history.h).
#pragma once

#include "core/trading_calendar.h"
#include "features/feature_inputs.h"
#include "market/ingest/sample_history.h"

namespace gogooku3::features::testing {

struct SampleFeatureData {
  TradingCalendar calendar;
  Date first;
  Date last;
  Table prices;  // with sector33_code and market_code joined
  Table topix;
  Table investor_types;
};

inline const SampleFeatureData& sample_feature_data() {
  static const SampleFeatureData data = [] {
    SampleFeatureData d;
    d.first = Date::from_ymd(2016, 1, 4);
    d.last = Date::from_ymd(2018, 6, 29);
    const market::MarketHistory h = market::sample_history(
        {.seed = 7, .stocks = 60, .start_date = d.first}, d.calendar, d.first, d.last);
    d.prices = join_master(h.prices, h.master);
    d.topix = h.topix;
    d.investor_types = h.investor_types;
    return d;
  }();
  return data;
}

// Rows of `table` whose date column `column` satisfies keep(date).
template <typename Keep>
Table filter_by_date(const Table& table, std::string_view column, Keep keep) {
  if (table.num_rows() == 0) return table;
  const auto& dates = table.column(column).as<Date>();
  std::vector<size_t> rows;
  for (size_t i = 0; i < dates.size(); ++i) {
    if (keep(dates[i])) rows.push_back(i);
  }
  return table.take(rows);
}

}  // namespace gogooku3::features::testing
