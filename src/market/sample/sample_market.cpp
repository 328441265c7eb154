// The simulation loop of SampleMarket: one business day at a time, every listed stock in code
// order. The model and the planted signals are described in docs/sample-market.md; the order of
// work within a day is
//   delist and list -> ex-dates -> factor and stock shocks -> prices, volumes -> TOPIX ->
//   investor-type week bookkeeping and publication -> tomorrow's conditional means (the oracle).
// Every random number comes from a RandomStream keyed by what it is for, the stock's ordinal
// and the day, so a day's values never depend on how the caller stepped through the days.
#include "market/sample/sample_market.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "market/sample/investor_flows.h"
#include "market/sample/random_stream.h"
#include "market/sample/record_table.h"
#include "market/sample/universe.h"
#include "market/tse_rules.h"

namespace gogooku3::market::sample {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kBusinessDaysPerYear = 245;
constexpr double kTopixBase = 1500;
// Foreigners' weekly imbalance (FrgnBal / FrgnTot) per unit of the latent flow.
constexpr double kFlowScale = 0.05;
// Momentum is the log return from 60 to 5 business days ago.
constexpr int kMomentumFrom = 60;
constexpr int kMomentumTo = 5;
constexpr int kHistory = 64;  // ring of daily log-return indices; > kMomentumFrom
constexpr int kHorizonDays = 5;
constexpr double kMaxInnovation = 12;  // Student-t draws are clipped here (a 12-sigma day)
constexpr Date kAlphanumericCodesFrom = Date(19723);  // 2024-01-01
constexpr Date kHolidayTradingFrom = Date(19258);     // 2022-09-23: OSE trades on holidays
// The universe size the TOPIX scale thresholds (30, 100, 500, 1000) are written for.
constexpr double kReferenceUniverse = 4000;

enum ScaleCategory { kCore30 = 0, kLarge70, kMid400, kSmall1, kSmall2, kNoScale };
constexpr std::array<std::string_view, 6> kScaleNames = {
    "TOPIX Core30", "TOPIX Large70", "TOPIX Mid400", "TOPIX Small 1", "TOPIX Small 2", "-"};

// Index points to 2 decimals, as the nearest double to the decimal (1888.36, never
// 1888.3600000000001).
double round_points(double value) { return std::round(value * 100) / 100; }
double round_adjusted(double value) { return std::round(value * 10) / 10; }

// GARCH(1,1) around a target volatility, started at rest (variance = target^2).
struct Garch {
  double variance = 0;
  double last_shock = 0;

  static Garch at_rest(double vol) { return {vol * vol, vol}; }
  double step(double target_vol, const SampleParameters& p, double innovation) {
    const double omega = target_vol * target_vol * (1 - p.garch_alpha - p.garch_beta);
    variance = omega + p.garch_alpha * last_shock * last_shock + p.garch_beta * variance;
    last_shock = std::sqrt(variance) * std::clamp(innovation, -kMaxInnovation, kMaxInnovation);
    return last_shock;
  }
};

struct StockState {
  StockProfile profile;
  bool ipo = false;     // listed after the start: its first day trades from the offer price
  double close = kNaN;  // last traded close, raw
  double shares = 0;
  Garch idio;
  double idio_today = 0;  // today's idiosyncratic return; 0 when not traded
  double carry = 0;       // log return accrued while halted
  int halt_left = 0;      // halted business days still to come
  size_t next_event = 0;
  double adjustment = 1;  // product of AdjFactors of the ex-dates in (today, as_of]
  double log_index = 0;   // cumulative realised log return
  std::array<double, kHistory> history{};  // log_index by business-day ordinal, a ring
  int history_days = 0;
  double expected_1d = 0;  // the truth model's mean for the next business day's return
  double expected_5d = 0;
  bool traded = false;  // on the latest business day
  ScaleCategory scale = kNoScale;

  double history_at(int ordinal) const { return history[static_cast<size_t>(ordinal) % kHistory]; }
  void recompute_adjustment() {
    adjustment = 1;
    for (size_t i = next_event; i < profile.events.size(); ++i) {
      adjustment *= profile.events[i].factor;
    }
  }
};

struct Week {
  Date start;
  Date end;
  std::array<double, kSectionCount> turnover{};  // yen, by section
};

// Columns of one day's bars and oracle, filled row by row when the day is returned.
struct DayColumns {
  std::vector<std::string> code;
  std::vector<double> open, high, low, close, volume, turnover, factor;
  std::vector<double> adj_open, adj_high, adj_low, adj_close, adj_volume;
  std::vector<int32_t> upper, lower;
  std::vector<double> expected_1d, expected_5d;

  // `rows` records of missing values (a halt: prices null, AdjFactor 1, no limit flags), to
  // be filled in row by row.
  explicit DayColumns(size_t rows) : code(rows), factor(rows, 1.0), upper(rows, 0), lower(rows, 0) {
    for (auto* column : {&open, &high, &low, &close, &volume, &turnover, &adj_open, &adj_high,
                         &adj_low, &adj_close, &adj_volume, &expected_1d, &expected_5d}) {
      column->assign(rows, kNaN);
    }
  }

  Table bars(Date date) && {
    const size_t rows = code.size();
    NamedColumns columns;
    columns.emplace_back("Date", Column::of("", std::vector<Date>(rows, date)));
    columns.emplace_back("Code", Column::of("", std::move(code)));
    columns.emplace_back("O", Column::of("", std::move(open)));
    columns.emplace_back("H", Column::of("", std::move(high)));
    columns.emplace_back("L", Column::of("", std::move(low)));
    columns.emplace_back("C", Column::of("", std::move(close)));
    columns.emplace_back("UL", Column::of("", std::move(upper)));
    columns.emplace_back("LL", Column::of("", std::move(lower)));
    columns.emplace_back("Vo", Column::of("", std::move(volume)));
    columns.emplace_back("Va", Column::of("", std::move(turnover)));
    columns.emplace_back("AdjFactor", Column::of("", std::move(factor)));
    columns.emplace_back("AdjO", Column::of("", std::move(adj_open)));
    columns.emplace_back("AdjH", Column::of("", std::move(adj_high)));
    columns.emplace_back("AdjL", Column::of("", std::move(adj_low)));
    columns.emplace_back("AdjC", Column::of("", std::move(adj_close)));
    columns.emplace_back("AdjVo", Column::of("", std::move(adj_volume)));
    return assemble_records("bars_daily", std::move(columns));
  }

  // Call before bars(), which takes the codes.
  Table take_oracle(Date date) {
    const size_t rows = code.size();
    std::vector<Column> columns;
    columns.push_back(Column::of("code", code));
    columns.push_back(Column::of("date", std::vector<Date>(rows, date)));
    columns.push_back(Column::of("expected_return_1d", std::move(expected_1d)));
    columns.push_back(Column::of("expected_return_5d", std::move(expected_5d)));
    return Table(std::move(columns));
  }
};

Table topix_table(std::vector<Date> date, std::vector<double> open, std::vector<double> high,
                  std::vector<double> low, std::vector<double> close) {
  NamedColumns columns;
  columns.emplace_back("Date", Column::of("", std::move(date)));
  columns.emplace_back("O", Column::of("", std::move(open)));
  columns.emplace_back("H", Column::of("", std::move(high)));
  columns.emplace_back("L", Column::of("", std::move(low)));
  columns.emplace_back("C", Column::of("", std::move(close)));
  return assemble_records("topix", std::move(columns));
}

bool is_simulated_day(const TradingCalendar& calendar, Date date) {
  return calendar.is_business_day(date) || calendar.describe(date).status == DayStatus::kOutage;
}

int32_t monday_of(Date date) {
  return date.days_since_epoch() - static_cast<int32_t>(date.weekday());
}

// Spearman correlation of the pairs (NaN-free), or NaN for fewer than 10 pairs.
std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 10) return kNaN;
  const std::vector<double> rx = average_ranks(x);
  const std::vector<double> ry = average_ranks(y);
  const double mean = (static_cast<double>(x.size()) - 1) / 2.0;
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

struct SampleMarket::State {
  SampleOptions options;
  SampleParameters parameters;
  TradingCalendar calendar;
  Date as_of;
  int horizon_ordinal = -1;       // ordinal of the last business day on or before as_of
  std::optional<Date> next_date;  // the next day to simulate; none after as_of
  int ordinal = -1;               // of the latest simulated business day

  std::vector<StockState> stocks;  // by ordinal
  std::vector<size_t> listed;      // indices into stocks, sorted by code
  CodeAllocator codes;

  Garch market;
  std::array<Garch, 33> sectors{};
  std::array<double, 33> sector_shock{};
  double topix = kTopixBase;

  std::map<int32_t, Week> weeks;                       // by Monday
  std::deque<InvestorFlowRecord> pending_records;      // drawn, not yet published, by PubDate
  std::deque<Date> pending_publications;               // regular (not correction) PubDates
  std::array<double, kSectionCount> flow_latent{};     // the AR(1) foreign flow of each section
  std::array<double, kSectionCount> flow_published{};  // its latest published value
  std::vector<double> momentum_1d, momentum_5d;        // scratch, by row of `listed`

  State(SampleOptions opts, const TradingCalendar& cal, Date as_of_date)
      : options(opts), calendar(cal), as_of(as_of_date), codes(opts.seed) {}

  bool reorganised(Date date) const { return date >= kMarketReorganisation; }
  int section_of(const StockState& stock, Date date) const {
    return reorganised(date) ? section_index(stock.profile.market)
                             : section_index(stock.profile.legacy_market);
  }
  MarketLabel market_of(const StockState& stock, Date date) const {
    return reorganised(date) ? market_label(stock.profile.market)
                             : market_label(stock.profile.legacy_market);
  }
  bool topix_eligible(const StockState& stock, Date date) const {
    return reorganised(date) ? stock.profile.market == Market::kPrime
                             : stock.profile.legacy_market == LegacyMarket::kFirst;
  }

  void start() {
    if (options.stocks < 10 || options.stocks > 20000) {
      throw invalid_input("sample market: stocks must be between 10 and 20000, got {}",
                          options.stocks);
    }
    if (!calendar.is_business_day(options.start_date)) {
      throw invalid_input("sample market: start_date {} is not a TSE business day ({})",
                          options.start_date.to_string(),
                          calendar.describe(options.start_date).reason);
    }
    const Date horizon = std::min(as_of, TradingCalendar::kLastSupportedDate);
    horizon_ordinal = horizon < options.start_date
                          ? -1
                          : calendar.count_business_days(options.start_date, horizon) - 1;
    if (as_of >= options.start_date) next_date = options.start_date;

    market = Garch::at_rest(parameters.market_daily_vol);
    sectors.fill(Garch::at_rest(parameters.sector_daily_vol));
    stocks.reserve(static_cast<size_t>(options.stocks) * 3 / 2);
    // Codes ascend with the ordinal, so the daily walk in code order reads memory in order.
    for (std::string& code : codes.initial(options.stocks)) add_stock(std::move(code), false, 0);
    listed.resize(stocks.size());
    for (size_t i = 0; i < listed.size(); ++i) listed[i] = i;
    std::sort(listed.begin(), listed.end(),
              [&](size_t a, size_t b) { return stocks[a].profile.code < stocks[b].profile.code; });
  }

  void add_stock(std::string code, bool ipo, int listing_ordinal) {
    StockState stock;
    stock.profile = draw_stock(options.seed, stocks.size(), std::move(code), ipo, listing_ordinal,
                               horizon_ordinal, parameters);
    stock.ipo = ipo;
    if (!ipo) stock.close = stock.profile.initial_price;
    stock.shares = stock.profile.shares;
    stock.idio = Garch::at_rest(stock.profile.idio_vol);
    stock.recompute_adjustment();
    stocks.push_back(std::move(stock));
  }

  // Keeps `listed` in code order as stocks come and go.
  void insert_listed(size_t index) {
    const auto position = std::lower_bound(
        listed.begin(), listed.end(), index,
        [&](size_t a, size_t b) { return stocks[a].profile.code < stocks[b].profile.code; });
    listed.insert(position, index);
  }

  Date following_day(Date date) const {
    for (Date day = date + 1; day <= TradingCalendar::kLastSupportedDate; day = day + 1) {
      if (is_simulated_day(calendar, day)) return day;
    }
    return TradingCalendar::kLastSupportedDate + 1;
  }

  void advance_past(Date date) {
    const Date next = following_day(date);
    if (next <= as_of && next <= TradingCalendar::kLastSupportedDate) {
      next_date = next;
    } else {
      next_date.reset();
    }
  }

  SampleDay simulate(Date date, bool build) {
    SampleDay day;
    day.date = date;
    if (calendar.is_business_day(date)) {
      trade(date, build, day);
    } else {
      outage(date, build, day);
    }
    advance_past(date);
    return day;
  }

  // --- the universe -------------------------------------------------------------------------

  void list_and_delist(int k, Date date) {
    std::erase_if(listed, [&](size_t i) { return stocks[i].profile.last_ordinal < k; });
    if (k > 0 && parameters.listings_per_year_fraction > 0) {
      const double rate =
          options.stocks * parameters.listings_per_year_fraction / kBusinessDaysPerYear;
      RandomStream random(options.seed, StreamPurpose::kListings, 0, date.days_since_epoch());
      // Poisson by inversion.
      const double u = random.uniform();
      double probability = std::exp(-rate);
      double cumulative = probability;
      int count = 0;
      while (u > cumulative && count < 50) {
        ++count;
        probability *= rate / count;
        cumulative += probability;
      }
      for (int n = 0; n < count; ++n) {
        add_stock(date >= kAlphanumericCodesFrom ? codes.next_alphanumeric() : codes.next_numeric(),
                  true, k);
        StockState& stock = stocks.back();
        stock.scale = topix_eligible(stock, date) ? kSmall2 : kNoScale;
        insert_listed(stocks.size() - 1);
      }
    }
  }

  // TOPIX scale categories by capitalisation rank among the TOPIX-eligible stocks (1st section,
  // Prime from 2022-04-04), on the first day, the reorganisation and every October.
  void review_scale_categories(Date date) {
    std::vector<std::pair<double, size_t>> eligible;
    for (const size_t i : listed) {
      StockState& stock = stocks[i];
      stock.scale = kNoScale;
      if (!topix_eligible(stock, date)) continue;
      const double price = std::isnan(stock.close) ? stock.profile.initial_price : stock.close;
      eligible.emplace_back(-price * stock.shares, i);
    }
    std::sort(eligible.begin(), eligible.end());
    const double scale = options.stocks / kReferenceUniverse;
    const auto threshold = [&](double reference) {
      return std::max<size_t>(1, static_cast<size_t>(std::lround(reference * scale)));
    };
    const std::array<size_t, 4> limits = {threshold(30), threshold(100), threshold(500),
                                          threshold(1000)};
    for (size_t rank = 0; rank < eligible.size(); ++rank) {
      ScaleCategory category = kSmall2;
      for (size_t c = 0; c < limits.size(); ++c) {
        if (rank < limits[c]) {
          category = static_cast<ScaleCategory>(c);
          break;
        }
      }
      stocks[eligible[rank].second].scale = category;
    }
  }

  // --- one business day ---------------------------------------------------------------------

  void trade(Date date, bool build, SampleDay& day) {
    const int k = ++ordinal;
    const int32_t day_key = date.days_since_epoch();
    const SampleParameters& p = parameters;
    list_and_delist(k, date);
    const Date previous = k == 0 ? date : calendar.previous_business_day(date);
    if (k == 0 || reorganised(date) != reorganised(previous) ||
        (date.ymd().month == 10 && previous.ymd().month == 9)) {
      review_scale_categories(date);
    }

    RandomStream market_random(options.seed, StreamPurpose::kMarketFactor, 0, day_key);
    const double market_shock =
        market.step(p.market_daily_vol, p, market_random.student_t(p.student_t_dof));
    for (size_t s = 0; s < sectors.size(); ++s) {
      RandomStream sector_random(options.seed, StreamPurpose::kSectorFactor, s, day_key);
      sector_shock[s] =
          sectors[s].step(p.sector_daily_vol, p, sector_random.student_t(p.student_t_dof));
    }
    const double halt_probability = p.halts_per_stock_year / kBusinessDaysPerYear;

    DayColumns rows(build ? listed.size() : 0);
    double cap_before = 0;
    double cap_open = 0;
    double cap_close = 0;
    Week& week = weeks[monday_of(date)];
    if (week.start == Date()) week.start = date;
    week.end = date;

    for (size_t row = 0; row < listed.size(); ++row) {
      StockState& stock = stocks[listed[row]];
      const StockProfile& profile = stock.profile;
      if (build) rows.code[row] = profile.code;
      const bool listing_day = stock.ipo && profile.listing_ordinal == k;
      double factor = 1.0;
      if (stock.next_event < profile.events.size() &&
          profile.events[stock.next_event].ordinal == k) {
        factor = profile.events[stock.next_event].factor;
        ++stock.next_event;
        stock.recompute_adjustment();
        stock.shares /= factor;
      }
      // Yesterday's close in today's share units: the base of the daily limit and of returns.
      const double base = listing_day ? profile.initial_price : stock.close * factor;

      RandomStream idio_random(options.seed, StreamPurpose::kIdiosyncratic, profile.ordinal,
                               day_key);
      const double idio =
          stock.idio.step(profile.idio_vol, p, idio_random.student_t(p.student_t_dof));
      const double sector_part = sector_shock[static_cast<size_t>(profile.sector)];
      const double log_return = stock.expected_1d + profile.beta * market_shock +
                                profile.sector_loading * sector_part + idio;

      bool halted = false;
      if (factor != 1.0 || listing_day) {
        stock.halt_left = 0;
      } else if (stock.halt_left > 0) {
        halted = true;
        --stock.halt_left;
      } else if (halt_probability > 0) {
        RandomStream halt_random(options.seed, StreamPurpose::kHalt, profile.ordinal, day_key);
        if (halt_random.bernoulli(halt_probability)) {
          halted = true;
          stock.halt_left = static_cast<int>(halt_random.below(3));
        }
      }

      if (halted) {
        stock.carry += log_return;
        stock.idio_today = 0;
        stock.traded = false;
        cap_before += base * stock.shares;
        cap_open += base * stock.shares;
        cap_close += base * stock.shares;
        continue;
      }

      const double total = stock.carry + log_return;
      stock.carry = 0;
      const double limit_base = round_to_tick(base);
      const double upper = upper_limit_price(limit_base);
      const double lower = lower_limit_price(limit_base);
      const double close = std::clamp(round_to_tick(base * std::exp(total)), lower, upper);

      RandomStream intraday(options.seed, StreamPurpose::kIntraday, profile.ordinal, day_key);
      const double day_vol =
          std::sqrt(stock.idio.variance + profile.beta * profile.beta * market.variance +
                    profile.sector_loading * profile.sector_loading *
                        sectors[static_cast<size_t>(profile.sector)].variance);
      const double open = std::clamp(
          round_to_tick(base * std::exp(0.4 * total + 0.3 * day_vol * intraday.normal())), lower,
          upper);
      const double high =
          std::clamp(round_to_tick(std::max(open, close) *
                                   std::exp(0.5 * day_vol * std::abs(intraday.normal()))),
                     std::max(open, close), upper);
      const double low =
          std::clamp(round_to_tick(std::min(open, close) *
                                   std::exp(-0.5 * day_vol * std::abs(intraday.normal()))),
                     lower, std::min(open, close));
      // Trading grows with the size of the move; a listing day trades many times the usual.
      const double activity =
          std::exp(0.6 * std::abs(total) / day_vol - 0.63 + 0.4 * intraday.normal()) *
          (listing_day ? 8.0 : 1.0);
      const double volume =
          std::max(100.0, std::round(stock.shares * profile.turnover_rate * activity / 100) * 100);
      const double vwap = (open + high + low + 2 * close) / 5;
      const double turnover = std::round(volume * vwap);

      stock.log_index += std::log(close / base);
      stock.close = close;
      stock.idio_today = idio;
      stock.traded = true;
      if (!listing_day) {
        cap_before += base * stock.shares;
        cap_open += open * stock.shares;
        cap_close += close * stock.shares;
      }
      week.turnover[static_cast<size_t>(section_of(stock, date))] += turnover;

      if (build) {
        rows.open[row] = open;
        rows.high[row] = high;
        rows.low[row] = low;
        rows.close[row] = close;
        rows.upper[row] = high == upper ? 1 : 0;
        rows.lower[row] = low == lower ? 1 : 0;
        rows.volume[row] = volume;
        rows.turnover[row] = turnover;
        rows.factor[row] = factor;
        rows.adj_open[row] = round_adjusted(open * stock.adjustment);
        rows.adj_high[row] = round_adjusted(high * stock.adjustment);
        rows.adj_low[row] = round_adjusted(low * stock.adjustment);
        rows.adj_close[row] = round_adjusted(close * stock.adjustment);
        rows.adj_volume[row] = round_adjusted(volume / stock.adjustment);
      }
    }

    for (const size_t index : listed) {
      StockState& stock = stocks[index];
      stock.history[static_cast<size_t>(k) % kHistory] = stock.log_index;
      ++stock.history_days;
    }

    // TOPIX: chained capitalisation of the stocks that were listed yesterday and today.
    double topix_open = topix;
    double topix_close = topix;
    if (cap_before > 0) {
      topix_open = topix * cap_open / cap_before;
      topix_close = topix * cap_close / cap_before;
    }
    RandomStream topix_random(options.seed, StreamPurpose::kTopixIntraday, 0, day_key);
    const double market_vol = std::sqrt(market.variance);
    const double topix_high = std::max(topix_open, topix_close) *
                              std::exp(0.3 * market_vol * std::abs(topix_random.normal()));
    const double topix_low = std::min(topix_open, topix_close) *
                             std::exp(-0.3 * market_vol * std::abs(topix_random.normal()));
    topix = topix_close;

    close_week_if_ended(date);
    std::vector<InvestorFlowRecord> published = publish(date);
    update_expectations(date);

    if (!build) return;
    for (size_t row = 0; row < listed.size(); ++row) {
      const StockState& stock = stocks[listed[row]];
      if (!stock.traded) continue;
      rows.expected_1d[row] = stock.expected_1d;
      rows.expected_5d[row] = stock.expected_5d;
    }
    day.master = master_table(date, listed);
    day.oracle = rows.take_oracle(date);
    day.bars = std::move(rows).bars(date);
    day.topix = topix_table({date}, {round_points(topix_open)}, {round_points(topix_high)},
                            {round_points(topix_low)}, {round_points(topix_close)});
    day.investor_types = investor_types_table(published);
  }

  // 2020-10-01: every listed stock has a record with null prices; nothing moves.
  void outage(Date date, bool build, SampleDay& day) {
    day.outage = true;
    if (!build) return;
    // The stocks listed on the previous business day that were not delisted with it.
    std::vector<size_t> still_listed;
    for (const size_t index : listed) {
      if (stocks[index].profile.last_ordinal > ordinal) still_listed.push_back(index);
    }
    DayColumns rows(still_listed.size());
    for (size_t row = 0; row < still_listed.size(); ++row) {
      rows.code[row] = stocks[still_listed[row]].profile.code;
    }
    day.master = master_table(date, still_listed);
    day.oracle = rows.take_oracle(date);
    day.bars = std::move(rows).bars(date);
    day.topix = topix_table({}, {}, {}, {}, {});
    day.investor_types = investor_types_table({});
  }

  Table master_table(Date date, const std::vector<size_t>& codes_listed) const {
    const size_t rows = codes_listed.size();
    std::vector<std::string> code, name, name_en, s17, s17_name, s33, s33_name, scale, market_code,
        market_name, margin, margin_name, product;
    for (auto* column : {&code, &name, &name_en, &s17, &s17_name, &s33, &s33_name, &scale,
                         &market_code, &market_name, &margin, &margin_name, &product}) {
      column->reserve(rows);
    }
    for (const size_t index : codes_listed) {
      const StockState& stock = stocks[index];
      const StockProfile& profile = stock.profile;
      const Sector33& sector = sectors33()[static_cast<size_t>(profile.sector)];
      const MarketLabel label = market_of(stock, date);
      code.push_back(profile.code);
      name.push_back(profile.name_ja);
      name_en.push_back(profile.name_en);
      s17.emplace_back(sector17_code(sector.sector17));
      s17_name.emplace_back(sector17_name(sector.sector17));
      s33.emplace_back(sector.code);
      s33_name.emplace_back(sector.name);
      scale.emplace_back(kScaleNames[static_cast<size_t>(stock.scale)]);
      market_code.emplace_back(label.code);
      market_name.emplace_back(label.name);
      margin.emplace_back(profile.loanable ? "2" : "1");
      margin_name.emplace_back(profile.loanable ? "貸借" : "信用");
      product.emplace_back("011");
    }
    NamedColumns columns;
    columns.emplace_back("Date", Column::of("", std::vector<Date>(rows, date)));
    columns.emplace_back("Code", Column::of("", std::move(code)));
    columns.emplace_back("CoName", Column::of("", std::move(name)));
    columns.emplace_back("CoNameEn", Column::of("", std::move(name_en)));
    columns.emplace_back("S17", Column::of("", std::move(s17)));
    columns.emplace_back("S17Nm", Column::of("", std::move(s17_name)));
    columns.emplace_back("S33", Column::of("", std::move(s33)));
    columns.emplace_back("S33Nm", Column::of("", std::move(s33_name)));
    columns.emplace_back("ScaleCat", Column::of("", std::move(scale)));
    columns.emplace_back("Mkt", Column::of("", std::move(market_code)));
    columns.emplace_back("MktNm", Column::of("", std::move(market_name)));
    columns.emplace_back("Mrgn", Column::of("", std::move(margin)));
    columns.emplace_back("MrgnNm", Column::of("", std::move(margin_name)));
    columns.emplace_back("ProdCat", Column::of("", std::move(product)));
    return assemble_records("equities_master", std::move(columns));
  }

  // --- investor types -------------------------------------------------------------------------

  // After the last business day of a week, draws the week's records and queues them for their
  // PubDate (4 business days later) and, now and then, a correction one business day after.
  void close_week_if_ended(Date date) {
    if (date + 14 > TradingCalendar::kLastSupportedDate) return;
    if (monday_of(calendar.next_business_day(date)) == monday_of(date)) return;
    const auto found = weeks.find(monday_of(date));
    const Week week = found->second;
    weeks.erase(found);

    const Date published = calendar.add_business_days(week.end, 4);
    const Date corrected = calendar.add_business_days(published, 1);
    const double persistence = parameters.foreign_flow_persistence;
    std::vector<InvestorFlowRecord> records;
    for (int section = 0; section < kTokyoNagoya; ++section) {
      const bool new_section = section >= section_index(Market::kPrime);
      if (new_section != reorganised(week.end)) continue;
      RandomStream random(options.seed, StreamPurpose::kInvestorFlows,
                          static_cast<uint64_t>(section), week.start.days_since_epoch());
      double& latent = flow_latent[static_cast<size_t>(section)];
      latent = persistence * latent + std::sqrt(1 - persistence * persistence) * random.normal();
      records.push_back(draw_investor_flows(random, section, week.start, week.end, published,
                                            week.turnover[static_cast<size_t>(section)] / 1000,
                                            kFlowScale * latent));
    }
    records.push_back(sum_investor_flows(records, kTokyoNagoya, week.start, week.end, published));
    std::vector<InvestorFlowRecord> corrections;
    for (const InvestorFlowRecord& record : records) {
      RandomStream random(options.seed, StreamPurpose::kInvestorFlows,
                          static_cast<uint64_t>(100 + record.section),
                          week.start.days_since_epoch());
      if (random.bernoulli(parameters.correction_probability)) {
        corrections.push_back(correct_investor_flows(record, random, corrected));
      }
    }
    for (auto& record : records) pending_records.push_back(record);
    for (auto& record : corrections) pending_records.push_back(record);
    std::stable_sort(pending_records.begin(), pending_records.end(),
                     [](const InvestorFlowRecord& a, const InvestorFlowRecord& b) {
                       return a.published < b.published;
                     });
    pending_publications.push_back(published);
  }

  // The records whose PubDate is `date`; their foreign flows drive returns from tomorrow.
  std::vector<InvestorFlowRecord> publish(Date date) {
    std::vector<InvestorFlowRecord> out;
    while (!pending_records.empty() && pending_records.front().published <= date) {
      const InvestorFlowRecord& record = pending_records.front();
      if (record.section != kTokyoNagoya) {
        flow_published[static_cast<size_t>(record.section)] =
            foreign_imbalance(record) / kFlowScale;
      }
      out.push_back(record);
      pending_records.pop_front();
    }
    while (!pending_publications.empty() && pending_publications.front() <= date) {
      pending_publications.pop_front();
    }
    return out;
  }

  // --- the planted signals --------------------------------------------------------------------

  // The conditional means of the next business day's return and of the next five days' sum,
  // from what is known after today's close (see docs/sample-market.md, "Planted signals").
  void update_expectations(Date date) {
    const SampleParameters& p = parameters;
    const int k = ordinal;
    if (date + 14 > TradingCalendar::kLastSupportedDate) return;
    std::array<Date, kHorizonDays> ahead{};
    ahead[0] = calendar.next_business_day(date);
    for (size_t j = 1; j < ahead.size(); ++j) ahead[j] = calendar.next_business_day(ahead[j - 1]);
    // Expected foreign flow j days ahead: persistence^(weekly publications before that day).
    double flow_weight_5d = 0;
    for (size_t j = 0; j < ahead.size(); ++j) {
      int publications = 0;
      for (const Date published : pending_publications) {
        if (published > date && published < ahead[j]) ++publications;
      }
      flow_weight_5d += std::pow(p.foreign_flow_persistence, publications);
    }
    const Date tomorrow = ahead[0];

    // Momentum, demeaned across the stocks that have 60 days of history: one day ahead (lag 0)
    // and summed over the five days ahead.
    momentum_1d.assign(listed.size(), 0);
    momentum_5d.assign(listed.size(), 0);
    double mean_1d = 0;
    double mean_5d = 0;
    int with_history = 0;
    std::array<double, 33> leader_cap{};
    std::array<int64_t, 33> leader{};
    leader.fill(-1);
    for (size_t row = 0; row < listed.size(); ++row) {
      const size_t index = listed[row];
      const StockState& stock = stocks[index];
      if (stock.history_days > kMomentumFrom) {
        double sum = 0;
        for (int lag = 0; lag < kHorizonDays; ++lag) {
          const double value =
              stock.history_at(k - kMomentumTo + lag) - stock.history_at(k - kMomentumFrom + lag);
          if (lag == 0) momentum_1d[row] = value;
          sum += value;
        }
        momentum_5d[row] = sum;
        mean_1d += momentum_1d[row];
        mean_5d += sum;
        ++with_history;
      }
      const auto sector = static_cast<size_t>(stock.profile.sector);
      if (stock.traded && stock.close * stock.shares > leader_cap[sector]) {
        leader_cap[sector] = stock.close * stock.shares;
        leader[sector] = static_cast<int64_t>(index);
      }
    }
    if (with_history > 0) {
      mean_1d /= with_history;
      mean_5d /= with_history;
    }

    for (size_t row = 0; row < listed.size(); ++row) {
      const size_t index = listed[row];
      StockState& stock = stocks[index];
      const auto sector = static_cast<size_t>(stock.profile.sector);
      const double reversal = -p.reversal_strength * stock.idio_today;
      double lead_lag = 0;
      if (leader[sector] >= 0 && static_cast<size_t>(leader[sector]) != index) {
        lead_lag = p.lead_lag_strength * stocks[static_cast<size_t>(leader[sector])].idio_today;
      }
      const double flow = p.foreign_flow_strength * sectors33()[sector].foreign_tilt *
                          flow_published[static_cast<size_t>(section_of(stock, tomorrow))];
      const bool has_momentum = stock.history_days > kMomentumFrom;
      const double momentum_1d_part =
          has_momentum ? p.momentum_strength * (momentum_1d[row] - mean_1d) : 0;
      const double momentum_5d_part =
          has_momentum ? p.momentum_strength * (momentum_5d[row] - mean_5d) : 0;
      stock.expected_1d = reversal + lead_lag + flow + momentum_1d_part;
      stock.expected_5d = reversal + lead_lag + flow * flow_weight_5d + momentum_5d_part;
    }
  }
};

SampleMarket::SampleMarket(SampleOptions options, const TradingCalendar& calendar, Date as_of)
    : state_(std::make_unique<State>(options, calendar, as_of)) {
  state_->start();
}
SampleMarket::~SampleMarket() = default;
SampleMarket::SampleMarket(SampleMarket&&) noexcept = default;
SampleMarket& SampleMarket::operator=(SampleMarket&&) noexcept = default;

const SampleOptions& SampleMarket::options() const { return state_->options; }
const SampleParameters& SampleMarket::parameters() const { return state_->parameters; }

std::optional<SampleDay> SampleMarket::next_day() {
  if (!state_->next_date) return std::nullopt;
  return state_->simulate(*state_->next_date, true);
}

SampleDay SampleMarket::day(Date date) {
  State& state = *state_;
  if (!state.next_date) {
    throw invalid_input("sample market: {} is after the last simulated day (as_of {})",
                        date.to_string(), state.as_of.to_string());
  }
  if (date < *state.next_date) {
    throw invalid_input("sample market: {} is before the next day to simulate, {}",
                        date.to_string(), state.next_date->to_string());
  }
  if (date > state.as_of) {
    throw invalid_input("sample market: {} is after as_of {}", date.to_string(),
                        state.as_of.to_string());
  }
  if (!is_simulated_day(state.calendar, date)) {
    throw invalid_input("sample market: {} is not a simulated day ({})", date.to_string(),
                        state.calendar.describe(date).reason);
  }
  while (*state.next_date < date) state.simulate(*state.next_date, false);
  return state.simulate(date, true);
}

Table SampleMarket::calendar_records(const TradingCalendar& calendar, Date from, Date to) {
  if (to < from) {
    throw invalid_input("sample market calendar: to {} is before from {}", to.to_string(),
                        from.to_string());
  }
  std::vector<Date> dates;
  std::vector<int32_t> divisions;
  for (Date date = from; date <= to; date = date + 1) {
    int32_t division = 0;
    if (calendar.is_business_day(date)) {
      division = 1;
    } else {
      const DayStatus status = calendar.describe(date).status;
      // J-Quants records the schedule: the outage day was a business day.
      if (status == DayStatus::kOutage) division = 1;
      if (status == DayStatus::kHoliday && date >= kHolidayTradingFrom) division = 3;
    }
    dates.push_back(date);
    divisions.push_back(division);
  }
  NamedColumns columns;
  columns.emplace_back("Date", Column::of("", std::move(dates)));
  columns.emplace_back("HolDiv", Column::of("", std::move(divisions)));
  return assemble_records("calendar", std::move(columns));
}

OracleScore score_oracle(const SampleOptions& options, const TradingCalendar& calendar,
                         Date through) {
  SampleMarket market(options, calendar, through);
  // Each code's realised log-return index, from raw closes and AdjFactors as a user would.
  struct Track {
    double log_index = 0;
    double last_close = kNaN;
    bool traded_today = false;
  };
  std::unordered_map<std::string, Track> tracks;
  struct Forecast {
    std::vector<std::string> codes;
    std::vector<double> expected_1d, expected_5d, log_index;
  };
  std::deque<Forecast> recent;  // the last kHorizonDays business days' forecasts, oldest first
  double sum_1d = 0;
  double sum_5d = 0;
  int days_1d = 0;
  int days_5d = 0;

  const auto realised = [&](const Forecast& forecast, const std::vector<double>& expected,
                            double& sum, int& days) {
    std::vector<double> x;
    std::vector<double> y;
    for (size_t i = 0; i < forecast.codes.size(); ++i) {
      const auto found = tracks.find(forecast.codes[i]);
      if (found == tracks.end() || !found->second.traded_today) continue;
      x.push_back(expected[i]);
      y.push_back(found->second.log_index - forecast.log_index[i]);
    }
    const double ic = spearman(x, y);
    if (!std::isnan(ic)) {
      sum += ic;
      ++days;
    }
  };

  while (std::optional<SampleDay> day = market.next_day()) {
    if (day->outage) continue;
    const auto& codes = day->bars.column("code").as<std::string>();
    const auto& closes = day->bars.column("close").as<double>();
    const auto& factors = day->bars.column("adjustment_factor").as<double>();
    for (auto& [code, track] : tracks) track.traded_today = false;
    for (size_t i = 0; i < codes.size(); ++i) {
      Track& track = tracks[codes[i]];
      if (std::isnan(closes[i])) continue;
      if (!std::isnan(track.last_close)) {
        track.log_index += std::log(closes[i] / (track.last_close * factors[i]));
      }
      track.last_close = closes[i];
      track.traded_today = true;
    }
    if (!recent.empty()) realised(recent.back(), recent.back().expected_1d, sum_1d, days_1d);
    if (recent.size() == kHorizonDays) {
      realised(recent.front(), recent.front().expected_5d, sum_5d, days_5d);
      recent.pop_front();
    }

    Forecast forecast;
    const auto& expected_1d = day->oracle.column("expected_return_1d").as<double>();
    const auto& expected_5d = day->oracle.column("expected_return_5d").as<double>();
    for (size_t i = 0; i < codes.size(); ++i) {
      if (std::isnan(expected_1d[i])) continue;
      forecast.codes.push_back(codes[i]);
      forecast.expected_1d.push_back(expected_1d[i]);
      forecast.expected_5d.push_back(expected_5d[i]);
      forecast.log_index.push_back(tracks[codes[i]].log_index);
    }
    recent.push_back(std::move(forecast));
  }
  OracleScore score;
  score.days = days_1d;
  score.rank_ic_1d = days_1d > 0 ? sum_1d / days_1d : 0;
  score.rank_ic_5d = days_5d > 0 ? sum_5d / days_5d : 0;
  return score;
}

}  // namespace gogooku3::market::sample
