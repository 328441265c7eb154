// The sample market against what J-Quants data must look like: shapes, determinism, the TSE
// price rules, halts, the 2020-10-01 outage, splits and adjustment, investor-type records,
// listings, and an oracle whose RankIC is in the realistic range.
//
// Most checks read one shared run of 400 stocks from 2020-06-01 to 2022-06-30, which crosses
// the outage and the 2022-04-04 market reorganisation.
#include "market/sample/sample_market.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "market/jquants/endpoints.h"
#include "market/tse_rules.h"

namespace gogooku3::market::sample {
namespace {

Date d(const char* text) { return Date::parse(text); }

const TradingCalendar& calendar() {
  static const TradingCalendar instance;
  return instance;
}

Schema endpoint_schema(std::string_view asset) {
  Schema schema;
  for (const jquants::FieldSpec& field : jquants::endpoint(asset).fields) {
    schema.push_back({std::string(field.column), field.type});
  }
  return schema;
}

const std::vector<double>& doubles(const Table& table, std::string_view name) {
  return table.column(name).as<double>();
}
const std::vector<std::string>& strings(const Table& table, std::string_view name) {
  return table.column(name).as<std::string>();
}
const std::vector<int32_t>& ints(const Table& table, std::string_view name) {
  return table.column(name).as<int32_t>();
}

double round_adjusted(double value) { return std::round(value * 10) / 10; }

int monday_of(Date date) { return date.days_since_epoch() - static_cast<int>(date.weekday()); }

struct Run {
  SampleOptions options;
  Date as_of;
  std::vector<SampleDay> days;
};

const Run& long_run() {
  static const Run run = [] {
    Run r;
    r.options.seed = 7;
    r.options.stocks = 400;
    r.options.start_date = d("2020-06-01");
    r.as_of = d("2022-06-30");
    SampleMarket market(r.options, calendar(), r.as_of);
    while (std::optional<SampleDay> day = market.next_day()) {
      // Keep the master columns the checks read; the names are checked on their own.
      day->master = day->master.select(
          {"code", "market_code", "market_name", "scale_category", "margin_code", "margin_name"});
      r.days.push_back(std::move(*day));
    }
    return r;
  }();
  return run;
}

const std::vector<std::string> kRawColumns = {"date",
                                              "code",
                                              "open",
                                              "high",
                                              "low",
                                              "close",
                                              "upper_limit",
                                              "lower_limit",
                                              "volume",
                                              "turnover_value",
                                              "adjustment_factor"};

TEST(SampleMarketTest, TablesHaveTheEndpointSchemas) {
  SampleOptions options;
  options.stocks = 50;
  SampleMarket market(options, calendar(), d("2016-03-31"));
  const SampleDay day = *market.next_day();
  EXPECT_EQ(day.bars.schema(), endpoint_schema("bars_daily"));
  EXPECT_EQ(day.master.schema(), endpoint_schema("equities_master"));
  EXPECT_EQ(day.topix.schema(), endpoint_schema("topix"));
  EXPECT_EQ(day.investor_types.schema(), endpoint_schema("investor_types"));
  EXPECT_EQ(day.oracle.schema(), (Schema{{"code", ColumnType::kString},
                                         {"date", ColumnType::kDate},
                                         {"expected_return_1d", ColumnType::kDouble},
                                         {"expected_return_5d", ColumnType::kDouble}}));
  EXPECT_EQ(SampleMarket::calendar_records(calendar(), d("2016-01-01"), d("2016-01-31")).schema(),
            endpoint_schema("calendar"));
  EXPECT_EQ(day.bars.num_rows(), 50u);
  EXPECT_EQ(day.master.num_rows(), 50u);
  EXPECT_EQ(day.topix.num_rows(), 1u);
  EXPECT_TRUE(std::is_sorted(strings(day.bars, "code").begin(), strings(day.bars, "code").end()));

  // Names and labels look like the API's.
  const std::string& name = strings(day.master, "company_name")[0];
  EXPECT_EQ(name.rfind("サンプル", 0), 0u) << name;
  EXPECT_NE(name.find(strings(day.master, "code")[0].substr(0, 4)), std::string::npos) << name;
  EXPECT_EQ(strings(day.master, "product_category")[0], "011");
  for (const std::string& code : strings(day.master, "sector33_code")) {
    EXPECT_EQ(code.size(), 4u);
    EXPECT_TRUE(code.ends_with("50") || code.ends_with("00")) << code;
  }
}

TEST(SampleMarketTest, TheSameSeedGivesIdenticalTablesAndAnotherSeedDoesNot) {
  SampleOptions options;
  options.stocks = 300;
  const Date as_of = d("2016-04-28");
  SampleMarket first(options, calendar(), as_of);
  SampleMarket second(options, calendar(), as_of);
  int days = 0;
  int investor_rows = 0;
  while (std::optional<SampleDay> a = first.next_day()) {
    const std::optional<SampleDay> b = second.next_day();
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(a->date, b->date);
    for (const auto& [left, right] :
         {std::pair{&a->bars, &b->bars}, std::pair{&a->master, &b->master},
          std::pair{&a->topix, &b->topix}, std::pair{&a->investor_types, &b->investor_types},
          std::pair{&a->oracle, &b->oracle}}) {
      const std::optional<std::string> difference = left->first_difference(*right);
      EXPECT_FALSE(difference.has_value()) << a->date.to_string() << ": " << *difference;
    }
    investor_rows += static_cast<int>(a->investor_types.num_rows());
    ++days;
  }
  EXPECT_FALSE(second.next_day().has_value());
  EXPECT_EQ(days, calendar().count_business_days(options.start_date, as_of));
  EXPECT_GT(investor_rows, 0);

  options.seed = 43;
  SampleMarket other(options, calendar(), as_of);
  SampleMarket again(SampleOptions{.seed = 42, .stocks = 300}, calendar(), as_of);
  const SampleDay changed = *other.next_day();
  const SampleDay original = *again.next_day();
  EXPECT_FALSE(changed.bars.equals(original.bars));
  EXPECT_FALSE(changed.master.equals(original.master));
}

TEST(SampleMarketTest, ADayDoesNotDependOnAsOfOrOnWhereSteppingStarted) {
  const SampleOptions options{.seed = 11, .stocks = 300, .start_date = d("2016-01-04")};
  const Date day = calendar().add_business_days(options.start_date, 40);
  const Date far = calendar().add_business_days(options.start_date, 400);

  SampleMarket stepped(options, calendar(), far);
  std::optional<SampleDay> walked;
  while ((walked = stepped.next_day())->date < day) {
  }
  SampleMarket jumped(options, calendar(), far);
  const SampleDay direct = jumped.day(day);
  SampleMarket short_sighted(options, calendar(), day);
  const SampleDay near = short_sighted.day(day);

  EXPECT_EQ(walked->date, day);
  EXPECT_FALSE(walked->bars.first_difference(direct.bars).has_value());
  EXPECT_FALSE(walked->master.first_difference(direct.master).has_value());
  EXPECT_FALSE(walked->oracle.first_difference(direct.oracle).has_value());
  EXPECT_FALSE(walked->topix.first_difference(direct.topix).has_value());
  // A nearer as_of changes only the adjusted columns (splits after `day` are unknown to it).
  const std::optional<std::string> raw_difference =
      walked->bars.select(kRawColumns).first_difference(near.bars.select(kRawColumns));
  EXPECT_FALSE(raw_difference.has_value()) << *raw_difference;
  EXPECT_FALSE(walked->master.first_difference(near.master).has_value());
  EXPECT_FALSE(walked->oracle.first_difference(near.oracle).has_value());

  // And the next day carries on from there.
  EXPECT_FALSE(stepped.next_day()->bars.first_difference(jumped.next_day()->bars).has_value());
}

TEST(SampleMarketTest, PricesAreOnTicksOhlcIsConsistentAndVolumesAreRoundLots) {
  size_t traded = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& bars = day.bars;
    const auto& open = doubles(bars, "open");
    const auto& high = doubles(bars, "high");
    const auto& low = doubles(bars, "low");
    const auto& close = doubles(bars, "close");
    const auto& volume = doubles(bars, "volume");
    const auto& turnover = doubles(bars, "turnover_value");
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      if (std::isnan(close[row])) continue;
      ++traded;
      for (const double price : {open[row], high[row], low[row], close[row]}) {
        ASSERT_GE(price, 1);
        ASSERT_EQ(std::fmod(price, tick_size(price)), 0)
            << day.date.to_string() << " " << strings(bars, "code")[row] << " " << price;
      }
      ASSERT_LE(low[row], std::min(open[row], close[row]));
      ASSERT_GE(high[row], std::max(open[row], close[row]));
      ASSERT_GT(volume[row], 0);
      ASSERT_EQ(std::fmod(volume[row], 100), 0);
      ASSERT_EQ(turnover[row], std::round(turnover[row]));
      ASSERT_GE(turnover[row], volume[row] * low[row] - 0.5);
      ASSERT_LE(turnover[row], volume[row] * high[row] + 0.5);
    }
    if (!day.outage) {
      ASSERT_EQ(day.topix.num_rows(), 1u);
      const double topix_low = doubles(day.topix, "low")[0];
      const double topix_high = doubles(day.topix, "high")[0];
      for (const char* column : {"open", "close"}) {
        EXPECT_LE(topix_low, doubles(day.topix, column)[0]);
        EXPECT_GE(topix_high, doubles(day.topix, column)[0]);
      }
      // Index points are the doubles nearest to 2-decimal numbers, so the JSON the fake server
      // writes says 1888.36 and not 1888.3600000000001.
      for (const char* column : {"open", "high", "low", "close"}) {
        const double points = doubles(day.topix, column)[0];
        EXPECT_EQ(points, std::round(points * 100) / 100) << column << " " << day.date.to_string();
      }
    }
  }
  EXPECT_GT(traded, 150'000u);
}

TEST(SampleMarketTest, ClosesStayWithinTheDailyLimitAndFlagsMarkLimitHits) {
  std::map<std::string, double> previous_close;
  int upper_hits = 0;
  int lower_hits = 0;
  int checked = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& bars = day.bars;
    const auto& codes = strings(bars, "code");
    const auto& high = doubles(bars, "high");
    const auto& low = doubles(bars, "low");
    const auto& close = doubles(bars, "close");
    const auto& factor = doubles(bars, "adjustment_factor");
    const auto& upper_flag = ints(bars, "upper_limit");
    const auto& lower_flag = ints(bars, "lower_limit");
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      if (std::isnan(close[row])) continue;
      const auto found = previous_close.find(codes[row]);
      if (found != previous_close.end()) {
        const double base = round_to_tick(found->second * factor[row]);
        const double upper = upper_limit_price(base);
        const double lower = lower_limit_price(base);
        ASSERT_GE(close[row], lower) << day.date.to_string() << " " << codes[row];
        ASSERT_LE(close[row], upper) << day.date.to_string() << " " << codes[row];
        ASSERT_LE(high[row], upper);
        ASSERT_GE(low[row], lower);
        ASSERT_EQ(upper_flag[row] == 1, high[row] == upper)
            << day.date.to_string() << " " << codes[row];
        ASSERT_EQ(lower_flag[row] == 1, low[row] == lower)
            << day.date.to_string() << " " << codes[row];
        upper_hits += upper_flag[row];
        lower_hits += lower_flag[row];
        ++checked;
      }
      previous_close[codes[row]] = close[row];
    }
  }
  EXPECT_GT(checked, 150'000);
  EXPECT_GT(upper_hits, 0);
  EXPECT_GT(lower_hits, 0);
}

TEST(SampleMarketTest, HaltedRecordsAreNullTogether) {
  int halts = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& bars = day.bars;
    const auto& close = doubles(bars, "close");
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      int nulls = 0;
      for (const char* column : {"open", "high", "low", "close", "volume", "turnover_value",
                                 "adj_open", "adj_high", "adj_low", "adj_close", "adj_volume"}) {
        nulls += std::isnan(doubles(bars, column)[row]) ? 1 : 0;
      }
      ASSERT_TRUE(nulls == 0 || nulls == 11) << day.date.to_string() << " row " << row;
      if (nulls == 0) {
        EXPECT_FALSE(std::isnan(doubles(day.oracle, "expected_return_1d")[row]));
        continue;
      }
      EXPECT_EQ(doubles(bars, "adjustment_factor")[row], 1.0);
      EXPECT_EQ(ints(bars, "upper_limit")[row], 0);
      EXPECT_EQ(ints(bars, "lower_limit")[row], 0);
      EXPECT_TRUE(std::isnan(doubles(day.oracle, "expected_return_1d")[row]));
      EXPECT_TRUE(std::isnan(close[row]));
      if (!day.outage) ++halts;
    }
  }
  EXPECT_GT(halts, 10);
}

TEST(SampleMarketTest, TheOutageDayHasNullRecordsForEveryListedStock) {
  const std::vector<SampleDay>& days = long_run().days;
  const auto outage =
      std::find_if(days.begin(), days.end(), [](const SampleDay& day) { return day.outage; });
  ASSERT_NE(outage, days.end());
  EXPECT_EQ(outage->date, d("2020-10-01"));
  EXPECT_EQ(
      std::count_if(days.begin(), days.end(), [](const SampleDay& day) { return day.outage; }), 1);
  EXPECT_EQ(std::prev(outage)->date, d("2020-09-30"));
  EXPECT_EQ(std::next(outage)->date, d("2020-10-02"));
  EXPECT_GT(outage->bars.num_rows(), 350u);
  EXPECT_EQ(strings(outage->bars, "code"), strings(outage->master, "code"));
  EXPECT_EQ(outage->bars.column("close").null_count(), outage->bars.num_rows());
  EXPECT_EQ(outage->bars.column("volume").null_count(), outage->bars.num_rows());
  EXPECT_EQ(outage->oracle.column("expected_return_1d").null_count(), outage->bars.num_rows());
  EXPECT_EQ(outage->topix.num_rows(), 0u);
  EXPECT_EQ(outage->investor_types.num_rows(), 0u);
  // Nobody lists or delists on a day that did not trade.
  EXPECT_EQ(strings(outage->master, "code"), strings(std::next(outage)->master, "code"));
}

// AdjFactor of each code's ex-dates in the run, ascending.
std::map<std::string, std::vector<std::pair<Date, double>>> ex_dates(const Run& run) {
  std::map<std::string, std::vector<std::pair<Date, double>>> events;
  for (const SampleDay& day : run.days) {
    const auto& codes = strings(day.bars, "code");
    const auto& factor = doubles(day.bars, "adjustment_factor");
    for (size_t row = 0; row < codes.size(); ++row) {
      if (factor[row] != 1.0) events[codes[row]].emplace_back(day.date, factor[row]);
    }
  }
  return events;
}

TEST(SampleMarketTest, AdjustedColumnsApplyEveryLaterExDateUpToAsOf) {
  const auto events = ex_dates(long_run());
  int adjusted_rows = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& bars = day.bars;
    const auto& codes = strings(bars, "code");
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      double factor = 1;
      const auto found = events.find(codes[row]);
      if (found != events.end()) {
        for (const auto& [ex_date, ratio] : found->second) {
          if (ex_date > day.date) factor *= ratio;
        }
      }
      if (factor != 1) ++adjusted_rows;
      for (const auto& [raw, adjusted] :
           {std::pair{"open", "adj_open"}, std::pair{"high", "adj_high"},
            std::pair{"low", "adj_low"}, std::pair{"close", "adj_close"}}) {
        const double value = doubles(bars, raw)[row];
        if (std::isnan(value)) continue;
        ASSERT_NEAR(doubles(bars, adjusted)[row], round_adjusted(value * factor), 1e-9)
            << day.date.to_string() << " " << codes[row] << " " << raw;
      }
      const double volume = doubles(bars, "volume")[row];
      if (!std::isnan(volume)) {
        ASSERT_NEAR(doubles(bars, "adj_volume")[row], round_adjusted(volume / factor), 1e-6);
      }
    }
  }
  EXPECT_GT(adjusted_rows, 1000);
}

TEST(SampleMarketTest, SplitsMoveRawPricesByTheRatioAndAdjustedPricesStayContinuous) {
  std::map<std::string, std::pair<double, double>> previous;  // code -> (close, adj_close)
  int splits = 0;
  int reverse_splits = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& bars = day.bars;
    const auto& codes = strings(bars, "code");
    const auto& close = doubles(bars, "close");
    const auto& adj_close = doubles(bars, "adj_close");
    const auto& factor = doubles(bars, "adjustment_factor");
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      if (std::isnan(close[row])) continue;
      const auto found = previous.find(codes[row]);
      if (factor[row] != 1.0) {
        EXPECT_TRUE(factor[row] == 0.5 || factor[row] == 0.25 || factor[row] == 0.2 ||
                    factor[row] == 0.1 || factor[row] == 5.0 || factor[row] == 10.0)
            << factor[row];
        (factor[row] < 1 ? splits : reverse_splits) += 1;
        ASSERT_NE(found, previous.end());
        const double raw_ratio = close[row] / found->second.first;
        const double adjusted_ratio = adj_close[row] / found->second.second;
        // The raw series jumps by the ratio; the adjusted one only by the day's move.
        EXPECT_NEAR(raw_ratio / adjusted_ratio, factor[row], 0.03 * factor[row])
            << day.date.to_string() << " " << codes[row];
        EXPECT_LT(std::abs(std::log(adjusted_ratio)), 0.35);
        EXPECT_GT(std::abs(std::log(raw_ratio)), std::abs(std::log(factor[row])) - 0.35);
      }
      previous[codes[row]] = {close[row], adj_close[row]};
    }
  }
  EXPECT_GT(splits, 5);
  EXPECT_GT(reverse_splits + splits, 10);
}

TEST(SampleMarketTest, InvestorTypesBalanceAndFollowThePublicationRule) {
  const std::array<std::string, 13> groups = {
      "proprietary",    "brokerage",         "total",           "individuals", "foreigners",
      "securities_cos", "investment_trusts", "business_cos",    "other_cos",   "insurance_cos",
      "banks",          "trust_banks",       "other_financials"};
  using Key = std::tuple<std::string, Date, Date>;  // section, start, end
  std::map<Key, std::vector<int64_t>> originals;
  std::map<Date, std::set<std::string>> sections_by_week;
  int records = 0;
  int corrections = 0;
  for (const SampleDay& day : long_run().days) {
    const Table& table = day.investor_types;
    for (size_t row = 0; row < table.num_rows(); ++row) {
      ++records;
      const Date published = table.column("published_date").as<Date>()[row];
      const Date start = table.column("start_date").as<Date>()[row];
      const Date end = table.column("end_date").as<Date>()[row];
      const std::string& section = strings(table, "section")[row];
      EXPECT_EQ(published, day.date);
      std::vector<int64_t> values;
      std::array<int64_t, 13> sell{};
      std::array<int64_t, 13> buy{};
      for (size_t g = 0; g < groups.size(); ++g) {
        sell[g] = table.column(groups[g] + "_sell").as<int64_t>()[row];
        buy[g] = table.column(groups[g] + "_buy").as<int64_t>()[row];
        EXPECT_EQ(table.column(groups[g] + "_total").as<int64_t>()[row], sell[g] + buy[g]);
        EXPECT_EQ(table.column(groups[g] + "_balance").as<int64_t>()[row], buy[g] - sell[g]);
        EXPECT_GE(sell[g], 0);
        values.push_back(sell[g]);
        values.push_back(buy[g]);
      }
      int64_t client_sell = 0;
      int64_t client_buy = 0;
      for (size_t g = 3; g < groups.size(); ++g) {
        client_sell += sell[g];
        client_buy += buy[g];
      }
      EXPECT_EQ(sell[1], client_sell);
      EXPECT_EQ(buy[1], client_buy);
      EXPECT_EQ(sell[2], sell[0] + sell[1]);
      EXPECT_EQ(buy[2], buy[0] + buy[1]);
      EXPECT_GT(sell[2], 0);

      // One Monday-to-Friday week, from its first to its last business day.
      EXPECT_LE(start, end);
      EXPECT_EQ(monday_of(start), monday_of(end));
      EXPECT_TRUE(calendar().is_business_day(start));
      EXPECT_TRUE(calendar().is_business_day(end));
      EXPECT_GT(monday_of(calendar().next_business_day(end)), monday_of(end));
      if (start != long_run().options.start_date) {
        EXPECT_LT(monday_of(calendar().previous_business_day(start)), monday_of(start));
      }

      const Key key{section, start, end};
      const Date regular = calendar().add_business_days(end, 4);
      if (published == regular) {
        EXPECT_TRUE(originals.emplace(key, values).second) << section << " " << start.to_string();
        sections_by_week[end].insert(section);
      } else {
        ++corrections;
        EXPECT_EQ(published, calendar().add_business_days(regular, 1));
        const auto original = originals.find(key);
        ASSERT_NE(original, originals.end()) << "a correction without its record";
        EXPECT_NE(original->second, values);
      }
    }
  }
  const std::set<std::string> legacy = {"TSE1st", "TSE2nd", "TSEMothers", "TSEJASDAQ",
                                        "TokyoNagoya"};
  const std::set<std::string> current = {"TSEPrime", "TSEStandard", "TSEGrowth", "TokyoNagoya"};
  for (const auto& [end, sections] : sections_by_week) {
    EXPECT_EQ(sections, end < d("2022-04-04") ? legacy : current) << end.to_string();
  }
  EXPECT_GT(sections_by_week.size(), 100u);
  EXPECT_GE(corrections, 1);
  EXPECT_LT(corrections, records / 10);
}

TEST(SampleMarketTest, MasterFollowsListingsDelistingsAndTheMarketReorganisation) {
  std::set<std::string> seen;
  std::set<std::string> gone;
  std::vector<std::string> previous;
  int listings = 0;
  int delistings = 0;
  const std::set<std::string> scales = {"TOPIX Core30",  "TOPIX Large70", "TOPIX Mid400",
                                        "TOPIX Small 1", "TOPIX Small 2", "-"};
  for (const SampleDay& day : long_run().days) {
    const auto& codes = strings(day.master, "code");
    ASSERT_EQ(codes, strings(day.bars, "code")) << day.date.to_string();
    ASSERT_TRUE(std::adjacent_find(codes.begin(), codes.end()) == codes.end());
    const std::set<std::string> today(codes.begin(), codes.end());
    for (const std::string& code : previous) {
      if (!today.contains(code)) {
        gone.insert(code);
        ++delistings;
      }
    }
    const bool reorganised = day.date >= d("2022-04-04");
    for (size_t row = 0; row < codes.size(); ++row) {
      const std::string& code = codes[row];
      ASSERT_EQ(code.size(), 5u);
      ASSERT_EQ(code.back(), '0');
      ASSERT_FALSE(gone.contains(code)) << code << " came back on " << day.date.to_string();
      if (seen.insert(code).second && !previous.empty()) ++listings;
      const std::string& market = strings(day.master, "market_code")[row];
      const std::string& scale = strings(day.master, "scale_category")[row];
      if (reorganised) {
        ASSERT_TRUE(market == "0111" || market == "0112" || market == "0113") << market;
      } else {
        ASSERT_TRUE(market == "0101" || market == "0102" || market == "0104" || market == "0106")
            << market;
      }
      ASSERT_TRUE(scales.contains(scale)) << scale;
      if (market != "0101" && market != "0111") {
        ASSERT_EQ(scale, "-");
      }
      const std::string& margin = strings(day.master, "margin_code")[row];
      ASSERT_EQ(strings(day.master, "margin_name")[row], margin == "2" ? "貸借" : "信用");
    }
    previous = codes;
  }
  EXPECT_GT(listings, 5);
  EXPECT_GT(delistings, 2);
  // Every scale category appears on the last day, Core30 included.
  const SampleDay& last = long_run().days.back();
  const auto& last_scales = strings(last.master, "scale_category");
  EXPECT_EQ(std::set<std::string>(last_scales.begin(), last_scales.end()), scales);
}

TEST(SampleMarketTest, ListingsFrom2024UseAlphanumericCodes) {
  const SampleOptions options{.seed = 5, .stocks = 2000, .start_date = d("2023-11-01")};
  SampleMarket market(options, calendar(), d("2024-03-29"));
  const SampleDay day = market.day(d("2024-03-29"));
  int alphanumeric = 0;
  for (const std::string& code : strings(day.master, "code")) {
    if (std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    ++alphanumeric;
    EXPECT_TRUE(code[3] >= 'A' && code[3] <= 'Z') << code;
  }
  EXPECT_GT(alphanumeric, 0);
}

TEST(SampleMarketTest, OracleRankIcIsRealistic) {
  const SampleOptions options{.seed = 42, .stocks = 1000, .start_date = d("2016-01-04")};
  const OracleScore score =
      score_oracle(options, calendar(), calendar().add_business_days(options.start_date, 245));
  EXPECT_GE(score.rank_ic_1d, 0.03);
  EXPECT_LE(score.rank_ic_1d, 0.10);
  EXPECT_GT(score.rank_ic_5d, 0.0);
  EXPECT_GE(score.days, 240);
}

TEST(SampleMarketTest, RejectsBadOptionsAndDays) {
  const auto category_of = [](auto&& action) {
    try {
      action();
    } catch (const Error& e) {
      return e.category();
    }
    return ErrorCategory::kInternal;
  };
  const Date as_of = d("2016-02-29");
  EXPECT_EQ(category_of([&] { SampleMarket(SampleOptions{.stocks = 9}, calendar(), as_of); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { SampleMarket(SampleOptions{.stocks = 20001}, calendar(), as_of); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] {
              SampleMarket(SampleOptions{.stocks = 10, .start_date = d("2016-01-09")}, calendar(),
                           as_of);
            }),
            ErrorCategory::kInvalidInput);

  SampleMarket market(SampleOptions{.stocks = 10}, calendar(), as_of);
  EXPECT_EQ(market.day(d("2016-01-06")).date, d("2016-01-06"));
  EXPECT_EQ(category_of([&] { market.day(d("2016-01-05")); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { market.day(d("2016-01-11")); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { market.day(d("2016-03-01")); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(market.next_day()->date, d("2016-01-07"));
  EXPECT_EQ(market.day(as_of).date, as_of);
  EXPECT_FALSE(market.next_day().has_value());

  SampleMarket empty(SampleOptions{.stocks = 10}, calendar(), d("2015-12-31"));
  EXPECT_FALSE(empty.next_day().has_value());
}

TEST(SampleMarketTest, CalendarRecordsFollowTheTseSchedule) {
  const Table records =
      SampleMarket::calendar_records(calendar(), d("2016-01-01"), d("2023-12-31"));
  const auto& dates = records.column("date").as<Date>();
  const auto& division = ints(records, "holiday_division");
  ASSERT_EQ(dates.size(), static_cast<size_t>(d("2023-12-31") - d("2016-01-01") + 1));
  std::map<Date, int32_t> by_date;
  for (size_t i = 0; i < dates.size(); ++i) by_date[dates[i]] = division[i];
  EXPECT_EQ(by_date[d("2016-01-01")], 0);
  EXPECT_EQ(by_date[d("2016-01-04")], 1);
  EXPECT_EQ(by_date[d("2016-01-09")], 0);  // Saturday
  EXPECT_EQ(by_date[d("2016-01-11")], 0);  // Coming of Age Day, before holiday trading
  EXPECT_EQ(by_date[d("2020-10-01")], 1);  // the outage was a scheduled business day
  EXPECT_EQ(by_date[d("2023-01-09")], 3);  // Coming of Age Day, OSE trades
  EXPECT_EQ(by_date[d("2023-01-03")], 0);  // year-end closure
}

}  // namespace
}  // namespace gogooku3::market::sample
