#include "features/labels.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gogooku3::features {
namespace {

TEST(FeatureLabels, ForwardReturnsOverTradedDaysAndNaNAtTheEnd) {
  std::vector<std::string> codes;
  std::vector<Date> dates;
  std::vector<double> close;
  for (int i = 0; i < 30; ++i) {
    codes.emplace_back("13010");
    dates.emplace_back(18000 + i);
    close.push_back(i == 3 ? NAN : 100.0 + i);  // day 3 is a halt
  }
  Table prices({Column::of<std::string>("code", codes), Column::of<Date>("date", dates),
                Column::of<double>("adj_close", close)});
  const Table labels = compute_labels(std::move(prices).sort_by_code_date());
  const auto& l1 = labels.column("label_ret_1d").as<double>();
  const auto& l5 = labels.column("label_ret_5d").as<double>();
  const auto& l20 = labels.column("label_ret_20d").as<double>();
  EXPECT_DOUBLE_EQ(l1[0], 101.0 / 100.0 - 1);
  EXPECT_DOUBLE_EQ(l1[2], 104.0 / 102.0 - 1);  // skips the halted day
  EXPECT_TRUE(std::isnan(l1[3]));
  EXPECT_DOUBLE_EQ(l5[0], 106.0 / 100.0 - 1);  // five traded days: 1, 2, 4, 5, 6
  EXPECT_TRUE(std::isnan(l1[29]));
  // 29 traded days: row 9 is the 9th, and the 29th is the last row.
  EXPECT_DOUBLE_EQ(l20[9], 129.0 / 109.0 - 1);
  EXPECT_TRUE(std::isnan(l20[10]));
  EXPECT_TRUE(is_label_name("label_ret_1d"));
  EXPECT_FALSE(is_label_name("ret_1d"));
}

}  // namespace
}  // namespace gogooku3::features
