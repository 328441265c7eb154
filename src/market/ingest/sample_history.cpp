#include "market/ingest/sample_history.h"

#include "core/error.h"
#include "market/ingest/clean_prices.h"

namespace gogooku3::market {

MarketHistory sample_history(const sample::SampleOptions& options, const TradingCalendar& calendar,
                             Date from, Date to) {
  if (to < from) {
    throw invalid_input("sample history: from {} is after to {}", from.to_string(), to.to_string());
  }
  sample::SampleMarket market(options, calendar, to);
  std::vector<Table> prices, master, topix, flows;
  Table previous_clean, previous_quarantine;
  while (std::optional<sample::SampleDay> day = market.next_day()) {
    if (day->date > to) break;
    CleanPricesTables clean =
        clean_prices_from(day->bars, previous_clean, previous_quarantine, day->date, calendar);
    if (day->date >= from) {
      prices.push_back(clean.clean);
      master.push_back(std::move(day->master));
      topix.push_back(std::move(day->topix));
      if (day->investor_types.num_rows() > 0) flows.push_back(std::move(day->investor_types));
    }
    previous_clean = std::move(clean.clean);
    previous_quarantine = std::move(clean.quarantine);
  }
  const auto joined = [](std::vector<Table>& parts) {
    return parts.empty() ? Table() : Table::concat(parts);
  };
  MarketHistory history;
  history.prices = joined(prices).sort_by_code_date();
  history.master = joined(master);
  history.topix = joined(topix);
  history.investor_types = joined(flows);
  return history;
}

}  // namespace gogooku3::market
