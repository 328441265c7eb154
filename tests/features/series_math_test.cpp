#include "features/catalog/series_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace gogooku3::features {
namespace {

// Regression (found by the bench's incremental check): after a volatile stretch, a flat window
// left running-sum residue (realized vol 9e-10, downside vol NaN) whose size depended on where
// the series started.
TEST(SeriesMath, FlatWindowsAreExactWhateverCameBefore) {
  std::vector<double> in;
  for (int i = 0; i < 300; ++i) in.push_back(i < 200 ? 0.013 * std::sin(i * 1.7) : 0.0);
  std::vector<double> sd(in.size()), mean(in.size()), sum(in.size());
  rolling_std(in, 20, sd);
  rolling_mean(in, 20, mean);
  rolling_sum(in, 20, sum);
  for (size_t i = 219; i < in.size(); ++i) {
    EXPECT_EQ(sd[i], 0.0) << i;
    EXPECT_EQ(mean[i], 0.0) << i;
    EXPECT_EQ(sum[i], 0.0) << i;
  }
  EXPECT_GT(sd[210], 0.0);
  // The same values from a later start: identical bits on the flat stretch.
  std::vector<double> suffix(in.begin() + 150, in.end()), sd_suffix(suffix.size());
  rolling_std(suffix, 20, sd_suffix);
  for (size_t i = 219; i < in.size(); ++i) EXPECT_EQ(sd[i], sd_suffix[i - 150]) << i;
}

TEST(SeriesMath, RollingExtremesAndBarsSinceTieToTheMostRecent) {
  const std::vector<double> in = {1, 3, 2, 3, 1, 0};
  std::vector<double> high(in.size()), since(in.size());
  rolling_max(in, 3, high);
  bars_since_max(in, 3, since);
  EXPECT_TRUE(std::isnan(high[1]));
  EXPECT_EQ(high[3], 3);
  EXPECT_DOUBLE_EQ(since[3], 0.0);        // the later 3 wins the tie
  EXPECT_DOUBLE_EQ(since[5], 2.0 / 3.0);  // two bars since the 3 at index 3
}

TEST(SeriesMath, ReturnsAndRatiosRefuseNonPositivePrices) {
  const std::vector<double> close = {100, 0, 110, 121};
  std::vector<double> r(close.size()), gap(close.size());
  simple_return(close, 1, r);
  EXPECT_TRUE(std::isnan(r[0]));
  EXPECT_TRUE(std::isnan(r[2]));  // from a zero close
  EXPECT_NEAR(r[3], 0.1, 1e-15);
  gap_ratio(close, close, gap);
  EXPECT_TRUE(std::isnan(gap[1]));
  EXPECT_EQ(gap[3], 0.0);
}

}  // namespace
}  // namespace gogooku3::features
