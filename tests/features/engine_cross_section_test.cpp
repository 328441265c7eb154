// Cross-section features of one day: percentile rank (ties averaged), clipped z-score, and
// distance from the sector median, checked by hand on five stocks.
#include <gtest/gtest.h>

#include <cmath>

#include "features/catalog/catalog.h"
#include "features/engine.h"

namespace gogooku3::features {
namespace {

TEST(FeatureEngineCrossSection, RankZScoreAndSectorMedianOfOneDay) {
  // ret_1d on day 2: -0.10, 0.00, 0.00, +0.10, +0.30 (stock "E" is halted on day 2: NaN).
  const std::vector<std::string> code = {"A", "A", "B", "B", "C", "C",
                                         "D", "D", "E", "E", "F", "F"};
  const std::vector<double> close = {100, 90, 100, 100, 100, 100, 100, 110, 100, NAN, 100, 130};
  const std::vector<std::string> sector = {"1", "1", "1", "1", "2", "2",
                                           "2", "2", "2", "2", "2", "2"};
  std::vector<Date> date;
  std::vector<int32_t> flag(code.size(), 0);
  for (size_t i = 0; i < code.size(); ++i) date.emplace_back(19000 + static_cast<int>(i % 2));
  const Table prices =
      Table({Column::of<std::string>("code", code), Column::of<Date>("date", date),
             Column::of<double>("adj_open", close), Column::of<double>("adj_high", close),
             Column::of<double>("adj_low", close), Column::of<double>("adj_close", close),
             Column::of<double>("adj_volume", close), Column::of<double>("turnover_value", close),
             Column::of<int32_t>("upper_limit", flag), Column::of<int32_t>("lower_limit", flag),
             Column::of<std::string>("sector33_code", sector)})
          .sort_by_code_date();
  const Table empty;
  const Table out =
      compute_features({prices, empty, empty},
                       {&catalog().get("cs_rank_ret_1d"), &catalog().get("cs_z_ret_1d"),
                        &catalog().get("sec_rel_ret_1d")},
                       Date(19001), Date(19001));
  ASSERT_EQ(out.num_rows(), 6u);
  const auto& rank = out.column("cs_rank_ret_1d").as<float>();
  const auto& z = out.column("cs_z_ret_1d").as<float>();
  const auto& rel = out.column("sec_rel_ret_1d").as<float>();
  // Rows by code: A B C D E F. Ranks of -0.1, 0, 0, 0.1, 0.3 over 5 ranked stocks.
  EXPECT_FLOAT_EQ(rank[0], 0.0f);
  EXPECT_FLOAT_EQ(rank[1], 0.375f);  // B and C tie at positions 1 and 2: 1.5 / 4
  EXPECT_FLOAT_EQ(rank[2], 0.375f);
  EXPECT_FLOAT_EQ(rank[3], 0.75f);
  EXPECT_TRUE(std::isnan(rank[4]));
  EXPECT_FLOAT_EQ(rank[5], 1.0f);
  const double mean = 0.06,
               sd = std::sqrt((0.16 * 0.16 + 2 * 0.06 * 0.06 + 0.04 * 0.04 + 0.24 * 0.24) / 5);
  EXPECT_NEAR(z[0], (-0.1 - mean) / sd, 1e-5);
  EXPECT_NEAR(z[5], (0.3 - mean) / sd, 1e-5);
  // Sector 1 = {A -0.1, B 0}: median -0.05. Sector 2 = {C 0, D 0.1, F 0.3}: median 0.1.
  EXPECT_NEAR(rel[0], -0.05, 1e-6);
  EXPECT_NEAR(rel[1], 0.05, 1e-6);
  EXPECT_NEAR(rel[2], -0.1, 1e-6);
  EXPECT_NEAR(rel[3], 0.0, 1e-6);
  EXPECT_TRUE(std::isnan(rel[4]));
  EXPECT_NEAR(rel[5], 0.2, 1e-6);
}

}  // namespace
}  // namespace gogooku3::features
