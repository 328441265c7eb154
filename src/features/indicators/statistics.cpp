#include "features/indicators/statistics.h"

#include <cmath>
#include <functional>
#include <vector>

#include "features/indicators/moving_averages.h"

namespace gogooku3::features::indicators {
namespace {

constexpr int kMaxPeriod = 100000;
// TA-Lib's range for a real parameter (TA_REAL_MIN, TA_REAL_MAX).
constexpr double kMaxReal = 3e37;

// TA-Lib's tolerance for "zero" (TA_IS_ZERO_OR_NEG in ta_utility.h).
constexpr double kEpsilon = 1e-14;

// Population variance of the last `period` values as TA-Lib computes it, mean(x^2) - mean(x)^2
// from two running sums, for every row from period-1 on. Rounding in those sums can leave a
// tiny or slightly negative value on a flat window; callers apply TA-Lib's zero guard.
template <typename Emit>
void rolling_variance(Series in, int period, Emit emit) {
  const auto first = static_cast<size_t>(period - 1);
  if (in.size() <= first) return;
  double sum = 0;
  double sum_of_squares = 0;
  for (size_t i = 0; i < first; ++i) {
    sum += in[i];
    sum_of_squares += in[i] * in[i];
  }
  for (size_t i = first; i < in.size(); ++i) {
    sum += in[i];
    sum_of_squares += in[i] * in[i];
    const double mean = sum / period;
    const double mean_of_squares = sum_of_squares / period;
    const double leaving = in[i - first];
    sum -= leaving;
    sum_of_squares -= leaving * leaving;
    emit(i, mean_of_squares - mean * mean);
  }
}

// TA-Lib's square root of a variance: 0 unless it is at least kEpsilon.
double guarded_sqrt(double variance) { return variance < kEpsilon ? 0.0 : std::sqrt(variance); }

// Sums of a window of `period` values and of the values weighted by their age (0 for the
// newest), which give the OLS slope in O(1) per bar. Sliding the window ages every value by
// one bar: the weighted sum gains the plain sum and loses the value that leaves at age
// `period`. The sums are rebuilt from the window every `period` bars (O(1) per bar amortised)
// so rounding never accumulates over more than one window's worth of slides.
class AgeWeightedSums {
 public:
  AgeWeightedSums(Series in, int period) : in_(in), period_(period) {}

  // Brings the sums to the window that ends at row `last`, which is the previous one + 1.
  void advance_to(size_t last) {
    const auto n = static_cast<size_t>(period_);
    if (slides_since_rebuild_ + 1 >= n || last + 1 == n) {
      rebuild(last);
      return;
    }
    const double leaving = in_[last - n];
    weighted_ += plain_ - period_ * leaving;
    plain_ += in_[last] - leaving;
    ++slides_since_rebuild_;
  }

  double plain() const { return plain_; }
  double weighted() const { return weighted_; }

 private:
  // Same order of additions as TA-Lib, oldest first.
  void rebuild(size_t last) {
    plain_ = 0;
    weighted_ = 0;
    for (auto age = static_cast<size_t>(period_); age-- != 0;) {
      const double value = in_[last - age];
      plain_ += value;
      weighted_ += static_cast<double>(age) * value;
    }
    slides_since_rebuild_ = 0;
  }

  Series in_;
  int period_;
  double plain_ = 0;
  double weighted_ = 0;
  size_t slides_since_rebuild_ = 0;
};

// Row indices whose values may still become a sliding window's extreme (its maximum when
// `Better` is std::greater). Each row is pushed once and popped at most once: O(1) amortised.
template <typename Better>
class WindowExtreme {
 public:
  explicit WindowExtreme(Series values) : values_(values), rows_(values.size()) {}

  void push(size_t row) {
    while (size_ > head_ && !Better()(values_[rows_[size_ - 1]], values_[row])) --size_;
    rows_[size_++] = row;
  }
  // The extreme over rows [oldest, newest pushed].
  double extreme(size_t oldest) {
    while (rows_[head_] < oldest) ++head_;
    return values_[rows_[head_]];
  }

 private:
  Series values_;
  std::vector<size_t> rows_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace

int var_lookback(int period) {
  require_parameter("VAR", "period", period, 1, kMaxPeriod);
  return period - 1;
}

void var(Series in, int period, Output out) {
  require_length("VAR", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(var_lookback(period)));
  rolling_variance(in, period, [&](size_t row, double variance) {
    out[row] = variance < kEpsilon ? 0 : variance;
  });
}

int stddev_lookback(int period) {
  require_parameter("STDDEV", "period", period, 2, kMaxPeriod);
  return period - 1;
}

void stddev(Series in, int period, Output out, double nbdev) {
  require_length("STDDEV", in.size(), {out.size()});
  require_parameter("STDDEV", "nbdev", nbdev, -kMaxReal, kMaxReal);
  fill_nan_prefix(out, static_cast<size_t>(stddev_lookback(period)));
  rolling_variance(in, period, [&](size_t row, double variance) {
    out[row] = variance < kEpsilon ? 0.0 : std::sqrt(variance) * nbdev;
  });
}

int linearreg_slope_lookback(int period) {
  require_parameter("LINEARREG_SLOPE", "period", period, 2, kMaxPeriod);
  return period - 1;
}

// With x the age of a value (period-1 for the oldest, 0 for the newest), TA-Lib evaluates
//   (n * sum(x y) - sum(x) * sum(y)) / (sum(x)^2 - n * sum(x^2)),
// whose sign flip in the divisor turns the slope against age into the slope against time.
void linearreg_slope(Series in, int period, Output out) {
  require_length("LINEARREG_SLOPE", in.size(), {out.size()});
  const auto first = static_cast<size_t>(linearreg_slope_lookback(period));
  fill_nan_prefix(out, first);
  const double n = period;
  const double sum_x = n * (n - 1) * 0.5;
  const double sum_x_squared = n * (n - 1) * (2 * n - 1) / 6;
  const double divisor = sum_x * sum_x - n * sum_x_squared;
  AgeWeightedSums sums(in, period);
  for (size_t last = first; last < in.size(); ++last) {
    sums.advance_to(last);
    out[last] = (n * sums.weighted() - sum_x * sums.plain()) / divisor;
  }
}

int bbands_lookback(int period) {
  require_parameter("BBANDS", "period", period, 2, kMaxPeriod);
  return period - 1;
}

// TA-Lib's bands with the SMA middle: the deviation is sqrt(mean(x^2) - middle^2), with
// mean(x^2) kept as a running sum and the middle band's own SMA as the mean.
void bbands(Series in, int period, double nbdev_up, double nbdev_down, Output upper, Output middle,
            Output lower) {
  require_length("BBANDS", in.size(), {upper.size(), middle.size(), lower.size()});
  require_parameter("BBANDS", "nbdev_up", nbdev_up, -kMaxReal, kMaxReal);
  require_parameter("BBANDS", "nbdev_down", nbdev_down, -kMaxReal, kMaxReal);
  const auto first = static_cast<size_t>(bbands_lookback(period));
  fill_nan_prefix(upper, first);
  fill_nan_prefix(lower, first);
  sma(in, period, middle);
  if (in.size() <= first) return;
  double sum_of_squares = 0;
  for (size_t i = 0; i < first; ++i) sum_of_squares += in[i] * in[i];
  for (size_t i = first; i < in.size(); ++i) {
    sum_of_squares += in[i] * in[i];
    const double variance = sum_of_squares / period - middle[i] * middle[i];
    sum_of_squares -= in[i - first] * in[i - first];
    const double deviation = guarded_sqrt(variance);
    upper[i] = middle[i] + deviation * nbdev_up;
    lower[i] = middle[i] - deviation * nbdev_down;
  }
}

int midprice_lookback(int period) {
  require_parameter("MIDPRICE", "period", period, 2, kMaxPeriod);
  return period - 1;
}

void midprice(Series high, Series low, int period, Output out) {
  require_length("MIDPRICE", high.size(), {low.size(), out.size()});
  const auto first = static_cast<size_t>(midprice_lookback(period));
  fill_nan_prefix(out, first);
  if (high.size() <= first) return;
  WindowExtreme<std::greater<>> highest(high);
  WindowExtreme<std::less<>> lowest(low);
  for (size_t i = 0; i < high.size(); ++i) {
    highest.push(i);
    lowest.push(i);
    if (i < first) continue;
    out[i] = (highest.extreme(i - first) + lowest.extreme(i - first)) / 2.0;
  }
}

void medprice(Series high, Series low, Output out) {
  require_length("MEDPRICE", high.size(), {low.size(), out.size()});
  for (size_t i = 0; i < high.size(); ++i) out[i] = (high[i] + low[i]) / 2.0;
}

void typprice(Series high, Series low, Series close, Output out) {
  require_length("TYPPRICE", high.size(), {low.size(), close.size(), out.size()});
  for (size_t i = 0; i < high.size(); ++i) out[i] = (high[i] + low[i] + close[i]) / 3.0;
}

void bop(Series open, Series high, Series low, Series close, Output out) {
  require_length("BOP", open.size(), {high.size(), low.size(), close.size(), out.size()});
  for (size_t i = 0; i < open.size(); ++i) {
    const double range = high[i] - low[i];
    out[i] = range < kEpsilon ? 0.0 : (close[i] - open[i]) / range;
  }
}

}  // namespace gogooku3::features::indicators
