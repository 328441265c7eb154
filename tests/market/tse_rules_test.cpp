// The TSE tick and daily-limit tables, checked at every band edge: the last price of a band
// and the first of the next.
#include "market/tse_rules.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gogooku3::market {
namespace {

struct Band {
  double price;
  double expected;
};

TEST(TseRulesTest, TickSizeAtEveryBandEdge) {
  const Band cases[] = {
      {1, 1},
      {3'000, 1},
      {3'001, 5},
      {5'000, 5},
      {5'001, 10},
      {30'000, 10},
      {30'001, 50},
      {50'000, 50},
      {50'001, 100},
      {300'000, 100},
      {300'001, 500},
      {500'000, 500},
      {500'001, 1'000},
      {3'000'000, 1'000},
      {3'000'001, 5'000},
      {5'000'000, 5'000},
      {5'000'001, 10'000},
      {30'000'000, 10'000},
      {30'000'001, 50'000},
      {50'000'000, 50'000},
      {50'000'001, 100'000},
      {900'000'000, 100'000},
  };
  for (const Band& band : cases) {
    EXPECT_EQ(tick_size(band.price), band.expected) << "price " << band.price;
  }
}

TEST(TseRulesTest, DailyLimitWidthAtEveryBandEdge) {
  // (first base price of the band, width); the price just below takes the previous width.
  const Band cases[] = {
      {1, 30},
      {100, 50},
      {200, 80},
      {500, 100},
      {700, 150},
      {1'000, 300},
      {1'500, 400},
      {2'000, 500},
      {3'000, 700},
      {5'000, 1'000},
      {7'000, 1'500},
      {10'000, 3'000},
      {15'000, 4'000},
      {20'000, 5'000},
      {30'000, 7'000},
      {50'000, 10'000},
      {70'000, 15'000},
      {100'000, 30'000},
      {150'000, 40'000},
      {200'000, 50'000},
      {300'000, 70'000},
      {500'000, 100'000},
      {700'000, 150'000},
      {1'000'000, 300'000},
      {1'500'000, 400'000},
      {2'000'000, 500'000},
      {3'000'000, 700'000},
      {5'000'000, 1'000'000},
      {7'000'000, 1'500'000},
      {10'000'000, 3'000'000},
      {15'000'000, 4'000'000},
      {20'000'000, 5'000'000},
      {30'000'000, 7'000'000},
      {50'000'000, 10'000'000},
  };
  double previous_width = 0;
  for (const Band& band : cases) {
    EXPECT_EQ(daily_limit_width(band.price), band.expected) << "base " << band.price;
    if (previous_width > 0) {
      EXPECT_EQ(daily_limit_width(band.price - 1), previous_width) << "base " << band.price - 1;
    }
    previous_width = band.expected;
  }
}

TEST(TseRulesTest, RoundingLandsOnTheGrid) {
  EXPECT_EQ(round_to_tick(2047.4), 2047);
  EXPECT_EQ(round_to_tick(3002.4), 3000);
  EXPECT_EQ(round_to_tick(3003.0), 3005);
  EXPECT_EQ(round_to_tick(0.2), 1);
  EXPECT_EQ(floor_to_tick(3004.9), 3000);
  EXPECT_EQ(ceil_to_tick(3000.5), 3005);
  EXPECT_EQ(ceil_to_tick(2999.5), 3000);
  EXPECT_EQ(ceil_to_tick(29'999.5), 30'000);
  EXPECT_EQ(ceil_to_tick(30'000.5), 30'050);
  double price = 1;
  while (price < 80'000) {
    for (const double rounded : {round_to_tick(price), floor_to_tick(price), ceil_to_tick(price)}) {
      EXPECT_EQ(std::fmod(rounded, tick_size(rounded)), 0) << price << " -> " << rounded;
    }
    EXPECT_LE(floor_to_tick(price), std::max(1.0, price));
    EXPECT_GE(ceil_to_tick(price), price);
    price = price * 1.013 + 0.37;
  }
}

TEST(TseRulesTest, LimitPricesAreOnTheGridAndInsideTheWidth) {
  EXPECT_EQ(upper_limit_price(2045), 2545);
  EXPECT_EQ(lower_limit_price(2045), 1545);
  EXPECT_EQ(upper_limit_price(99), 129);
  EXPECT_EQ(lower_limit_price(99), 69);
  EXPECT_EQ(lower_limit_price(20), 1);  // never below the smallest price
  // 2,999 + 500 = 3,499 is off the 5-yen grid above 3,000: the limit rounds inward.
  EXPECT_EQ(upper_limit_price(2999), 3495);
  EXPECT_EQ(lower_limit_price(5050), 4050);
  EXPECT_EQ(lower_limit_price(30'020), 23'020);
  double base = 1;
  while (base < 2'000'000) {
    const double upper = upper_limit_price(base);
    const double lower = lower_limit_price(base);
    EXPECT_LE(upper, base + daily_limit_width(base)) << base;
    EXPECT_GE(lower, base - daily_limit_width(base)) << base;
    EXPECT_GT(upper, base) << base;
    EXPECT_LE(lower, base) << base;
    EXPECT_EQ(std::fmod(upper, tick_size(upper)), 0) << base;
    EXPECT_EQ(std::fmod(lower, tick_size(lower)), 0) << base;
    base = round_to_tick(base * 1.07 + 1);
  }
}

}  // namespace
}  // namespace gogooku3::market
