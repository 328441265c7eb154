// The data contracts of the market records gogooku3 ingests: daily bars, the equities master
// and weekly investor types (their columns are the J-Quants endpoint's, market/jquants/
// endpoints.h). Each rule is listed, with its severity and a sentence, in docs/contracts.md.
//
// Bars rules need context the rows do not carry: the day being ingested, the TSE calendar
// and each code's previous close (from the previous business day's clean prices) for the
// price-limit check. A code without a previous close (new listing, halted yesterday, first day
// of the lake) skips that one rule.
//
// Investor types: J-Quants corrects a week by publishing a new record with the same Section,
// StDate and EnDate and a later PubDate; latest_investor_types() keeps the latest.
#pragma once

#include <map>
#include <string>

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "market/contracts/contract.h"

namespace gogooku3::market::contracts {

struct BarsContext {
  Date partition_date;
  const TradingCalendar* calendar = nullptr;
  // Raw close of each code on its last traded day before partition_date.
  std::map<std::string, double, std::less<>> previous_close;
};

Contract bars_contract(BarsContext context);
Contract master_contract(Date partition_date);
Contract investor_types_contract(Date partition_date);

// One row per (section, start_date, end_date): the one with the latest published_date
// (ties: the later row). Sorted by start_date, section.
Table latest_investor_types(const Table& investor_types);

}  // namespace gogooku3::market::contracts
