#include "features/feature_correlation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gogooku3::features {
namespace {

TEST(FeatureCorrelation, FindsDuplicatesAndSkipsNaNAndConstantColumns) {
  std::vector<float> x, twin, opposite, noise, constant;
  for (int i = 0; i < 1000; ++i) {
    x.push_back(static_cast<float>(std::sin(i * 0.1)));
    twin.push_back(i % 10 == 0 ? NAN : 2 * x.back() + 1);
    opposite.push_back(-x.back());
    noise.push_back(static_cast<float>(std::sin(i * 7.77) * std::cos(i * 0.013)));
    constant.push_back(1);
  }
  Table t({Column::of<std::string>("code", std::vector<std::string>(1000, "13010")),
           Column::of<float>("x", x), Column::of<float>("twin", twin),
           Column::of<float>("opposite", opposite), Column::of<float>("noise", noise),
           Column::of<float>("constant", constant)});
  const auto pairs = pairwise_correlations(t, 500);
  ASSERT_EQ(pairs.size(), 6u);  // 4 non-constant columns: 6 pairs; constant ones are skipped
  EXPECT_NEAR(std::abs(pairs[0].correlation), 1.0, 1e-6);
  EXPECT_LT(std::abs(pairs.back().correlation), 0.2);
  for (const auto& p : pairs) {
    if (p.first == "x" && p.second == "opposite") {
      EXPECT_NEAR(p.correlation, -1.0, 1e-6);
    }
    if (p.first == "x" && p.second == "twin") {
      EXPECT_EQ(p.rows, 400u);  // 500 sampled rows, every 5th of them NaN
    }
  }
}

}  // namespace
}  // namespace gogooku3::features
