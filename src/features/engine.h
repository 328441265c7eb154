// The feature engine: computes a set of catalog features for every stock and day of a date
// range, from clean prices, TOPIX and investor-type statistics already in memory.
//
//   EngineInputs in{.prices = prices, .topix = topix, .investor_types = flows};
//   Table features = compute_features(in, manifest.features(), from, to);
//
// Inputs (tables as the lake stores them):
//   prices          clean/prices rows sorted by (code, date): adj_open, adj_high, adj_low,
//                   adj_close, adj_volume, turnover_value, upper_limit, lower_limit; plus
//                   sector33_code and market_code (text) when sector-relative or flow features
//                   are asked for (features/feature_inputs.h joins them from the master).
//   topix           raw/topix rows: date, open, high, low, close.
//   investor_types  raw/investor_types rows (published_date, section, foreigners_balance,
//                   individuals_balance, total_total); may be empty when no flow feature is
//                   asked for.
//   margin_interest raw/margin_interest rows with an `available_date` column (the first
//                   business day a record may be used; features/feature_inputs.h adds it):
//                   code, available_date, long_volume, short_volume. Empty: margin features
//                   are NaN ("when present").
// Rows before `from` are history: they feed the indicators but are not output. For one new
// day the caller passes only the trailing window (window_business_days() of the features);
// each stock feature is then computed on the last window() traded days before the target,
// not on everything given — the same code computes one day or twenty years.
//
// Output: code, date, then one float32 column per requested feature in the requested order,
// rows sorted by (code, date), one row per price row with from <= date <= to. Values are
// computed in double and rounded once. A halted day (no finite OHLC) is NaN in every stock
// feature; cross-section features treat NaN as "not ranked that day".
//
// Threads: stocks are computed in parallel with oneTBB (and the days of cross-section
// features likewise); `max_threads` = 0 uses every core. The inputs are only read.
#pragma once

#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "features/catalog/feature_def.h"

namespace gogooku3::features {

inline const Table kNoMarginInterest;

struct EngineInputs {
  const Table& prices;
  const Table& topix;
  const Table& investor_types;
  const Table& margin_interest = kNoMarginInterest;
};

struct EngineOptions {
  int max_threads = 0;
};

Table compute_features(const EngineInputs& inputs, const std::vector<const FeatureDef*>& features,
                       Date from, Date to, const EngineOptions& options = {});

// The investor-type section name ("TSEPrime", "TSE1st", ...) of a J-Quants market code
// ("0111", "0101", ...); empty for codes without a section statistic (TOKYO PRO, other).
std::string_view investor_section_of_market(std::string_view market_code);

}  // namespace gogooku3::features
