// Investor flows reach a stock through its market section, from the business day after
// publication, and a corrected week replaces the original only from its own publication on.
#include <gtest/gtest.h>

#include <cmath>

#include "core/trading_calendar.h"
#include "features/catalog/catalog.h"
#include "features/engine.h"

namespace gogooku3::features {
namespace {

TEST(FeatureEngineFlows, PointInTimeWithCorrections) {
  TradingCalendar calendar;
  const std::vector<Date> days =
      calendar.business_days(Date::from_ymd(2024, 1, 4), Date::from_ymd(2024, 3, 29));
  std::vector<std::string> codes, markets;
  std::vector<Date> dates;
  std::vector<double> price;
  std::vector<int32_t> flag;
  for (const Date d : days) {
    codes.emplace_back("13010");
    markets.emplace_back("0111");  // Prime
    dates.push_back(d);
    price.push_back(100);
    flag.push_back(0);
  }
  const Table prices =
      Table({Column::of<std::string>("code", codes), Column::of<Date>("date", dates),
             Column::of<double>("adj_open", price), Column::of<double>("adj_high", price),
             Column::of<double>("adj_low", price), Column::of<double>("adj_close", price),
             Column::of<double>("adj_volume", price), Column::of<double>("turnover_value", price),
             Column::of<int32_t>("upper_limit", flag), Column::of<int32_t>("lower_limit", flag),
             Column::of<std::string>("market_code", markets)})
          .sort_by_code_date();
  // Weekly Prime records published on Thursdays (foreign balance / total = 0.01 * week), and a
  // correction of week 2 published with week 4 (0.5 instead of 0.02).
  std::vector<Date> published, week_end;
  std::vector<std::string> sections;
  std::vector<int64_t> foreign, individual, total;
  const auto add = [&](Date pub, Date end, double ratio) {
    published.push_back(pub);
    week_end.push_back(end);
    sections.emplace_back("TSEPrime");
    foreign.push_back(static_cast<int64_t>(ratio * 1e9));
    individual.push_back(0);
    total.push_back(1'000'000'000);
  };
  const Date thursday = Date::from_ymd(2024, 1, 11);
  for (int w = 1; w <= 6; ++w) {
    add(thursday + 7 * (w - 1), thursday + 7 * (w - 1) - 6, 0.01 * w);
    if (w == 4) add(thursday + 21, thursday + 7 - 6, 0.5);
  }
  const Table flows({Column::of<Date>("published_date", published),
                     Column::of<Date>("end_date", week_end),
                     Column::of<std::string>("section", sections),
                     Column::of<int64_t>("foreigners_balance", foreign),
                     Column::of<int64_t>("individuals_balance", individual),
                     Column::of<int64_t>("total_total", total)});
  const Table empty;
  const Table out = compute_features(
      {prices, empty, flows},
      {&catalog().get("foreign_net_ratio"), &catalog().get("foreign_net_ratio_mean_4w")},
      days.front(), days.back());
  const auto& d = out.column("date").as<Date>();
  const auto& ratio = out.column("foreign_net_ratio").as<float>();
  const auto& mean4 = out.column("foreign_net_ratio_mean_4w").as<float>();
  for (size_t r = 0; r < out.num_rows(); ++r) {
    if (d[r] <= thursday) {
      EXPECT_TRUE(std::isnan(ratio[r])) << d[r].to_string();  // not yet usable
    } else if (d[r] <= thursday + 7) {
      EXPECT_FLOAT_EQ(ratio[r], 0.01f) << d[r].to_string();
    } else if (d[r] > thursday + 21 && d[r] <= thursday + 28) {
      // Week 4 is known with week 2 corrected: mean of 0.01, 0.5, 0.03, 0.04 — four weeks,
      // not five records.
      EXPECT_FLOAT_EQ(ratio[r], 0.04f) << d[r].to_string();
      EXPECT_FLOAT_EQ(mean4[r], (0.01f + 0.5f + 0.03f + 0.04f) / 4) << d[r].to_string();
    } else if (d[r] > thursday + 14 && d[r] <= thursday + 21) {
      EXPECT_TRUE(std::isnan(mean4[r]));  // three weeks known: the 4-week mean is undefined
      EXPECT_FLOAT_EQ(ratio[r], 0.03f);
    }
  }
}

}  // namespace
}  // namespace gogooku3::features
