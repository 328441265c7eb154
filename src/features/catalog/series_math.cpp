#include "features/catalog/series_math.h"

#include <cmath>
#include <deque>

#include "features/indicators/statistics.h"

namespace gogooku3::features {

using indicators::kNaN;

void gap_ratio(Series a, Series b, Output out) {
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = (std::isfinite(a[i]) && std::isfinite(b[i]) && b[i] > 0) ? a[i] / b[i] - 1.0 : kNaN;
  }
}

void safe_ratio(Series a, Series b, Output out) {
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = (std::isfinite(a[i]) && std::isfinite(b[i]) && b[i] != 0) ? a[i] / b[i] : kNaN;
  }
}

void simple_return(Series close, int h, Output out) {
  const auto lag = static_cast<size_t>(h);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = (i >= lag && close[i - lag] > 0) ? close[i] / close[i - lag] - 1.0 : kNaN;
  }
}

void log_return(Series close, int h, Output out) {
  const auto lag = static_cast<size_t>(h);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = (i >= lag && close[i - lag] > 0 && close[i] > 0) ? std::log(close[i] / close[i - lag])
                                                              : kNaN;
  }
}

namespace {

// Calls visit(i, sum, sum_sq, nan_count, flat) for each i >= period-1 with the window's sums.
// Sums are rebuilt from scratch every 512 bars so that long series do not accumulate
// cancellation error. `flat` says every value of the window is the same: running sums leave a
// residue there (1e-10 where the answer is 0), and how much depends on where the series
// started, so callers answer flat windows exactly instead.
template <typename Visit>
void rolling_sums(Series in, int period, Visit visit) {
  const auto p = static_cast<size_t>(period);
  double sum = 0, sum_sq = 0;
  size_t nan_count = 0;
  size_t last_change = 0;  // latest j with in[j] != in[j-1]
  for (size_t i = 0; i < in.size(); ++i) {
    if (i > 0 && !(in[i] == in[i - 1])) last_change = i;
    if (i >= p && (i % 512) == 0) {
      sum = sum_sq = 0;
      nan_count = 0;
      for (size_t j = i + 1 - p; j < i; ++j) {
        if (std::isfinite(in[j])) {
          sum += in[j];
          sum_sq += in[j] * in[j];
        } else {
          ++nan_count;
        }
      }
    } else if (i >= p) {
      const double old = in[i - p];
      if (std::isfinite(old)) {
        sum -= old;
        sum_sq -= old * old;
      } else {
        --nan_count;
      }
    }
    if (std::isfinite(in[i])) {
      sum += in[i];
      sum_sq += in[i] * in[i];
    } else {
      ++nan_count;
    }
    if (i + 1 >= p) visit(i, sum, sum_sq, nan_count, last_change + p <= i + 1);
  }
}

}  // namespace

void rolling_sum(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_sums(in, period, [&](size_t i, double sum, double, size_t nans, bool flat) {
    out[i] = nans != 0 ? kNaN : flat ? in[i] * period : sum;
  });
}

void rolling_mean(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_sums(in, period, [&](size_t i, double sum, double, size_t nans, bool flat) {
    out[i] = nans != 0 ? kNaN : flat ? in[i] : sum / period;
  });
}

void rolling_std(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  const double n = period;
  rolling_sums(in, period, [&](size_t i, double sum, double sum_sq, size_t nans, bool flat) {
    if (nans != 0 || period < 2) {
      out[i] = kNaN;
      return;
    }
    if (flat) {
      out[i] = 0.0;
      return;
    }
    const double mean = sum / n;
    const double variance = (sum_sq - n * mean * mean) / (n - 1);
    // Relative to the mean's size: a flat window leaves rounding noise, not variance.
    out[i] = variance > 1e-14 * (mean * mean + 1e-300) ? std::sqrt(variance) : 0.0;
  });
}

void rolling_zscore(Series in, int period, Output out) {
  std::vector<double> mean(in.size()), sd(in.size());
  rolling_mean(in, period, mean);
  rolling_std(in, period, sd);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = sd[i] > 0 ? (in[i] - mean[i]) / sd[i] : (std::isfinite(sd[i]) ? 0.0 : kNaN);
  }
}

void bollinger_position(Series close, int period, double k, Output out) {
  std::vector<double> upper(close.size()), middle(close.size()), lower(close.size());
  indicators::bbands(close, period, k, k, upper, middle, lower);
  for (size_t i = 0; i < out.size(); ++i) {
    const double width = upper[i] - lower[i];
    out[i] = width > 1e-7 * middle[i] ? (close[i] - lower[i]) / width
                                      : (std::isfinite(width) ? 0.5 : kNaN);
  }
}

namespace {

// Monotonic-deque extreme over the window; `better(a, b)` is true when a should replace b.
// Ties keep the most recent bar. NaN anywhere in the window gives NaN.
template <typename Better, typename Emit>
void rolling_extreme(Series in, int period, Better better, Emit emit) {
  const auto p = static_cast<size_t>(period);
  std::deque<size_t> candidates;
  size_t last_nan = SIZE_MAX;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!std::isfinite(in[i])) last_nan = i;
    while (!candidates.empty() && candidates.front() + p <= i) candidates.pop_front();
    if (std::isfinite(in[i])) {
      while (!candidates.empty() && !better(in[candidates.back()], in[i])) candidates.pop_back();
      candidates.push_back(i);
    }
    if (i + 1 < p) continue;
    const bool has_nan = last_nan != SIZE_MAX && last_nan + p > i;
    emit(i, has_nan || candidates.empty() ? SIZE_MAX : candidates.front());
  }
}

}  // namespace

void rolling_max(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_extreme(
      in, period, [](double kept, double next) { return kept > next; },
      [&](size_t i, size_t at) { out[i] = at == SIZE_MAX ? kNaN : in[at]; });
}

void rolling_min(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_extreme(
      in, period, [](double kept, double next) { return kept < next; },
      [&](size_t i, size_t at) { out[i] = at == SIZE_MAX ? kNaN : in[at]; });
}

void bars_since_max(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_extreme(
      in, period, [](double kept, double next) { return kept > next; },
      [&](size_t i, size_t at) {
        out[i] = at == SIZE_MAX ? kNaN : static_cast<double>(i - at) / period;
      });
}

void bars_since_min(Series in, int period, Output out) {
  indicators::fill_nan_prefix(out, static_cast<size_t>(period) - 1);
  rolling_extreme(
      in, period, [](double kept, double next) { return kept < next; },
      [&](size_t i, size_t at) {
        out[i] = at == SIZE_MAX ? kNaN : static_cast<double>(i - at) / period;
      });
}

void difference(Series in, int h, Output out) {
  const auto lag = static_cast<size_t>(h);
  for (size_t i = 0; i < out.size(); ++i) out[i] = i >= lag ? in[i] - in[i - lag] : kNaN;
}

int smoother_memory(double alpha, int depth) {
  const double single = std::log(1e-8) / std::log(1.0 - alpha);
  return static_cast<int>(std::ceil(single * (1.0 + 0.5 * (depth - 1))));
}

int ema_memory(int period, int depth) { return smoother_memory(2.0 / (period + 1.0), depth); }
int wilder_memory(int period, int depth) { return smoother_memory(1.0 / period, depth); }

}  // namespace gogooku3::features
