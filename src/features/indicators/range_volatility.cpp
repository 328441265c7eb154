#include "features/indicators/range_volatility.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace gogooku3::features::indicators {
namespace {

constexpr int kMaxPeriod = 100000;

// Every kernel here keeps its window sums in O(1) per bar (add the newest term, drop the oldest)
// and rebuilds them from the window itself once every `period` bars. A rebuild costs O(period),
// so the whole series stays O(n), and no output carries more than `period` updates' worth of
// rounding however long the series is. Terms that are not finite (a bar with a non-positive
// price) are counted instead of summed: a window holding one is undefined.

// Calls rebuild(begin, end) or slide(leaving, entering) to bring the window over terms
// [t + 1 - period, t] up to date, then emit(t), for t = first .. n-1 (first + 1 >= period).
template <typename Rebuild, typename Slide, typename Emit>
void slide_windows(size_t n, size_t period, size_t first, Rebuild rebuild, Slide slide, Emit emit) {
  size_t slides_since_rebuild = period;
  for (size_t t = first; t < n; ++t) {
    const size_t begin = t + 1 - period;
    if (slides_since_rebuild >= period) {
      rebuild(begin, t + 1);
      slides_since_rebuild = 0;
    } else {
      slide(begin - 1, t);
      ++slides_since_rebuild;
    }
    emit(t);
  }
}

// The sum of a window of terms. A window whose terms are all exactly 0 (a flat stretch) sums to
// exactly 0, whatever the running updates left behind.
class WindowSum {
 public:
  void rebuild(Series window) {
    sum_ = 0;
    undefined_ = 0;
    nonzero_ = 0;
    for (const double x : window) update(x, 1);
  }
  void slide(double leaving, double entering) {
    update(leaving, -1);
    update(entering, 1);
  }
  bool defined() const { return undefined_ == 0; }
  double sum() const { return nonzero_ == 0 ? 0.0 : sum_; }

 private:
  void update(double x, int sign) {
    if (!std::isfinite(x)) {
      undefined_ += sign;
    } else if (x != 0) {
      nonzero_ += sign;
      sum_ += sign * x;
    }
  }

  double sum_ = 0;
  ptrdiff_t undefined_ = 0;
  ptrdiff_t nonzero_ = 0;
};

// Power sums (orders 1..kOrders) of a window of values, taken about a centre fixed at the
// window's mean when it was last rebuilt. The centre stays within a window's drift of the
// current mean, so the central moments do not cancel catastrophically even for prices far from
// zero. Knows when its last `size` values were all equal: their moments are then exactly 0.
template <int kOrders>
class WindowMoments {
 public:
  void rebuild(Series window) {
    size_ = static_cast<double>(window.size());
    undefined_ = 0;
    double total = 0;
    size_t finite = 0;
    for (const double x : window) {
      if (std::isfinite(x)) {
        total += x;
        ++finite;
      }
    }
    centre_ = finite == 0 ? 0.0 : total / static_cast<double>(finite);
    sums_.fill(0);
    for (const double x : window) update(x, 1);
    run_ = 0;
    last_ = kNaN;
    for (size_t i = window.size(); i-- > 0 && window[i] == window.back();) ++run_;
    if (!window.empty()) last_ = window.back();
  }
  void slide(double leaving, double entering) {
    update(leaving, -1);
    update(entering, 1);
    run_ = entering == last_ ? run_ + 1 : 1;
    last_ = entering;
  }

  bool defined() const { return undefined_ == 0; }
  bool flat() const { return static_cast<double>(run_) >= size_; }
  double centre() const { return centre_; }
  // The window's mean minus the centre.
  double offset() const { return sums_[0] / size_; }
  // Population central moment of order kOrder (2 .. kOrders); exactly 0 for a flat window.
  template <int kOrder>
  requires(kOrder >= 2 && kOrder <= kOrders) double central() const {
    if (flat()) return 0.0;
    const double d = offset();
    const double a2 = sums_[1] / size_;
    if constexpr (kOrder == 2) {
      return a2 - d * d;
    } else if constexpr (kOrder == 3) {
      return sums_[2] / size_ - 3 * d * a2 + 2 * d * d * d;
    } else {
      return sums_[3] / size_ - 4 * d * (sums_[2] / size_) + 6 * d * d * a2 - 3 * d * d * d * d;
    }
  }

 private:
  void update(double x, int sign) {
    if (!std::isfinite(x)) {
      undefined_ += sign;
      return;
    }
    const double d = x - centre_;
    double power = sign;
    for (int k = 0; k < kOrders; ++k) {
      power *= d;
      sums_[k] += power;
    }
  }

  double size_ = 0;
  double centre_ = 0;
  std::array<double, kOrders> sums_{};
  ptrdiff_t undefined_ = 0;
  size_t run_ = 0;
  double last_ = kNaN;
};

// Sample variance (n-1 divisor) of a window; exactly 0 when it is flat, never negative.
double sample_variance(const WindowMoments<2>& window, size_t period) {
  const double n = static_cast<double>(period);
  return std::max(0.0, window.central<2>() * n / (n - 1));
}

bool positive(double price) { return price > 0; }

// out[t] = finish(sum of terms[t+1-period .. t]) for t >= first, NaN where the window holds an
// undefined term.
template <typename Finish>
void window_sum_kernel(Series terms, size_t period, size_t first, Output out, Finish finish) {
  fill_nan_prefix(out, first);
  WindowSum window;
  slide_windows(
      terms.size(), period, first,
      [&](size_t begin, size_t end) { window.rebuild(terms.subspan(begin, end - begin)); },
      [&](size_t leaving, size_t entering) { window.slide(terms[leaving], terms[entering]); },
      [&](size_t t) { out[t] = window.defined() ? finish(window.sum()) : kNaN; });
}

double rogers_satchell_term(double open, double high, double low, double close) {
  if (!positive(open) || !positive(high) || !positive(low) || !positive(close)) return kNaN;
  return std::log(high / close) * std::log(high / open) +
         std::log(low / close) * std::log(low / open);
}

double root_of_non_negative(double x) { return std::sqrt(std::max(0.0, x)); }

}  // namespace

void parkinson(Series high, Series low, int period, Output out) {
  require_parameter("parkinson", "period", period, 1, kMaxPeriod);
  require_length("parkinson", out.size(), {high.size(), low.size()});
  std::vector<double> terms(out.size());
  for (size_t t = 0; t < terms.size(); ++t) {
    if (!positive(high[t]) || !positive(low[t])) {
      terms[t] = kNaN;
      continue;
    }
    const double range = std::log(high[t] / low[t]);
    terms[t] = range * range;
  }
  const double scale = 1.0 / (4.0 * std::log(2.0) * period);
  const auto p = static_cast<size_t>(period);
  window_sum_kernel(terms, p, p - 1, out,
                    [scale](double sum) { return root_of_non_negative(sum * scale); });
}

void garman_klass(Series open, Series high, Series low, Series close, int period, Output out) {
  require_parameter("garman_klass", "period", period, 1, kMaxPeriod);
  require_length("garman_klass", out.size(), {open.size(), high.size(), low.size(), close.size()});
  const double close_weight = 2.0 * std::log(2.0) - 1.0;
  std::vector<double> terms(out.size());
  for (size_t t = 0; t < terms.size(); ++t) {
    if (!positive(open[t]) || !positive(high[t]) || !positive(low[t]) || !positive(close[t])) {
      terms[t] = kNaN;
      continue;
    }
    const double range = std::log(high[t] / low[t]);
    const double body = std::log(close[t] / open[t]);
    terms[t] = 0.5 * range * range - close_weight * body * body;
  }
  const auto p = static_cast<size_t>(period);
  window_sum_kernel(terms, p, p - 1, out,
                    [period](double sum) { return root_of_non_negative(sum / period); });
}

void rogers_satchell(Series open, Series high, Series low, Series close, int period, Output out) {
  require_parameter("rogers_satchell", "period", period, 1, kMaxPeriod);
  require_length("rogers_satchell", out.size(),
                 {open.size(), high.size(), low.size(), close.size()});
  std::vector<double> terms(out.size());
  for (size_t t = 0; t < terms.size(); ++t) {
    terms[t] = rogers_satchell_term(open[t], high[t], low[t], close[t]);
  }
  const auto p = static_cast<size_t>(period);
  window_sum_kernel(terms, p, p - 1, out,
                    [period](double sum) { return root_of_non_negative(sum / period); });
}

int yang_zhang_lookback(int period) {
  require_parameter("yang_zhang", "period", period, 2, kMaxPeriod);
  return period;
}

void yang_zhang(Series open, Series high, Series low, Series close, int period, Output out) {
  const auto p = static_cast<size_t>(yang_zhang_lookback(period));
  require_length("yang_zhang", out.size(), {open.size(), high.size(), low.size(), close.size()});
  const size_t n = out.size();
  // Bar t's overnight return, open-to-close return and Rogers-Satchell term; bar 0 has no
  // previous close, and the first window starts at bar 1.
  std::vector<double> overnight(n, kNaN);
  std::vector<double> intraday(n, kNaN);
  std::vector<double> range(n, kNaN);
  for (size_t t = 1; t < n; ++t) {
    range[t] = rogers_satchell_term(open[t], high[t], low[t], close[t]);
    if (!std::isfinite(range[t]) || !positive(close[t - 1])) continue;
    overnight[t] = std::log(open[t] / close[t - 1]);
    intraday[t] = std::log(close[t] / open[t]);
  }
  const double ratio = (period + 1.0) / (period - 1.0);
  const double k = 0.34 / (1.34 + ratio);
  WindowMoments<2> overnight_window;
  WindowMoments<2> intraday_window;
  WindowSum range_window;
  fill_nan_prefix(out, p);
  slide_windows(
      n, p, p,
      [&](size_t begin, size_t end) {
        overnight_window.rebuild(Series(overnight).subspan(begin, end - begin));
        intraday_window.rebuild(Series(intraday).subspan(begin, end - begin));
        range_window.rebuild(Series(range).subspan(begin, end - begin));
      },
      [&](size_t leaving, size_t entering) {
        overnight_window.slide(overnight[leaving], overnight[entering]);
        intraday_window.slide(intraday[leaving], intraday[entering]);
        range_window.slide(range[leaving], range[entering]);
      },
      [&](size_t t) {
        if (!overnight_window.defined() || !intraday_window.defined() || !range_window.defined()) {
          out[t] = kNaN;
          return;
        }
        const double rogers_satchell_variance = range_window.sum() / static_cast<double>(p);
        out[t] = root_of_non_negative(sample_variance(overnight_window, p) +
                                      k * sample_variance(intraday_window, p) +
                                      (1 - k) * rogers_satchell_variance);
      });
}

int amihud_lookback(int period) {
  require_parameter("amihud", "period", period, 1, kMaxPeriod);
  return period;
}

void amihud(Series close, Series turnover, int period, Output out) {
  const auto p = static_cast<size_t>(amihud_lookback(period));
  require_length("amihud", out.size(), {close.size(), turnover.size()});
  const size_t n = out.size();
  // Bar t's illiquidity and whether it counts (1) or is left out for want of turnover (0).
  std::vector<double> illiquidity(n, kNaN);
  std::vector<double> counted(n, 0.0);
  for (size_t t = 1; t < n; ++t) {
    if (!positive(close[t]) || !positive(close[t - 1])) continue;
    if (turnover[t] > 0) {
      illiquidity[t] = std::abs(close[t] / close[t - 1] - 1) / turnover[t];
      counted[t] = 1;
    } else {
      illiquidity[t] = 0;
    }
  }
  WindowSum illiquidity_window;
  WindowSum counted_window;
  fill_nan_prefix(out, p);
  slide_windows(
      n, p, p,
      [&](size_t begin, size_t end) {
        illiquidity_window.rebuild(Series(illiquidity).subspan(begin, end - begin));
        counted_window.rebuild(Series(counted).subspan(begin, end - begin));
      },
      [&](size_t leaving, size_t entering) {
        illiquidity_window.slide(illiquidity[leaving], illiquidity[entering]);
        counted_window.slide(counted[leaving], counted[entering]);
      },
      [&](size_t t) {
        const double days = std::round(counted_window.sum());
        out[t] = illiquidity_window.defined() && days > 0 ? illiquidity_window.sum() / days : kNaN;
      });
}

// pandas' rolling().skew() and .kurt() (pandas/_libs/window/aggregations.pyx): the same
// bias-corrected estimators from the window's population moments, and the same guard that
// treats a variance of 1e-14 or less as noise (NaN). A window of equal values is 0 for both
// (pandas reports -3 for the kurtosis of one; the header's definition says 0).
void rolling_skew(Series in, int period, Output out) {
  require_parameter("rolling_skew", "period", period, 3, kMaxPeriod);
  require_length("rolling_skew", out.size(), {in.size()});
  const auto p = static_cast<size_t>(period);
  const double n = period;
  fill_nan_prefix(out, p - 1);
  WindowMoments<3> window;
  slide_windows(
      in.size(), p, p - 1,
      [&](size_t begin, size_t end) { window.rebuild(in.subspan(begin, end - begin)); },
      [&](size_t leaving, size_t entering) { window.slide(in[leaving], in[entering]); },
      [&](size_t t) {
        if (window.flat()) {
          out[t] = 0.0;
          return;
        }
        const double m2 = window.central<2>();
        if (m2 <= 1e-14) {
          out[t] = kNaN;
          return;
        }
        out[t] = std::sqrt(n * (n - 1)) * window.central<3>() / ((n - 2) * m2 * std::sqrt(m2));
      });
}

void rolling_kurt(Series in, int period, Output out) {
  require_parameter("rolling_kurt", "period", period, 4, kMaxPeriod);
  require_length("rolling_kurt", out.size(), {in.size()});
  const auto p = static_cast<size_t>(period);
  const double n = period;
  fill_nan_prefix(out, p - 1);
  WindowMoments<4> window;
  slide_windows(
      in.size(), p, p - 1,
      [&](size_t begin, size_t end) { window.rebuild(in.subspan(begin, end - begin)); },
      [&](size_t leaving, size_t entering) { window.slide(in[leaving], in[entering]); },
      [&](size_t t) {
        if (window.flat()) {
          out[t] = 0.0;
          return;
        }
        const double m2 = window.central<2>();
        if (m2 <= 1e-14) {
          out[t] = kNaN;
          return;
        }
        const double k = (n * n - 1) * window.central<4>() / (m2 * m2) - 3 * (n - 1) * (n - 1);
        out[t] = k / ((n - 2) * (n - 3));
      });
}

namespace {

// The window moments of two series and their cross sum, about the centres of their own windows.
class PairMoments {
 public:
  void rebuild(Series x, Series y) {
    x_.rebuild(x);
    y_.rebuild(y);
    cross_ = 0;
    for (size_t i = 0; i < x.size(); ++i) update(x[i], y[i], 1);
  }
  void slide(double x_leaving, double y_leaving, double x_entering, double y_entering) {
    x_.slide(x_leaving, x_entering);
    y_.slide(y_leaving, y_entering);
    update(x_leaving, y_leaving, -1);
    update(x_entering, y_entering, 1);
  }
  const WindowMoments<2>& x() const { return x_; }
  const WindowMoments<2>& y() const { return y_; }
  // Population covariance.
  double covariance(double size) const {
    if (x_.flat() || y_.flat()) return 0.0;
    return cross_ / size - x_.offset() * y_.offset();
  }

 private:
  void update(double x, double y, int sign) {
    cross_ += sign * (x - x_.centre()) * (y - y_.centre());
  }

  WindowMoments<2> x_;
  WindowMoments<2> y_;
  double cross_ = 0;
};

template <typename Finish>
void pair_kernel(std::string_view indicator, Series in, Series index, int period, Output out,
                 Finish finish) {
  require_parameter(indicator, "period", period, 2, kMaxPeriod);
  require_length(indicator, out.size(), {in.size(), index.size()});
  const auto p = static_cast<size_t>(period);
  fill_nan_prefix(out, p - 1);
  PairMoments window;
  slide_windows(
      in.size(), p, p - 1,
      [&](size_t begin, size_t end) {
        window.rebuild(in.subspan(begin, end - begin), index.subspan(begin, end - begin));
      },
      [&](size_t leaving, size_t entering) {
        window.slide(in[leaving], index[leaving], in[entering], index[entering]);
      },
      [&](size_t t) { out[t] = finish(window, static_cast<double>(p)); });
}

}  // namespace

void rolling_beta(Series in, Series index, int period, Output out) {
  pair_kernel("rolling_beta", in, index, period, out, [](const PairMoments& w, double size) {
    if (w.y().flat()) return kNaN;
    const double index_variance = w.y().central<2>();
    return index_variance > 0 ? w.covariance(size) / index_variance : kNaN;
  });
}

void rolling_correlation(Series in, Series index, int period, Output out) {
  pair_kernel("rolling_correlation", in, index, period, out, [](const PairMoments& w, double size) {
    if (w.x().flat() || w.y().flat()) return kNaN;
    const double x_variance = w.x().central<2>();
    const double y_variance = w.y().central<2>();
    if (!(x_variance > 0) || !(y_variance > 0)) return kNaN;
    return std::clamp(w.covariance(size) / std::sqrt(x_variance * y_variance), -1.0, 1.0);
  });
}

}  // namespace gogooku3::features::indicators
