#include "features/indicators/momentum.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "features/indicators/moving_averages.h"

namespace gogooku3::features::indicators {
namespace {

constexpr int kMaxPeriod = 100000;

// TA-Lib's tolerance for "zero" (TA_IS_ZERO in ta_utility.h).
constexpr double kEpsilon = 1e-14;

bool is_zero(double x) { return -kEpsilon < x && x < kEpsilon; }

// Wilder's average gain and loss of one-bar changes, as TA-Lib's RSI and CMO compute them:
// seeded with the plain means over changes 1..n, then avg = (avg * (n-1) + change) / n.
// Calls emit(row, gain, loss) for every row from n on.
template <typename Emit>
void wilder_gain_loss(Series in, int period, Emit emit) {
  const auto n = static_cast<size_t>(period);
  if (in.size() <= n) return;
  double gain = 0;
  double loss = 0;
  auto add = [&](size_t row) {
    const double change = in[row] - in[row - 1];
    if (change < 0) {
      loss -= change;
    } else {
      gain += change;
    }
  };
  for (size_t row = 1; row <= n; ++row) add(row);
  loss /= period;
  gain /= period;
  emit(n, gain, loss);
  for (size_t row = n + 1; row < in.size(); ++row) {
    loss *= period - 1;
    gain *= period - 1;
    add(row);
    loss /= period;
    gain /= period;
    emit(row, gain, loss);
  }
}

// EMA extended to period 1, which MACD's signal line and TRIX accept: k = 2/(1+1) = 1 makes
// the average the input itself.
void ema_any_period(Series in, int period, Output out) {
  if (period > 1) {
    ema(in, period, out);
  } else {
    std::copy(in.begin(), in.end(), out.begin());
  }
}

// The fast SMA goes into `out` and the slow one into a scratch vector; combine(fast, slow)
// gives the oscillator. TA-Lib swaps the periods when slow < fast.
template <typename Combine>
void price_oscillator(Series in, int fast, int slow, size_t first, Output out, Combine combine) {
  if (slow < fast) std::swap(fast, slow);
  if (in.size() > first) {
    std::vector<double> slow_average(in.size());
    sma(in, fast, out);
    sma(in, slow, slow_average);
    for (size_t i = first; i < in.size(); ++i) out[i] = combine(out[i], slow_average[i]);
  }
  fill_nan_prefix(out, first);
}

}  // namespace

int rsi_lookback(int period) {
  require_parameter("RSI", "period", period, 2, kMaxPeriod);
  return period;
}

void rsi(Series in, int period, Output out) {
  require_length("RSI", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(rsi_lookback(period)));
  wilder_gain_loss(in, period, [&](size_t row, double gain, double loss) {
    const double total = gain + loss;
    out[row] = is_zero(total) ? 0.0 : 100.0 * (gain / total);
  });
}

int cmo_lookback(int period) {
  require_parameter("CMO", "period", period, 2, kMaxPeriod);
  return period;
}

void cmo(Series in, int period, Output out) {
  require_length("CMO", in.size(), {out.size()});
  fill_nan_prefix(out, static_cast<size_t>(cmo_lookback(period)));
  wilder_gain_loss(in, period, [&](size_t row, double gain, double loss) {
    const double total = gain + loss;
    out[row] = is_zero(total) ? 0.0 : 100.0 * ((gain - loss) / total);
  });
}

int macd_lookback(int fast, int slow, int signal) {
  require_parameter("MACD", "fast", fast, 2, kMaxPeriod);
  require_parameter("MACD", "slow", slow, 2, kMaxPeriod);
  require_parameter("MACD", "signal", signal, 1, kMaxPeriod);
  return std::max(fast, slow) - 1 + signal - 1;
}

// The outputs double as scratch: the slow EMA goes into `histogram` and the fast one into
// `macd_line` until both are known, so MACD allocates nothing.
void macd(Series in, int fast, int slow, int signal, Output macd_line, Output signal_line,
          Output histogram) {
  require_length("MACD", in.size(), {macd_line.size(), signal_line.size(), histogram.size()});
  const auto first = static_cast<size_t>(macd_lookback(fast, slow, signal));
  if (slow < fast) std::swap(fast, slow);
  const auto slow_first = static_cast<size_t>(slow - 1);
  if (in.size() > first) {
    ema(in, slow, histogram);
    // The fast EMA is seeded from in[slow-fast .. slow-1] so that both start on the same bar.
    const auto offset = static_cast<size_t>(slow - fast);
    ema(in.subspan(offset), fast, macd_line.subspan(offset));
    for (size_t i = slow_first; i < in.size(); ++i) macd_line[i] -= histogram[i];
    ema_any_period(Series(macd_line).subspan(slow_first), signal, signal_line.subspan(slow_first));
    for (size_t i = first; i < in.size(); ++i) histogram[i] = macd_line[i] - signal_line[i];
  }
  fill_nan_prefix(macd_line, first);
  fill_nan_prefix(signal_line, first);
  fill_nan_prefix(histogram, first);
}

int apo_lookback(int fast, int slow) {
  require_parameter("APO", "fast", fast, 2, kMaxPeriod);
  require_parameter("APO", "slow", slow, 2, kMaxPeriod);
  return std::max(fast, slow) - 1;
}

int ppo_lookback(int fast, int slow) {
  require_parameter("PPO", "fast", fast, 2, kMaxPeriod);
  require_parameter("PPO", "slow", slow, 2, kMaxPeriod);
  return std::max(fast, slow) - 1;
}

void apo(Series in, int fast, int slow, Output out) {
  require_length("APO", in.size(), {out.size()});
  const auto first = static_cast<size_t>(apo_lookback(fast, slow));
  price_oscillator(in, fast, slow, first, out, [](double f, double s) { return f - s; });
}

void ppo(Series in, int fast, int slow, Output out) {
  require_length("PPO", in.size(), {out.size()});
  const auto first = static_cast<size_t>(ppo_lookback(fast, slow));
  price_oscillator(in, fast, slow, first, out,
                   [](double f, double s) { return is_zero(s) ? 0.0 : ((f - s) / s) * 100.0; });
}

int roc_lookback(int period) {
  require_parameter("ROC", "period", period, 1, kMaxPeriod);
  return period;
}

void roc(Series in, int period, Output out) {
  require_length("ROC", in.size(), {out.size()});
  const auto n = static_cast<size_t>(roc_lookback(period));
  fill_nan_prefix(out, n);
  for (size_t i = n; i < in.size(); ++i) {
    const double base = in[i - n];
    out[i] = base != 0.0 ? ((in[i] / base) - 1.0) * 100.0 : 0.0;
  }
}

int mom_lookback(int period) {
  require_parameter("MOM", "period", period, 1, kMaxPeriod);
  return period;
}

void mom(Series in, int period, Output out) {
  require_length("MOM", in.size(), {out.size()});
  const auto n = static_cast<size_t>(mom_lookback(period));
  fill_nan_prefix(out, n);
  for (size_t i = n; i < in.size(); ++i) out[i] = in[i] - in[i - n];
}

int trix_lookback(int period) {
  require_parameter("TRIX", "period", period, 1, kMaxPeriod);
  return 3 * (period - 1) + 1;
}

// TA-Lib chains three EMAs, each seeded on the previous one's first defined values, and takes
// the 1-bar ROC of the result (0 where the previous value is 0).
void trix(Series in, int period, Output out) {
  require_length("TRIX", in.size(), {out.size()});
  const auto first = static_cast<size_t>(trix_lookback(period));
  fill_nan_prefix(out, first);
  if (in.size() <= first) return;
  const auto seed = static_cast<size_t>(period - 1);
  std::vector<double> once(in.size());
  std::vector<double> twice(in.size());
  ema_any_period(in, period, once);
  ema_any_period(Series(once).subspan(seed), period, Output(twice).subspan(seed));
  ema_any_period(Series(twice).subspan(2 * seed), period, Output(once).subspan(2 * seed));
  const std::vector<double>& thrice = once;
  for (size_t i = first; i < in.size(); ++i) {
    const double base = thrice[i - 1];
    out[i] = base != 0.0 ? ((thrice[i] / base) - 1.0) * 100.0 : 0.0;
  }
}

}  // namespace gogooku3::features::indicators
