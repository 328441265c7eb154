// The sample market's universe: which stocks exist, what they are and what will happen to them.
//
// A stock's static traits (code, names, sector, market, size, price, risk loadings) and its
// corporate events (delisting day, splits and reverse splits) are drawn once, when the stock
// enters the simulation, from streams keyed by the stock's ordinal (its position in order of
// entry; the initial universe is 0..N-1, later listings follow). Drawing the events up front is
// what lets a record of day t carry the adjustment for splits that come later (see
// SampleMarket's `as_of`).
//
// Days are counted as business-day ordinals from the simulation's start_date (0), so that
// "in 300 business days" needs no calendar here.
//
// The tables below are the real TSE ones: the 33 industry sectors with their Japanese names
// and their 17-sector grouping, and the market codes before and after the 2022-04-04
// reorganisation. Immutable data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "market/sample/sample_market.h"

namespace gogooku3::market::sample {

struct Sector33 {
  std::string_view code;     // "3650"
  std::string_view name;     // "電気機器"
  std::string_view word_ja;  // what a company name says: "電機"
  std::string_view word_en;  // "Electric"
  int sector17;              // 1..17
  double weight;             // relative number of listed companies
  // How the sector's stocks respond to foreign net buying (the planted flow tilt): exporters
  // and large-cap cyclicals +, domestic defensives -.
  double foreign_tilt;
};
std::span<const Sector33> sectors33();
// "9" -> "電機・精密"; sector17 is 1..17.
std::string_view sector17_code(int sector17);
std::string_view sector17_name(int sector17);

// TSE's market segments, before and after the reorganisation of 2022-04-04.
enum class LegacyMarket { kFirst, kSecond, kMothers, kJasdaq };
enum class Market { kPrime, kStandard, kGrowth };
inline constexpr Date kMarketReorganisation = Date(19086);  // 2022-04-04

struct MarketLabel {
  std::string_view code;     // Mkt: "0111"
  std::string_view name;     // MktNm: "プライム"
  std::string_view section;  // investor-types Section: "TSEPrime"
};
MarketLabel market_label(LegacyMarket market);
MarketLabel market_label(Market market);

// Investor-type sections: the four legacy ones, the three new ones, and TokyoNagoya (all).
inline constexpr int kSectionCount = 8;
inline constexpr int kTokyoNagoya = 7;
int section_index(LegacyMarket market);  // 0..3
int section_index(Market market);        // 4..6
std::string_view section_name(int section);

struct CorporateEvent {
  int ordinal;    // ex-date, as a business-day ordinal
  double factor;  // AdjFactor on the ex-date: 0.5 for a 1:2 split, 5.0 for a 5:1 reverse split
};

struct StockProfile {
  uint64_t ordinal = 0;  // key of the stock's random streams
  std::string code;      // "13010", "130A0"
  std::string name_ja;   // "サンプル精密1301"
  std::string name_en;   // "Sample Precision 1301 Co., Ltd."
  int sector = 0;        // index into sectors33()
  LegacyMarket legacy_market = LegacyMarket::kFirst;
  Market market = Market::kPrime;
  bool loanable = false;  // 貸借銘柄 (Mrgn "2") rather than 信用 only ("1")
  // Size and price when the stock enters: market capitalisation (yen), price and shares.
  double size_percentile = 0.5;  // 0 smallest .. 1 largest, as drawn
  double initial_price = 0;
  double shares = 0;
  // Risk model: return = beta * market + sector_loading * sector + idiosyncratic.
  double beta = 1;
  double sector_loading = 1;
  double idio_vol = 0;       // unconditional daily volatility of the idiosyncratic part
  double turnover_rate = 0;  // median share of outstanding shares traded per day
  int listing_ordinal = 0;   // first trading day; the initial universe is listed from day 0
  int last_ordinal = 0;      // last trading day (a very large number: never delisted)
  std::vector<CorporateEvent> events;  // ex-dates ascending, drawn through the horizon
};

inline constexpr int kNeverDelisted = 1 << 30;

// Hands out unique codes in a seeded order: four-digit codes 1301..9999 first (the old form),
// then the alphanumeric form ("130A0", "131A0", ...) once they run out or when asked for it.
class CodeAllocator {
 public:
  explicit CodeAllocator(uint64_t seed);
  // The initial universe's codes, ascending (so that ordinal order is code order).
  std::vector<std::string> initial(int count);
  std::string next_numeric();
  std::string next_alphanumeric();

 private:
  std::vector<int> numeric_;  // shuffled 1301..9999
  size_t next_numeric_ = 0;
  size_t next_alphanumeric_ = 0;
};

// Draws one stock. `ipo` marks a listing after the start (younger, smaller, mostly Growth);
// events are drawn for ordinals (listing_ordinal, horizon_ordinal].
StockProfile draw_stock(uint64_t seed, uint64_t ordinal, std::string code, bool ipo,
                        int listing_ordinal, int horizon_ordinal,
                        const SampleParameters& parameters);

}  // namespace gogooku3::market::sample
