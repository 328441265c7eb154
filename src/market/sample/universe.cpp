#include "market/sample/universe.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "market/sample/random_stream.h"
#include "market/tse_rules.h"

namespace gogooku3::market::sample {
namespace {

// Weights are roughly the number of TSE-listed companies per sector in the early 2020s.
constexpr std::array<Sector33, 33> kSectors33 = {{
    {"0050", "水産・農林業", "水産", "Marine", 1, 12, -0.3},
    {"1050", "鉱業", "資源", "Resources", 2, 6, 0.5},
    {"2050", "建設業", "建設", "Construction", 3, 160, -0.3},
    {"3050", "食料品", "食品", "Foods", 1, 125, -0.6},
    {"3100", "繊維製品", "繊維", "Textile", 4, 50, 0.0},
    {"3150", "パルプ・紙", "製紙", "Paper", 4, 25, -0.3},
    {"3200", "化学", "化学", "Chemical", 4, 210, 0.4},
    {"3250", "医薬品", "製薬", "Pharma", 5, 75, 0.2},
    {"3300", "石油・石炭製品", "石油", "Oil", 2, 10, 0.5},
    {"3350", "ゴム製品", "ゴム", "Rubber", 6, 20, 0.5},
    {"3400", "ガラス・土石製品", "窯業", "Ceramics", 3, 55, 0.3},
    {"3450", "鉄鋼", "製鋼", "Steel", 7, 45, 0.7},
    {"3500", "非鉄金属", "金属", "Metals", 7, 35, 0.7},
    {"3550", "金属製品", "金属工業", "Metalworks", 3, 90, 0.0},
    {"3600", "機械", "機械", "Machinery", 8, 230, 0.9},
    {"3650", "電気機器", "電機", "Electric", 9, 240, 1.0},
    {"3700", "輸送用機器", "自動車", "Motors", 6, 90, 1.0},
    {"3750", "精密機器", "精密", "Precision", 9, 50, 0.9},
    {"3800", "その他製品", "工業", "Industries", 10, 110, 0.2},
    {"4050", "電気・ガス業", "電力", "Power", 11, 25, -0.8},
    {"5050", "陸運業", "鉄道", "Railway", 12, 65, -0.7},
    {"5100", "海運業", "海運", "Shipping", 12, 15, 0.8},
    {"5150", "空運業", "航空", "Airlines", 12, 5, -0.2},
    {"5200", "倉庫・運輸関連業", "倉庫", "Logistics", 12, 40, -0.2},
    {"5250", "情報・通信業", "テック", "Tech", 10, 520, 0.0},
    {"6050", "卸売業", "商事", "Trading", 13, 310, 0.5},
    {"6100", "小売業", "ストア", "Stores", 14, 350, -0.8},
    {"7050", "銀行業", "銀行", "Bank", 15, 80, 0.6},
    {"7100", "証券・商品先物取引業", "証券", "Securities", 16, 40, 0.6},
    {"7150", "保険業", "保険", "Insurance", 16, 10, 0.4},
    {"7200", "その他金融業", "ファイナンス", "Finance", 16, 35, 0.0},
    {"8050", "不動産業", "不動産", "Realty", 17, 140, -0.4},
    {"9050", "サービス業", "サービス", "Services", 10, 530, -0.5},
}};

constexpr std::array<std::string_view, 17> kSector17Codes = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"};
constexpr std::array<std::string_view, 17> kSector17Names = {
    "食品",       "エネルギー資源",
    "建設・資材", "素材・化学",
    "医薬品",     "自動車・輸送機",
    "鉄鋼・非鉄", "機械",
    "電機・精密", "情報通信・サービスその他",
    "電気・ガス", "運輸・物流",
    "商社・卸売", "小売",
    "銀行",       "金融（除く銀行）",
    "不動産"};

constexpr std::array<std::string_view, kSectionCount> kSectionNames = {
    "TSE1st",   "TSE2nd",      "TSEMothers", "TSEJASDAQ",
    "TSEPrime", "TSEStandard", "TSEGrowth",  "TokyoNagoya"};

// Letters JPX uses in alphanumeric codes: none that read like a digit (B E I O Q V Z).
constexpr std::string_view kCodeLetters = "ACDFGHJKLMNPRSTUWXY";

constexpr double kMedianCapitalisation = 2.5e10;  // yen
constexpr double kCapitalisationSpread = 1.6;     // log-normal sigma
constexpr double kBusinessDaysPerYear = 245;

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

int draw_sector(RandomStream& random) {
  static const double total = [] {
    double sum = 0;
    for (const Sector33& sector : kSectors33) sum += sector.weight;
    return sum;
  }();
  double target = random.uniform() * total;
  for (size_t i = 0; i < kSectors33.size(); ++i) {
    target -= kSectors33[i].weight;
    if (target < 0) return static_cast<int>(i);
  }
  return static_cast<int>(kSectors33.size()) - 1;
}

// Which pre-2022 market a stock of the initial universe is on, by size: big companies are
// mostly on the 1st section, small ones spread over JASDAQ, Mothers and the 2nd section.
LegacyMarket draw_legacy_market(RandomStream& random, double percentile, bool ipo) {
  const double u = random.uniform();
  if (ipo) {
    if (u < 0.65) return LegacyMarket::kMothers;
    if (u < 0.90) return LegacyMarket::kJasdaq;
    return u < 0.95 ? LegacyMarket::kSecond : LegacyMarket::kFirst;
  }
  if (percentile > 0.45) {
    if (u < 0.92) return LegacyMarket::kFirst;
    return u < 0.96 ? LegacyMarket::kSecond : LegacyMarket::kJasdaq;
  }
  if (percentile > 0.2) {
    if (u < 0.30) return LegacyMarket::kFirst;
    if (u < 0.55) return LegacyMarket::kSecond;
    return u < 0.90 ? LegacyMarket::kJasdaq : LegacyMarket::kMothers;
  }
  if (u < 0.05) return LegacyMarket::kFirst;
  if (u < 0.20) return LegacyMarket::kSecond;
  return u < 0.60 ? LegacyMarket::kJasdaq : LegacyMarket::kMothers;
}

// Where a stock went on 2022-04-04: the larger 1st-section companies to Prime, the rest of the
// 1st, 2nd and JASDAQ Standard to Standard, Mothers to Growth.
Market successor_market(LegacyMarket legacy, double percentile) {
  switch (legacy) {
    case LegacyMarket::kFirst:
      return percentile > 0.35 ? Market::kPrime : Market::kStandard;
    case LegacyMarket::kSecond:
    case LegacyMarket::kJasdaq:
      return Market::kStandard;
    case LegacyMarket::kMothers:
      return Market::kGrowth;
  }
  return Market::kStandard;
}

// A split or a reverse split, as the AdjFactor of its ex-date. Low-priced stocks consolidate,
// high-priced ones split.
double draw_split_factor(RandomStream& random, double listing_price) {
  const double reverse_probability =
      listing_price < 300 ? 0.5 : (listing_price > 3000 ? 0.02 : 0.08);
  if (random.bernoulli(reverse_probability)) return random.bernoulli(0.5) ? 5.0 : 10.0;
  const double u = random.uniform();
  if (u < 0.65) return 0.5;
  if (u < 0.80) return 0.25;
  if (u < 0.95) return 0.2;
  return 0.1;
}

}  // namespace

std::span<const Sector33> sectors33() { return kSectors33; }

std::string_view sector17_code(int sector17) {
  return kSector17Codes.at(static_cast<size_t>(sector17 - 1));
}
std::string_view sector17_name(int sector17) {
  return kSector17Names.at(static_cast<size_t>(sector17 - 1));
}

MarketLabel market_label(LegacyMarket market) {
  switch (market) {
    case LegacyMarket::kFirst:
      return {"0101", "東証一部", kSectionNames[0]};
    case LegacyMarket::kSecond:
      return {"0102", "東証二部", kSectionNames[1]};
    case LegacyMarket::kMothers:
      return {"0104", "マザーズ", kSectionNames[2]};
    case LegacyMarket::kJasdaq:
      return {"0106", "JASDAQ スタンダード", kSectionNames[3]};
  }
  throw internal_error("unknown legacy market {}", static_cast<int>(market));
}

MarketLabel market_label(Market market) {
  switch (market) {
    case Market::kPrime:
      return {"0111", "プライム", kSectionNames[4]};
    case Market::kStandard:
      return {"0112", "スタンダード", kSectionNames[5]};
    case Market::kGrowth:
      return {"0113", "グロース", kSectionNames[6]};
  }
  throw internal_error("unknown market {}", static_cast<int>(market));
}

int section_index(LegacyMarket market) { return static_cast<int>(market); }
int section_index(Market market) { return 4 + static_cast<int>(market); }
std::string_view section_name(int section) {
  return kSectionNames.at(static_cast<size_t>(section));
}

CodeAllocator::CodeAllocator(uint64_t seed) {
  numeric_.resize(9999 - 1301 + 1);
  std::iota(numeric_.begin(), numeric_.end(), 1301);
  RandomStream random(seed, StreamPurpose::kCodes, 0, 0);
  for (size_t i = numeric_.size() - 1; i > 0; --i) {
    std::swap(numeric_[i], numeric_[random.below(i + 1)]);
  }
}

std::vector<std::string> CodeAllocator::initial(int count) {
  const auto numeric = static_cast<size_t>(std::min<int>(count, static_cast<int>(numeric_.size())));
  std::vector<int> chosen(numeric_.begin(),
                          numeric_.begin() + static_cast<std::ptrdiff_t>(numeric));
  std::sort(chosen.begin(), chosen.end());
  next_numeric_ = numeric;
  std::vector<std::string> codes;
  codes.reserve(static_cast<size_t>(count));
  for (const int code : chosen) codes.push_back(fmt::format("{}0", code));
  while (codes.size() < static_cast<size_t>(count)) codes.push_back(next_alphanumeric());
  return codes;
}

std::string CodeAllocator::next_numeric() {
  if (next_numeric_ == numeric_.size()) return next_alphanumeric();
  return fmt::format("{}0", numeric_[next_numeric_++]);
}

std::string CodeAllocator::next_alphanumeric() {
  const size_t letters = kCodeLetters.size();
  // First form: three digits and a letter, 130A, 131A, ..., 999A, 130C, ...
  constexpr size_t kFirstFormNumbers = 999 - 130 + 1;
  size_t index = next_alphanumeric_++;
  if (index < kFirstFormNumbers * letters) {
    return fmt::format("{:03d}{}0", 130 + index % kFirstFormNumbers,
                       kCodeLetters[index / kFirstFormNumbers]);
  }
  // Then digit, letter, digit, letter: 1A1A, ...
  index -= kFirstFormNumbers * letters;
  if (index < 9 * letters * 10 * letters) {
    const size_t fourth = index % letters;
    const size_t third = index / letters % 10;
    const size_t second = index / letters / 10 % letters;
    const size_t first = 1 + index / letters / 10 / letters;
    return fmt::format("{}{}{}{}0", first, kCodeLetters[second], third, kCodeLetters[fourth]);
  }
  throw internal_error("the sample market ran out of stock codes");
}

StockProfile draw_stock(uint64_t seed, uint64_t ordinal, std::string code, bool ipo,
                        int listing_ordinal, int horizon_ordinal,
                        const SampleParameters& parameters) {
  StockProfile stock;
  stock.ordinal = ordinal;
  RandomStream traits(seed, StreamPurpose::kUniverse, ordinal, 0);
  stock.sector = draw_sector(traits);
  const Sector33& sector = kSectors33[static_cast<size_t>(stock.sector)];
  const std::string_view short_code = std::string_view(code).substr(0, 4);
  stock.name_ja = fmt::format("サンプル{}{}", sector.word_ja, short_code);
  stock.name_en = fmt::format("Sample {} {} Co.,Ltd.", sector.word_en, short_code);
  stock.code = std::move(code);

  // Newly listed companies are smaller than the listed population.
  double size_z = traits.normal();
  if (ipo) size_z = 0.8 * size_z - 0.8;
  size_z = std::clamp(size_z, -3.0, 4.0);
  stock.size_percentile = standard_normal_cdf(size_z);
  const double capitalisation = kMedianCapitalisation * std::exp(kCapitalisationSpread * size_z);
  stock.initial_price = round_to_tick(
      std::clamp(1200.0 * std::exp(0.35 * size_z + 0.8 * traits.normal()), 40.0, 60'000.0));
  stock.shares = std::max(1e4, std::round(capitalisation / stock.initial_price / 100) * 100);

  stock.legacy_market = draw_legacy_market(traits, stock.size_percentile, ipo);
  stock.market = successor_market(stock.legacy_market, stock.size_percentile);
  stock.loanable = traits.uniform() < 0.15 + 0.7 * stock.size_percentile;

  stock.beta = std::clamp(1.0 + 0.25 * traits.normal(), 0.3, 1.8);
  stock.sector_loading = std::clamp(1.0 + 0.2 * traits.normal(), 0.4, 1.6);
  // Small companies move more.
  stock.idio_vol = parameters.idio_daily_vol *
                   std::clamp(std::exp(-0.25 * size_z + 0.15 * traits.normal()), 0.4, 3.0) *
                   (ipo ? 1.3 : 1.0);
  stock.turnover_rate = 0.003 * std::exp(0.5 * traits.normal()) * (ipo ? 2.0 : 1.0);
  stock.listing_ordinal = listing_ordinal;

  RandomStream events(seed, StreamPurpose::kCorporateEvents, ordinal, 0);
  stock.last_ordinal = kNeverDelisted;
  const double delisting_rate = parameters.delistings_per_year_fraction / kBusinessDaysPerYear;
  const double life = events.exponential(std::max(delisting_rate, 1e-12));
  if (delisting_rate > 0 && life < kNeverDelisted / 2.0) {
    stock.last_ordinal = listing_ordinal + std::max(20, static_cast<int>(std::ceil(life)));
  }
  const double split_rate = parameters.splits_per_stock_year / kBusinessDaysPerYear;
  if (split_rate > 0) {
    const int last = std::min(horizon_ordinal, stock.last_ordinal);
    for (double day = listing_ordinal;;) {
      day += std::max(1.0, std::ceil(events.exponential(split_rate)));
      if (day > last) break;
      stock.events.push_back(
          {static_cast<int>(day), draw_split_factor(events, stock.initial_price)});
    }
  }
  return stock;
}

}  // namespace gogooku3::market::sample
