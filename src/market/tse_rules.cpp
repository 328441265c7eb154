// The tables are TSE's (JPX "呼値の単位" and "制限値幅"), general band, as of 2024.
#include "market/tse_rules.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace gogooku3::market {
namespace {

// (highest price of the band, inclusive; tick).
constexpr std::array<std::pair<double, double>, 10> kTicks = {{
    {3'000, 1},
    {5'000, 5},
    {30'000, 10},
    {50'000, 50},
    {300'000, 100},
    {500'000, 500},
    {3'000'000, 1'000},
    {5'000'000, 5'000},
    {30'000'000, 10'000},
    {50'000'000, 50'000},
}};
constexpr double kTopTick = 100'000;

// (base price below which the width applies, exclusive; width).
constexpr std::array<std::pair<double, double>, 33> kLimits = {{
    {100, 30},
    {200, 50},
    {500, 80},
    {700, 100},
    {1'000, 150},
    {1'500, 300},
    {2'000, 400},
    {3'000, 500},
    {5'000, 700},
    {7'000, 1'000},
    {10'000, 1'500},
    {15'000, 3'000},
    {20'000, 4'000},
    {30'000, 5'000},
    {50'000, 7'000},
    {70'000, 10'000},
    {100'000, 15'000},
    {150'000, 30'000},
    {200'000, 40'000},
    {300'000, 50'000},
    {500'000, 70'000},
    {700'000, 100'000},
    {1'000'000, 150'000},
    {1'500'000, 300'000},
    {2'000'000, 400'000},
    {3'000'000, 500'000},
    {5'000'000, 700'000},
    {7'000'000, 1'000'000},
    {10'000'000, 1'500'000},
    {15'000'000, 3'000'000},
    {20'000'000, 4'000'000},
    {30'000'000, 5'000'000},
    {50'000'000, 7'000'000},
}};
constexpr double kTopWidth = 10'000'000;

}  // namespace

double tick_size(double price) {
  for (const auto& [highest, tick] : kTicks) {
    if (price <= highest) return tick;
  }
  return kTopTick;
}

double daily_limit_width(double base_price) {
  for (const auto& [below, width] : kLimits) {
    if (base_price < below) return width;
  }
  return kTopWidth;
}

double round_to_tick(double price) {
  const double tick = tick_size(price);
  return std::max(1.0, std::round(price / tick) * tick);
}

// A price just above a band edge has the coarser tick, but the edge itself (a multiple of it)
// is the nearest grid price below; so floor with the tick of the price, ceil with the tick of
// the band the result lands in.
double floor_to_tick(double price) {
  const double tick = tick_size(price);
  return std::max(1.0, std::floor(price / tick) * tick);
}

double ceil_to_tick(double price) {
  const double fine = tick_size(price);
  const double candidate = std::ceil(price / fine) * fine;
  // Rounding up may cross into a coarser band whose grid does not hold the candidate.
  const double tick = tick_size(candidate);
  return std::max(1.0, std::ceil(candidate / tick) * tick);
}

double upper_limit_price(double base_price) {
  return floor_to_tick(base_price + daily_limit_width(base_price));
}

double lower_limit_price(double base_price) {
  return ceil_to_tick(std::max(1.0, base_price - daily_limit_width(base_price)));
}

}  // namespace gogooku3::market
