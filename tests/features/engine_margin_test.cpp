// Margin features reach a stock's days only from the business day after publication.
#include <gtest/gtest.h>

#include <cmath>

#include "core/trading_calendar.h"
#include "features/catalog/catalog.h"
#include "features/engine.h"
#include "features/feature_inputs.h"

namespace gogooku3::features {
namespace {

TEST(FeatureEngineMargin, AsOfTheAvailabilityDateAndPerCode) {
  TradingCalendar calendar;
  const std::vector<Date> days =
      calendar.business_days(Date::from_ymd(2024, 3, 1), Date::from_ymd(2024, 4, 30));
  Table prices;
  {
    std::vector<std::string> codes;
    std::vector<Date> dates;
    std::vector<double> price;
    std::vector<int32_t> flag;
    for (const char* code : {"13010", "72030"}) {
      for (const Date d : days) {
        codes.emplace_back(code);
        dates.push_back(d);
        price.push_back(100 + static_cast<double>(dates.size() % 7));
        flag.push_back(0);
      }
    }
    prices =
        Table({Column::of<std::string>("code", codes), Column::of<Date>("date", dates),
               Column::of<double>("adj_open", price), Column::of<double>("adj_high", price),
               Column::of<double>("adj_low", price), Column::of<double>("adj_close", price),
               Column::of<double>("adj_volume", price), Column::of<double>("turnover_value", price),
               Column::of<int32_t>("upper_limit", flag), Column::of<int32_t>("lower_limit", flag)})
            .sort_by_code_date();
  }
  // Two Friday records for 72030; the second is corrected by a later row of the same date.
  const Date friday1 = Date::from_ymd(2024, 3, 8), friday2 = Date::from_ymd(2024, 3, 15);
  const Date available1 = margin_available_date(calendar, friday1);
  const Date available2 = margin_available_date(calendar, friday2);
  EXPECT_EQ(available1, Date::from_ymd(2024, 3, 13));  // published Tue 12th, usable Wed
  const Table margin({Column::of<std::string>("code", {"72030", "72030", "72030"}),
                      Column::of<Date>("available_date", {available1, available2, available2}),
                      Column::of<double>("long_volume", {999, 5, 2999}),
                      Column::of<double>("short_volume", {999, 5, 999})});
  const Table empty;
  const Table out =
      compute_features({prices, empty, empty, margin}, {&catalog().get("margin_long_short")},
                       days.front(), days.back());
  const auto& codes = out.column("code").as<std::string>();
  const auto& dates = out.column("date").as<Date>();
  const auto& values = out.column("margin_long_short").as<float>();
  for (size_t r = 0; r < out.num_rows(); ++r) {
    if (codes[r] == "13010" || dates[r] < available1) {
      EXPECT_TRUE(std::isnan(values[r])) << codes[r] << " " << dates[r].to_string();
    } else if (dates[r] < available2) {
      EXPECT_FLOAT_EQ(values[r], 0.0f) << dates[r].to_string();
    } else {
      EXPECT_FLOAT_EQ(values[r], static_cast<float>(std::log(3000.0 / 1000.0)));
    }
  }
}

}  // namespace
}  // namespace gogooku3::features
