#include "features/indicators/moving_averages.h"

#include <array>
#include <cmath>
#include <string_view>

namespace gogooku3::features::indicators {
namespace {

constexpr int kMaxPeriod = 100000;

// TA-Lib's tolerance for "zero" (TA_IS_ZERO in ta_utility.h).
constexpr double kEpsilon = 1e-14;

void require_period(std::string_view indicator, int period) {
  require_parameter(indicator, "period", period, 2, kMaxPeriod);
}

// A chain of exponential averages in which level j smooths the values of level j-1 (level 0
// smooths the input). As in TA-Lib, every level is seeded with the plain mean of the first
// `period` values it receives, so level j has its first value at input row (j+1)(period-1).
// `step(x, previous)` is the recursion; EMA and T3 write it differently and the order of the
// floating-point operations is what makes us agree with TA-Lib to the last bit.
template <int kLevels, typename Step>
class EmaChain {
 public:
  EmaChain(int period, Step step) : period_(period), step_(step) {}

  // Feeds the next input; true once every level has a value.
  bool push(double x) {
    for (int level = 0; level < kLevels; ++level) {
      if (seen_[level] < period_) {
        sum_[level] += x;
        if (++seen_[level] < period_) return false;
        value_[level] = sum_[level] / period_;
      } else {
        value_[level] = step_(x, value_[level]);
      }
      x = value_[level];
    }
    return true;
  }

  double operator[](int level) const { return value_[level]; }

 private:
  int period_;
  Step step_;
  std::array<int, kLevels> seen_{};
  std::array<double, kLevels> sum_{};
  std::array<double, kLevels> value_{};
};

// TA-Lib's EMA recursion, ((x - previous) * k) + previous with k = 2/(n+1).
auto ema_step(int period) {
  const double k = 2.0 / (period + 1);
  return [k](double x, double previous) { return (x - previous) * k + previous; };
}

template <int kLevels>
EmaChain<kLevels, decltype(ema_step(2))> ema_chain(int period) {
  return {period, ema_step(period)};
}

}  // namespace

int sma_lookback(int period) {
  require_period("SMA", period);
  return period - 1;
}

void sma(Series in, int period, Output out) {
  require_length("SMA", in.size(), {out.size()});
  const auto first = static_cast<size_t>(sma_lookback(period));
  fill_nan_prefix(out, first);
  if (in.size() <= first) return;
  // TA-Lib's order (add the newest value, read, drop the oldest) keeps the rounding identical.
  double total = 0;
  for (size_t i = 0; i < first; ++i) total += in[i];
  for (size_t i = first; i < in.size(); ++i) {
    total += in[i];
    const double window_total = total;
    total -= in[i - first];
    out[i] = window_total / period;
  }
}

int ema_lookback(int period) {
  require_period("EMA", period);
  return period - 1;
}

void ema(Series in, int period, Output out) {
  require_length("EMA", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(ema_lookback(period)));
  auto chain = ema_chain<1>(period);
  for (size_t i = 0; i < in.size(); ++i) {
    if (chain.push(in[i])) out[i] = chain[0];
  }
}

int wma_lookback(int period) {
  require_period("WMA", period);
  return period - 1;
}

void wma(Series in, int period, Output out) {
  require_length("WMA", in.size(), {out.size()});
  const auto first = static_cast<size_t>(wma_lookback(period));
  fill_nan_prefix(out, first);
  if (in.size() <= first) return;
  // weighted = sum of w * x with weights 1 (oldest) .. n (newest); plain = sum of x. Sliding
  // the window lowers every weight by one, which is subtracting the plain sum.
  const double divider = static_cast<double>(period) * (period + 1) / 2;
  double weighted = 0;
  double plain = 0;
  for (size_t i = 0; i < first; ++i) {
    plain += in[i];
    weighted += in[i] * static_cast<double>(i + 1);
  }
  double leaving = 0;
  for (size_t i = first; i < in.size(); ++i) {
    plain += in[i];
    plain -= leaving;
    weighted += in[i] * period;
    leaving = in[i - first];
    out[i] = weighted / divider;
    weighted -= plain;
  }
}

int dema_lookback(int period) {
  require_period("DEMA", period);
  return 2 * (period - 1);
}

void dema(Series in, int period, Output out) {
  require_length("DEMA", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(dema_lookback(period)));
  auto chain = ema_chain<2>(period);
  for (size_t i = 0; i < in.size(); ++i) {
    if (chain.push(in[i])) out[i] = 2.0 * chain[0] - chain[1];
  }
}

int tema_lookback(int period) {
  require_period("TEMA", period);
  return 3 * (period - 1);
}

void tema(Series in, int period, Output out) {
  require_length("TEMA", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(tema_lookback(period)));
  auto chain = ema_chain<3>(period);
  for (size_t i = 0; i < in.size(); ++i) {
    if (chain.push(in[i])) out[i] = chain[2] + (3.0 * chain[0] - 3.0 * chain[1]);
  }
}

int trima_lookback(int period) {
  require_period("TRIMA", period);
  return period - 1;
}

// TRIMA n is SMA(SMA(x, a), b) with a + b = n + 1 (a = b for odd n; a = n/2, b = n/2 + 1 for
// even n): weights 1, 2, .., peak, .., 2, 1. TA-Lib slides the weighted sum in O(1) by
// keeping the sums of the rising half (`rising`, oldest values) and of the falling half
// (`falling`, newest values); the odd and even cases differ in where the middle value goes.
void trima(Series in, int period, Output out) {
  require_length("TRIMA", in.size(), {out.size()});
  const auto first = static_cast<size_t>(trima_lookback(period));
  fill_nan_prefix(out, first);
  if (in.size() <= first) return;
  const bool odd = period % 2 == 1;
  const auto half = static_cast<size_t>(period / 2);
  const double factor = odd ? 1.0 / static_cast<double>((half + 1) * (half + 1))
                            : 1.0 / static_cast<double>(half * (half + 1));
  size_t middle = odd ? half : half - 1;  // last row of the rising half
  double numerator = 0;
  double rising = 0;
  for (size_t i = middle + 1; i-- > 0;) {
    rising += in[i];
    numerator += rising;
  }
  double falling = 0;
  for (size_t i = middle + 1; i <= first; ++i) {
    falling += in[i];
    numerator += falling;
  }
  out[first] = numerator * factor;
  ++middle;
  for (size_t today = first + 1, trailing = 0; today < in.size(); ++today, ++trailing, ++middle) {
    numerator -= rising;
    rising -= in[trailing];
    rising += in[middle];
    if (odd) {
      numerator += falling;
      falling -= in[middle];
    } else {
      falling -= in[middle];
      numerator += falling;
    }
    falling += in[today];
    numerator += in[today];
    out[today] = numerator * factor;
  }
}

int kama_lookback(int period) {
  require_period("KAMA", period);
  return period;
}

// Kaufman's adaptive average: an EMA whose smoothing constant moves between those of a 2-bar
// and a 30-bar EMA with the efficiency ratio |x[t] - x[t-n]| / sum |x[i] - x[i-1]|.
void kama(Series in, int period, Output out) {
  require_length("KAMA", in.size(), {out.size()});
  const auto first = static_cast<size_t>(kama_lookback(period));
  fill_nan_prefix(out, first);
  if (in.size() <= first) return;
  const double slowest = 2.0 / (30.0 + 1.0);
  const double range = 2.0 / (2.0 + 1.0) - slowest;
  double path = 0;  // sum of |one-bar changes| over the window
  for (size_t i = 0; i < first; ++i) path += std::fabs(in[i] - in[i + 1]);
  double average = in[first - 1];  // TA-Lib seeds with the previous close
  for (size_t today = first; today < in.size(); ++today) {
    const size_t trailing = today - first;
    if (today > first) {
      path -= std::fabs(in[trailing - 1] - in[trailing]);
      path += std::fabs(in[today] - in[today - 1]);
    }
    const double change = in[today] - in[trailing];
    // TA-Lib compares the signed change, so only a straight rise gets a ratio of exactly 1.
    const bool efficient = path <= change || std::fabs(path) < kEpsilon;
    const double ratio = efficient ? 1.0 : std::fabs(change / path);
    double constant = ratio * range + slowest;
    constant *= constant;
    average = (in[today] - average) * constant + average;
    out[today] = average;
  }
}

int t3_lookback(int period) {
  require_period("T3", period);
  return 6 * (period - 1);
}

// Tillson's T3: six chained EMAs combined with the volume factor a as
//   c1 e6 + c2 e5 + c3 e4 + c4 e3, c1 = -a^3, c2 = 3a^2 + 3a^3, c3 = -6a^2 - 3a - 3a^3,
//   c4 = 1 + 3a + a^3 + 3a^2.
// TA-Lib writes this EMA as k x + (1 - k) previous, which rounds differently from EMA's.
void t3(Series in, int period, Output out, double volume_factor) {
  require_length("T3", in.size(), {out.size()});
  require_parameter("T3", "volume_factor", volume_factor, 0.0, 1.0);
  fill_nan_prefix(out, static_cast<size_t>(t3_lookback(period)));
  const double k = 2.0 / (period + 1.0);
  const double one_minus_k = 1.0 - k;
  auto step = [k, one_minus_k](double x, double previous) {
    return k * x + one_minus_k * previous;
  };
  EmaChain<6, decltype(step)> chain(period, step);
  const double a = volume_factor;
  const double a2 = a * a;
  const double c1 = 0 - a2 * a;
  const double c2 = 3.0 * (a2 - c1);
  const double c3 = (0 - 6.0) * a2 - 3.0 * (a - c1);
  const double c4 = 1.0 + 3.0 * a - c1 + 3.0 * a2;
  for (size_t i = 0; i < in.size(); ++i) {
    if (chain.push(in[i])) out[i] = c1 * chain[5] + c2 * chain[4] + c3 * chain[3] + c4 * chain[2];
  }
}

}  // namespace gogooku3::features::indicators
