#include "features/indicators/directional.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>

namespace gogooku3::features::indicators {
namespace {

// TA-Lib's TA_IS_ZERO: Wilder sums are kept by subtract-then-add and carry rounding residue, so
// TA-Lib treats a small band around zero as zero before it divides.
constexpr double kZeroBand = 1e-14;
bool is_zero(double value) { return -kZeroBand < value && value < kZeroBand; }

double true_range(double high, double low, double previous_close) {
  double range = high - low;
  const double to_high = std::fabs(previous_close - high);
  if (to_high > range) range = to_high;
  const double to_low = std::fabs(previous_close - low);
  if (to_low > range) range = to_low;
  return range;
}

// +DM is the up move when it is positive and larger than the down move; -DM the other way
// round; an inside bar or equal moves give neither.
struct DirectionalMove {
  double plus;
  double minus;
};

DirectionalMove directional_move(Series high, Series low, size_t bar) {
  const double up = high[bar] - high[bar - 1];
  const double down = low[bar - 1] - low[bar];
  return {(up > 0 && up > down) ? up : 0.0, (down > 0 && down > up) ? down : 0.0};
}

// The Wilder sums of +DM, -DM and TR that PLUS_DI, MINUS_DI and ADX share: plain sums over bars
// 1..period-1, then S - S/period + x from bar `period` on, where `visit(bar, sums)` sees them.
struct DirectionalSums {
  double plus_dm = 0.0;
  double minus_dm = 0.0;
  double true_range = 0.0;
};

template <typename Visit>
void wilder_directional_sums(Series high, Series low, Series close, int period, Visit visit) {
  const size_t n = close.size();
  const auto first = static_cast<size_t>(period);
  const double weight = period;
  DirectionalSums sums;
  for (size_t bar = 1; bar < first && bar < n; ++bar) {
    const DirectionalMove move = directional_move(high, low, bar);
    sums.plus_dm += move.plus;
    sums.minus_dm += move.minus;
    sums.true_range += true_range(high[bar], low[bar], close[bar - 1]);
  }
  for (size_t bar = first; bar < n; ++bar) {
    const DirectionalMove move = directional_move(high, low, bar);
    sums.plus_dm = sums.plus_dm - sums.plus_dm / weight + move.plus;
    sums.minus_dm = sums.minus_dm - sums.minus_dm / weight + move.minus;
    sums.true_range = sums.true_range - sums.true_range / weight +
                      true_range(high[bar], low[bar], close[bar - 1]);
    visit(bar, sums);
  }
}

enum class Direction { kPlus, kMinus };

void directional_indicator(std::string_view name, Series high, Series low, Series close, int period,
                           Output out, Direction direction) {
  const int lookback = di_lookback(period);
  require_length(name, close.size(), {high.size(), low.size(), out.size()});
  fill_nan_prefix(out, static_cast<size_t>(lookback));
  if (period == 1) {
    // TA-Lib's period 1 is the bar's own DM/TR ratio, without the factor 100.
    for (size_t bar = 1; bar < close.size(); ++bar) {
      const DirectionalMove move = directional_move(high, low, bar);
      const double dm = direction == Direction::kPlus ? move.plus : move.minus;
      const double range = true_range(high[bar], low[bar], close[bar - 1]);
      out[bar] = (dm > 0 && !is_zero(range)) ? dm / range : 0.0;
    }
    return;
  }
  wilder_directional_sums(high, low, close, period, [&](size_t bar, const DirectionalSums& sums) {
    const double dm = direction == Direction::kPlus ? sums.plus_dm : sums.minus_dm;
    out[bar] = is_zero(sums.true_range) ? 0.0 : 100.0 * (dm / sums.true_range);
  });
}

}  // namespace

void trange(Series high, Series low, Series close, Output out) {
  require_length("TRANGE", close.size(), {high.size(), low.size(), out.size()});
  fill_nan_prefix(out, 1);
  for (size_t bar = 1; bar < close.size(); ++bar) {
    out[bar] = true_range(high[bar], low[bar], close[bar - 1]);
  }
}

int atr_lookback(int period) {
  require_parameter("ATR", "period", period, 1);
  return period;
}

void atr(Series high, Series low, Series close, int period, Output out) {
  const auto lookback = static_cast<size_t>(atr_lookback(period));
  require_length("ATR", close.size(), {high.size(), low.size(), out.size()});
  if (period == 1) {
    trange(high, low, close, out);
    return;
  }
  const size_t n = close.size();
  fill_nan_prefix(out, lookback);
  if (n <= lookback) return;
  const double weight = period;
  double sum = 0.0;
  for (size_t bar = 1; bar <= lookback; ++bar) {
    sum += true_range(high[bar], low[bar], close[bar - 1]);
  }
  double average = sum / weight;
  out[lookback] = average;
  for (size_t bar = lookback + 1; bar < n; ++bar) {
    average = (average * (weight - 1) + true_range(high[bar], low[bar], close[bar - 1])) / weight;
    out[bar] = average;
  }
}

void natr(Series high, Series low, Series close, int period, Output out) {
  require_parameter("NATR", "period", period, 1);
  require_length("NATR", close.size(), {high.size(), low.size(), out.size()});
  atr(high, low, close, period, out);
  // TA-Lib's NATR with period 1 returns the true range itself, not normalized.
  if (period == 1) return;
  for (size_t bar = static_cast<size_t>(period); bar < close.size(); ++bar) {
    out[bar] = is_zero(close[bar]) ? 0.0 : (out[bar] / close[bar]) * 100.0;
  }
}

int di_lookback(int period) {
  require_parameter("PLUS_DI/MINUS_DI", "period", period, 1);
  return period;
}

void plus_di(Series high, Series low, Series close, int period, Output out) {
  directional_indicator("PLUS_DI", high, low, close, period, out, Direction::kPlus);
}

void minus_di(Series high, Series low, Series close, int period, Output out) {
  directional_indicator("MINUS_DI", high, low, close, period, out, Direction::kMinus);
}

int adx_lookback(int period) {
  require_parameter("ADX", "period", period, 2);
  return 2 * period - 1;
}

void adx(Series high, Series low, Series close, int period, Output out) {
  const auto lookback = static_cast<size_t>(adx_lookback(period));
  require_length("ADX", close.size(), {high.size(), low.size(), out.size()});
  fill_nan_prefix(out, lookback);
  const double weight = period;
  double dx_sum = 0.0;
  double average = 0.0;
  wilder_directional_sums(high, low, close, period, [&](size_t bar, const DirectionalSums& sums) {
    // A bar without range or without direction leaves the average as it is (it adds 0 to the
    // seed sum).
    double dx = 0.0;
    bool defined = false;
    if (!is_zero(sums.true_range)) {
      const double minus = 100.0 * (sums.minus_dm / sums.true_range);
      const double plus = 100.0 * (sums.plus_dm / sums.true_range);
      const double total = minus + plus;
      if (!is_zero(total)) {
        dx = 100.0 * (std::fabs(minus - plus) / total);
        defined = true;
      }
    }
    if (bar < lookback) {
      dx_sum += dx;
      return;
    }
    if (bar == lookback) {
      average = (dx_sum + dx) / weight;
    } else if (defined) {
      average = (average * (weight - 1) + dx) / weight;
    }
    out[bar] = average;
  });
}

int adxr_lookback(int period) {
  require_parameter("ADXR", "period", period, 2);
  return 3 * period - 2;
}

void adxr(Series high, Series low, Series close, int period, Output out) {
  const auto lookback = static_cast<size_t>(adxr_lookback(period));
  require_length("ADXR", close.size(), {high.size(), low.size(), out.size()});
  adx(high, low, close, period, out);
  // Backwards, so that each ADX n-1 bars earlier is still in place when it is read.
  const auto lag = static_cast<size_t>(period - 1);
  for (size_t bar = close.size(); bar-- > lookback;) out[bar] = (out[bar] + out[bar - lag]) / 2.0;
  fill_nan_prefix(out, lookback);
}

void sar(Series high, Series low, Output out, double acceleration, double maximum) {
  constexpr double kLargest = std::numeric_limits<double>::max();
  require_parameter("SAR", "acceleration", acceleration, 0.0, kLargest);
  require_parameter("SAR", "maximum", maximum, 0.0, kLargest);
  require_length("SAR", high.size(), {low.size(), out.size()});
  const size_t n = high.size();
  fill_nan_prefix(out, 1);
  if (n < 2) return;
  if (acceleration > maximum) acceleration = maximum;

  // TA-Lib's start: short if bar 1 has a -DM (a larger down move than up move), long otherwise;
  // the first SAR is the extreme of bar 0 on the other side and the extreme point is bar 1's.
  const double down = low[0] - low[1];
  const double up = high[1] - high[0];
  bool is_long = !(down > 0 && down > up);
  double extreme = is_long ? high[1] : low[1];
  double stop = is_long ? low[0] : high[0];
  double factor = acceleration;
  // The stop may never enter the range of the previous bar or of the current one.
  double previous_high = high[1];
  double previous_low = low[1];
  for (size_t bar = 1; bar < n; ++bar) {
    const double bar_high = high[bar];
    const double bar_low = low[bar];
    if (is_long) {
      if (bar_low <= stop) {
        is_long = false;
        stop = extreme;
        if (stop < previous_high) stop = previous_high;
        if (stop < bar_high) stop = bar_high;
        out[bar] = stop;
        factor = acceleration;
        extreme = bar_low;
        stop = stop + factor * (extreme - stop);
        if (stop < previous_high) stop = previous_high;
        if (stop < bar_high) stop = bar_high;
      } else {
        out[bar] = stop;
        if (bar_high > extreme) {
          extreme = bar_high;
          factor += acceleration;
          if (factor > maximum) factor = maximum;
        }
        stop = stop + factor * (extreme - stop);
        if (stop > previous_low) stop = previous_low;
        if (stop > bar_low) stop = bar_low;
      }
    } else {
      if (bar_high >= stop) {
        is_long = true;
        stop = extreme;
        if (stop > previous_low) stop = previous_low;
        if (stop > bar_low) stop = bar_low;
        out[bar] = stop;
        factor = acceleration;
        extreme = bar_high;
        stop = stop + factor * (extreme - stop);
        if (stop > previous_low) stop = previous_low;
        if (stop > bar_low) stop = bar_low;
      } else {
        out[bar] = stop;
        if (bar_low < extreme) {
          extreme = bar_low;
          factor += acceleration;
          if (factor > maximum) factor = maximum;
        }
        stop = stop + factor * (extreme - stop);
        if (stop < previous_high) stop = previous_high;
        if (stop < bar_high) stop = bar_high;
      }
    }
    previous_high = bar_high;
    previous_low = bar_low;
  }
}

}  // namespace gogooku3::features::indicators
