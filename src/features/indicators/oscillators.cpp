#include "features/indicators/oscillators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "features/indicators/momentum.h"

namespace gogooku3::features::indicators {
namespace {

// TA-Lib's TA_IS_ZERO: running sums kept by add-then-subtract carry rounding residue, so TA-Lib
// treats a small band around zero as zero before it divides.
constexpr double kZeroBand = 1e-14;
bool is_zero(double value) { return -kZeroBand < value && value < kZeroBand; }

// The bar holding the highest (kHighest) or lowest value of the last `window` bars, updated bar
// by bar in O(1) amortised time whatever the window: a monotonic deque of bar indices kept in a
// ring buffer. Among equal values the most recent bar is the extreme, as in TA-Lib's AROON.
// The series must not change while it is being scanned.
template <bool kHighest>
class WindowExtreme {
 public:
  // The ring never holds more than `window` bars, nor more than the series has.
  WindowExtreme(Series values, size_t window)
      : values_(values),
        window_(window),
        ring_(std::max<size_t>(1, std::min(window, values.size()))) {}

  // Adds `bar`, the bar after the one added last (bars are added in order), and returns the bar
  // of the extreme over [bar - window + 1, bar].
  size_t add(size_t bar) {
    // The window moves by one bar, so at most the oldest entry falls out.
    if (size_ > 0 && ring_[head_] + window_ <= bar) {
      head_ = slot(1);
      --size_;
    }
    const double value = values_[bar];
    while (size_ > 0 && replaces(value, values_[ring_[slot(size_ - 1)]])) --size_;
    ring_[slot(size_)] = bar;
    ++size_;
    return ring_[head_];
  }

 private:
  static bool replaces(double value, double held) {
    if constexpr (kHighest) {
      return value >= held;
    } else {
      return value <= held;
    }
  }
  size_t slot(size_t offset) const {
    const size_t position = head_ + offset;
    return position >= ring_.size() ? position - ring_.size() : position;
  }

  Series values_;
  size_t window_;
  std::vector<size_t> ring_;
  size_t head_ = 0;
  size_t size_ = 0;
};

// TA-Lib's SMA as a running sum (add the newest value, divide, take out the oldest) over
// in[first, n), written to out[first + period - 1, n). `in` and `out` must not overlap.
void running_sma(Series in, size_t first, int period, Output out) {
  const auto length = static_cast<size_t>(period);
  const double divisor = period;
  double total = 0.0;
  for (size_t bar = first; bar + 1 < first + length; ++bar) total += in[bar];
  for (size_t bar = first + length - 1; bar < in.size(); ++bar) {
    total += in[bar];
    const double mean = total / divisor;
    total -= in[bar + 1 - length];
    out[bar] = mean;
  }
}

// The fast %K of `close` against the highest `high` and lowest `low` of the last `period` bars,
// written to out[period - 1, n): 100 * (close - LL) / (HH - LL), 0 when HH == LL.
void fast_k(Series high, Series low, Series close, int period, Output out) {
  const auto window = static_cast<size_t>(period);
  WindowExtreme<true> highest(high, window);
  WindowExtreme<false> lowest(low, window);
  for (size_t bar = 0; bar < close.size(); ++bar) {
    const double hh = high[highest.add(bar)];
    const double ll = low[lowest.add(bar)];
    if (bar + 1 < window) continue;
    const double range = (hh - ll) / 100.0;
    out[bar] = range != 0.0 ? (close[bar] - ll) / range : 0.0;
  }
}

// Ultimate oscillator terms of one bar (bar >= 1): buying pressure close - min(low, prev close)
// and the true range, compared in TA-Lib's order.
struct PressureTerms {
  double buying_pressure;
  double true_range;
};

PressureTerms pressure_terms(Series high, Series low, Series close, size_t bar) {
  const double previous_close = close[bar - 1];
  const double true_low = std::min(low[bar], previous_close);
  double range = high[bar] - low[bar];
  const double to_high = std::fabs(previous_close - high[bar]);
  if (to_high > range) range = to_high;
  const double to_low = std::fabs(previous_close - low[bar]);
  if (to_low > range) range = to_low;
  return {close[bar] - true_low, range};
}

}  // namespace

int stoch_lookback(int fastk, int slowk, int slowd) {
  require_parameter("STOCH", "fastk period", fastk, 1);
  require_parameter("STOCH", "slowk period", slowk, 1);
  require_parameter("STOCH", "slowd period", slowd, 1);
  return (fastk - 1) + (slowk - 1) + (slowd - 1);
}

void stoch(Series high, Series low, Series close, int fastk, int slowk, int slowd, Output slow_k,
           Output slow_d) {
  const auto lookback = static_cast<size_t>(stoch_lookback(fastk, slowk, slowd));
  require_length("STOCH", close.size(), {high.size(), low.size(), slow_k.size(), slow_d.size()});
  if (close.size() > lookback) {
    // fast %K goes to slow_d first, slow %K is read from it, then slow %D from slow_k.
    const auto fast_first = static_cast<size_t>(fastk - 1);
    fast_k(high, low, close, fastk, slow_d);
    running_sma(slow_d, fast_first, slowk, slow_k);
    running_sma(slow_k, fast_first + static_cast<size_t>(slowk - 1), slowd, slow_d);
  }
  fill_nan_prefix(slow_k, lookback);
  fill_nan_prefix(slow_d, lookback);
}

int stochrsi_lookback(int period, int fastk, int fastd) {
  require_parameter("STOCHRSI", "period", period, 2);
  require_parameter("STOCHRSI", "fastk period", fastk, 1);
  require_parameter("STOCHRSI", "fastd period", fastd, 1);
  return rsi_lookback(period) + (fastk - 1) + (fastd - 1);
}

void stochrsi(Series in, int period, int fastk, int fastd, Output fast_k_out, Output fast_d_out) {
  const auto lookback = static_cast<size_t>(stochrsi_lookback(period, fastk, fastd));
  require_length("STOCHRSI", in.size(), {fast_k_out.size(), fast_d_out.size()});
  if (in.size() > lookback) {
    // RSI goes to fast_d_out first; fast %K of the RSI (its own high, low and close) is read from
    // it, then fast %D from fast_k_out.
    const auto rsi_first = static_cast<size_t>(rsi_lookback(period));
    rsi(in, period, fast_d_out);
    const Series rsi_values(fast_d_out.data() + rsi_first, in.size() - rsi_first);
    fast_k(rsi_values, rsi_values, rsi_values, fastk,
           fast_k_out.subspan(rsi_first, in.size() - rsi_first));
    running_sma(fast_k_out, rsi_first + static_cast<size_t>(fastk - 1), fastd, fast_d_out);
  }
  fill_nan_prefix(fast_k_out, lookback);
  fill_nan_prefix(fast_d_out, lookback);
}

int willr_lookback(int period) {
  require_parameter("WILLR", "period", period, 2);
  return period - 1;
}

void willr(Series high, Series low, Series close, int period, Output out) {
  const auto lookback = static_cast<size_t>(willr_lookback(period));
  require_length("WILLR", close.size(), {high.size(), low.size(), out.size()});
  fill_nan_prefix(out, lookback);
  WindowExtreme<true> highest(high, lookback + 1);
  WindowExtreme<false> lowest(low, lookback + 1);
  for (size_t bar = 0; bar < close.size(); ++bar) {
    const double hh = high[highest.add(bar)];
    const double ll = low[lowest.add(bar)];
    if (bar < lookback) continue;
    const double range = (hh - ll) / -100.0;
    out[bar] = range != 0.0 ? (hh - close[bar]) / range : 0.0;
  }
}

int cci_lookback(int period) {
  require_parameter("CCI", "period", period, 2);
  return period - 1;
}

void cci(Series high, Series low, Series close, int period, Output out) {
  const auto lookback = static_cast<size_t>(cci_lookback(period));
  require_length("CCI", close.size(), {high.size(), low.size(), out.size()});
  const size_t n = close.size();
  fill_nan_prefix(out, lookback);
  if (n <= lookback) return;
  // The typical prices of the window in a ring indexed by bar % period, summed in ring order
  // like TA-Lib so that a flat window averages to exactly its price.
  const auto length = lookback + 1;
  const double divisor = period;
  std::vector<double> window(length);
  for (size_t bar = 0; bar < n; ++bar) {
    const double typical = (high[bar] + low[bar] + close[bar]) / 3.0;
    window[bar % length] = typical;
    if (bar < lookback) continue;
    double mean = 0.0;
    for (const double value : window) mean += value;
    mean /= divisor;
    double deviation = 0.0;
    for (const double value : window) deviation += std::fabs(value - mean);
    const double distance = typical - mean;
    out[bar] =
        (distance != 0.0 && deviation != 0.0) ? distance / (0.015 * (deviation / divisor)) : 0.0;
  }
}

int ultosc_lookback(int period1, int period2, int period3) {
  require_parameter("ULTOSC", "period1", period1, 1);
  require_parameter("ULTOSC", "period2", period2, 1);
  require_parameter("ULTOSC", "period3", period3, 1);
  return std::max({period1, period2, period3});
}

void ultosc(Series high, Series low, Series close, int period1, int period2, int period3,
            Output out) {
  const auto lookback = static_cast<size_t>(ultosc_lookback(period1, period2, period3));
  require_length("ULTOSC", close.size(), {high.size(), low.size(), out.size()});
  const size_t n = close.size();
  fill_nan_prefix(out, lookback);
  if (n <= lookback) return;
  // TA-Lib weighs the periods by length, whatever the argument order: 4 for the shortest, 2 for
  // the middle one, 1 for the longest.
  std::array<size_t, 3> periods = {static_cast<size_t>(period1), static_cast<size_t>(period2),
                                   static_cast<size_t>(period3)};
  std::sort(periods.begin(), periods.end());
  std::array<double, 3> pressure{};
  std::array<double, 3> range{};
  for (size_t k = 0; k < 3; ++k) {
    for (size_t bar = lookback + 1 - periods[k]; bar < lookback; ++bar) {
      const PressureTerms terms = pressure_terms(high, low, close, bar);
      pressure[k] += terms.buying_pressure;
      range[k] += terms.true_range;
    }
  }
  for (size_t bar = lookback; bar < n; ++bar) {
    const PressureTerms terms = pressure_terms(high, low, close, bar);
    for (size_t k = 0; k < 3; ++k) {
      pressure[k] += terms.buying_pressure;
      range[k] += terms.true_range;
    }
    double sum = 0.0;
    if (!is_zero(range[0])) sum += 4.0 * (pressure[0] / range[0]);
    if (!is_zero(range[1])) sum += 2.0 * (pressure[1] / range[1]);
    if (!is_zero(range[2])) sum += pressure[2] / range[2];
    for (size_t k = 0; k < 3; ++k) {
      const PressureTerms leaving = pressure_terms(high, low, close, bar + 1 - periods[k]);
      pressure[k] -= leaving.buying_pressure;
      range[k] -= leaving.true_range;
    }
    out[bar] = 100.0 * (sum / 7.0);
  }
}

int aroon_lookback(int period) {
  require_parameter("AROON", "period", period, 2);
  return period;
}

void aroon(Series high, Series low, int period, Output up, Output down) {
  const auto lookback = static_cast<size_t>(aroon_lookback(period));
  require_length("AROON", high.size(), {low.size(), up.size(), down.size()});
  fill_nan_prefix(up, lookback);
  fill_nan_prefix(down, lookback);
  WindowExtreme<true> highest(high, lookback + 1);
  WindowExtreme<false> lowest(low, lookback + 1);
  const double factor = 100.0 / period;
  for (size_t bar = 0; bar < high.size(); ++bar) {
    const size_t high_bar = highest.add(bar);
    const size_t low_bar = lowest.add(bar);
    if (bar < lookback) continue;
    up[bar] = factor * static_cast<double>(lookback - (bar - high_bar));
    down[bar] = factor * static_cast<double>(lookback - (bar - low_bar));
  }
}

void aroonosc(Series high, Series low, int period, Output out) {
  const auto lookback = static_cast<size_t>(aroon_lookback(period));
  require_length("AROONOSC", high.size(), {low.size(), out.size()});
  fill_nan_prefix(out, lookback);
  WindowExtreme<true> highest(high, lookback + 1);
  WindowExtreme<false> lowest(low, lookback + 1);
  const double factor = 100.0 / period;
  for (size_t bar = 0; bar < high.size(); ++bar) {
    const size_t high_bar = highest.add(bar);
    const size_t low_bar = lowest.add(bar);
    if (bar < lookback) continue;
    // Up - down simplifies to the distance between the two extremes, as TA-Lib computes it.
    const double bars_apart = static_cast<double>(high_bar) - static_cast<double>(low_bar);
    out[bar] = factor * bars_apart;
  }
}

}  // namespace gogooku3::features::indicators
