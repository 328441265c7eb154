// Families over one stock's adjusted prices: returns, volatility, moving averages and their
// gaps, bands and ranges. Every value is scale-free (a return, a ratio, a z-score), so that
// stocks priced at 300 and 30,000 yen are comparable in one model.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/range_volatility.h"
#include "features/indicators/statistics.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

// TA-Lib's variance (mean of squares minus squared mean) leaves rounding residue on a flat
// window — up to ~3e-5 of std at 10,000 yen — so "flat" means std below this share of the
// price, not exactly 0.
constexpr double kFlatTolerance = 1e-7;

void register_returns(Catalog& catalog) {
  FamilyBuilder f(catalog, "returns");
  for (const int h :
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120}) {
    f.stock(fmt::format("ret_{}d", h), fmt::format("days={}", h),
            fmt::format("simple return of the adjusted close over {} traded days", h),
            {"adj_close"}, h, 0,
            [h](const PriceSeries& s, Output out) { simple_return(s.close, h, out); });
    f.stock(fmt::format("logret_{}d", h), fmt::format("days={}", h),
            fmt::format("log return of the adjusted close over {} traded days", h), {"adj_close"},
            h, 0, [h](const PriceSeries& s, Output out) { log_return(s.close, h, out); });
  }
}

// Log returns of the close, NaN first.
Buffer daily_log_returns(const PriceSeries& s) {
  Buffer r(s.size());
  log_return(s.close, 1, r);
  return r;
}

// Calls a kernel on the returns from bar 1 on (bar 0 has none); out[0] stays NaN.
template <typename Kernel>
void on_returns(const Buffer& returns, Output out, Kernel kernel) {
  if (out.empty()) return;
  out[0] = ind::kNaN;
  kernel(Series(returns).subspan(1), out.subspan(1));
}

void register_volatility(Catalog& catalog) {
  FamilyBuilder f(catalog, "volatility");
  for (const int n : {5, 10, 20, 40, 60, 120, 250}) {
    f.stock(fmt::format("realized_vol_{}", n), fmt::format("period={}", n),
            fmt::format("sample std of daily log returns over {} days", n), {"adj_close"}, n, 0,
            [n](const PriceSeries& s, Output out) {
              const Buffer r = daily_log_returns(s);
              rolling_std(r, n, out);
            });
  }
  for (const int n : {20, 60}) {
    f.stock(fmt::format("downside_vol_{}", n), fmt::format("period={}", n),
            fmt::format("root mean square of negative daily log returns over {} days", n),
            {"adj_close"}, n, 0, [n](const PriceSeries& s, Output out) {
              Buffer r = daily_log_returns(s);
              for (double& x : r) x = std::isfinite(x) ? (x < 0 ? x * x : 0.0) : x;
              rolling_mean(r, n, out);
              // A mean of squares can come out a hair below zero from its running sums.
              for (double& x : out) x = std::isnan(x) ? x : std::sqrt(std::max(0.0, x));
            });
  }
  for (const int n : {5, 10, 20, 40, 60, 120}) {
    const std::string p = fmt::format("period={}", n);
    f.stock(fmt::format("parkinson_vol_{}", n), p,
            fmt::format("Parkinson high-low volatility over {} days", n), {"adj_high", "adj_low"},
            n - 1, 0,
            [n](const PriceSeries& s, Output out) { ind::parkinson(s.high, s.low, n, out); });
    f.stock(fmt::format("garman_klass_vol_{}", n), p,
            fmt::format("Garman-Klass OHLC volatility over {} days", n),
            {"adj_open", "adj_high", "adj_low", "adj_close"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              ind::garman_klass(s.open, s.high, s.low, s.close, n, out);
            });
    f.stock(fmt::format("rogers_satchell_vol_{}", n), p,
            fmt::format("Rogers-Satchell drift-free volatility over {} days", n),
            {"adj_open", "adj_high", "adj_low", "adj_close"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              ind::rogers_satchell(s.open, s.high, s.low, s.close, n, out);
            });
    f.stock(fmt::format("yang_zhang_vol_{}", n), p,
            fmt::format("Yang-Zhang volatility (overnight + open-close + RS) over {} days", n),
            {"adj_open", "adj_high", "adj_low", "adj_close"}, ind::yang_zhang_lookback(n), 0,
            [n](const PriceSeries& s, Output out) {
              ind::yang_zhang(s.open, s.high, s.low, s.close, n, out);
            });
  }
  for (const auto& periods : {std::pair{5, 20}, {10, 60}, {20, 120}, {20, 250}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("vol_ratio_{}_{}", a, b), fmt::format("short={} long={}", a, b),
            fmt::format("realized volatility over {} days / over {} days", a, b), {"adj_close"}, b,
            0, [a, b](const PriceSeries& s, Output out) {
              const Buffer r = daily_log_returns(s);
              Buffer fast(r.size()), slow(r.size());
              rolling_std(r, a, fast);
              rolling_std(r, b, slow);
              safe_ratio(fast, slow, out);
            });
  }
  for (const int n : {20, 60, 120, 250}) {
    f.stock(fmt::format("ret_skew_{}", n), fmt::format("period={}", n),
            fmt::format("sample skewness of daily log returns over {} days", n), {"adj_close"}, n,
            0, [n](const PriceSeries& s, Output out) {
              on_returns(daily_log_returns(s), out,
                         [n](Series r, Output o) { ind::rolling_skew(r, n, o); });
            });
    f.stock(fmt::format("ret_kurt_{}", n), fmt::format("period={}", n),
            fmt::format("sample excess kurtosis of daily log returns over {} days", n),
            {"adj_close"}, n, 0, [n](const PriceSeries& s, Output out) {
              on_returns(daily_log_returns(s), out,
                         [n](Series r, Output o) { ind::rolling_kurt(r, n, o); });
            });
  }
}

// One moving-average kind: its name, kernel, lookback and memory for a period.
struct MovingAverage {
  const char* name;
  const char* description;
  void (*kernel)(Series, int, Output);
  int (*lookback)(int);
  int (*memory)(int);
  std::vector<int> periods;
};

void t3_default(Series in, int period, Output out) { ind::t3(in, period, out); }
int no_memory(int) { return 0; }
int ema_memory_one(int n) { return ema_memory(n); }
int ema_memory_two(int n) { return ema_memory(n, 2); }
int ema_memory_three(int n) { return ema_memory(n, 3); }
int t3_memory(int n) { return ema_memory(n, 6); }
// KAMA's slowest smoothing constant is (2/31)^2: its memory is bounded by that, not by n.
int kama_memory(int) { return smoother_memory((2.0 / 31) * (2.0 / 31)); }

void register_moving_averages(Catalog& catalog) {
  FamilyBuilder f(catalog, "moving_average");
  const std::vector<int> all = {5, 10, 20, 25, 50, 60, 75, 100, 120, 200};
  const std::vector<MovingAverage> kinds = {
      {"sma", "simple", ind::sma, ind::sma_lookback, no_memory, all},
      {"ema", "exponential", ind::ema, ind::ema_lookback, ema_memory_one, all},
      {"wma", "linearly weighted", ind::wma, ind::wma_lookback, no_memory, all},
      {"dema", "double exponential", ind::dema, ind::dema_lookback, ema_memory_two, all},
      {"tema", "triple exponential", ind::tema, ind::tema_lookback, ema_memory_three, all},
      {"trima", "triangular", ind::trima, ind::trima_lookback, no_memory, all},
      {"kama", "Kaufman adaptive", ind::kama, ind::kama_lookback, kama_memory, {10, 20, 30}},
      {"t3", "Tillson T3 (v=0.7)", t3_default, ind::t3_lookback, t3_memory, {5, 10, 20, 30}},
  };
  for (const MovingAverage& ma : kinds) {
    for (const int n : ma.periods) {
      f.stock(fmt::format("{}_gap_{}", ma.name, n), fmt::format("period={}", n),
              fmt::format("adjusted close / {}-day {} moving average - 1", n, ma.description),
              {"adj_close"}, ma.lookback(n), ma.memory(n),
              [kernel = ma.kernel, n](const PriceSeries& s, Output out) {
                Buffer average(s.size());
                kernel(s.close, n, average);
                gap_ratio(s.close, average, out);
              });
    }
  }
  for (const auto& periods :
       {std::pair{5, 20}, {5, 25}, {10, 50}, {20, 60}, {25, 75}, {50, 200}, {60, 120}, {20, 100}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("sma_cross_{}_{}", a, b), fmt::format("fast={} slow={}", a, b),
            fmt::format("{}-day SMA / {}-day SMA - 1", a, b), {"adj_close"}, b - 1, 0,
            [a, b](const PriceSeries& s, Output out) {
              Buffer fast(s.size()), slow(s.size());
              ind::sma(s.close, a, fast);
              ind::sma(s.close, b, slow);
              gap_ratio(fast, slow, out);
            });
  }
  for (const auto& periods : {std::pair{5, 20}, {12, 26}, {20, 60}, {50, 200}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("ema_cross_{}_{}", a, b), fmt::format("fast={} slow={}", a, b),
            fmt::format("{}-day EMA / {}-day EMA - 1", a, b), {"adj_close"}, b - 1, ema_memory(b),
            [a, b](const PriceSeries& s, Output out) {
              Buffer fast(s.size()), slow(s.size());
              ind::ema(s.close, a, fast);
              ind::ema(s.close, b, slow);
              gap_ratio(fast, slow, out);
            });
  }
}

void register_bands(Catalog& catalog) {
  FamilyBuilder f(catalog, "bands");
  for (const int n : {10, 20, 40, 60}) {
    for (const double k : {1.5, 2.0, 2.5}) {
      const std::string p = fmt::format("period={} k={}", n, k);
      const std::string suffix = fmt::format("{}_{}", n, static_cast<int>(k * 10));
      f.stock(
          "bb_pctb_" + suffix, p,
          fmt::format("position in the {}-day Bollinger band of {} std (0 lower, 1 upper)", n, k),
          {"adj_close"}, ind::bbands_lookback(n), 0,
          [n, k](const PriceSeries& s, Output out) { bollinger_position(s.close, n, k, out); });
      f.stock("bb_width_" + suffix, p,
              fmt::format("width of the {}-day Bollinger band of {} std / middle band", n, k),
              {"adj_close"}, ind::bbands_lookback(n), 0, [n, k](const PriceSeries& s, Output out) {
                Buffer upper(s.size()), middle(s.size()), lower(s.size());
                ind::bbands(s.close, n, k, k, upper, middle, lower);
                for (size_t i = 0; i < out.size(); ++i) {
                  out[i] = middle[i] > 0 ? (upper[i] - lower[i]) / middle[i] : ind::kNaN;
                }
              });
    }
  }
  for (const int n : {5, 10, 20, 60}) {
    f.stock(fmt::format("midprice_gap_{}", n), fmt::format("period={}", n),
            fmt::format("adjusted close / {}-day midprice (HH+LL)/2 - 1", n),
            {"adj_high", "adj_low", "adj_close"}, ind::midprice_lookback(n), 0,
            [n](const PriceSeries& s, Output out) {
              Buffer mid(s.size());
              ind::midprice(s.high, s.low, n, mid);
              gap_ratio(s.close, mid, out);
            });
  }
  for (const int n : {5, 10, 20, 60, 120}) {
    f.stock(fmt::format("range_pos_{}", n), fmt::format("period={}", n),
            fmt::format("(close - {0}-day low) / ({0}-day high - {0}-day low); 0.5 when flat", n),
            {"adj_high", "adj_low", "adj_close"}, n - 1, 0, [n](const PriceSeries& s, Output out) {
              Buffer high(s.size()), low(s.size());
              rolling_max(s.high, n, high);
              rolling_min(s.low, n, low);
              for (size_t i = 0; i < out.size(); ++i) {
                const double range = high[i] - low[i];
                out[i] = range > 0 ? (s.close[i] - low[i]) / range
                                   : (std::isfinite(range) ? 0.5 : ind::kNaN);
              }
            });
  }
  for (const int n : {10, 20, 60}) {
    f.stock(fmt::format("donchian_width_{}", n), fmt::format("period={}", n),
            fmt::format("({0}-day high - {0}-day low) / close", n),
            {"adj_high", "adj_low", "adj_close"}, n - 1, 0, [n](const PriceSeries& s, Output out) {
              Buffer high(s.size()), low(s.size());
              rolling_max(s.high, n, high);
              rolling_min(s.low, n, low);
              for (size_t i = 0; i < out.size(); ++i) {
                out[i] = s.close[i] > 0 ? (high[i] - low[i]) / s.close[i] : ind::kNaN;
              }
            });
    f.stock(fmt::format("close_zscore_{}", n), fmt::format("period={}", n),
            fmt::format("(close - {0}-day SMA) / {0}-day population std; 0 when flat", n),
            {"adj_close"}, n - 1, 0, [n](const PriceSeries& s, Output out) {
              Buffer mean(s.size()), sd(s.size());
              ind::sma(s.close, n, mean);
              ind::stddev(s.close, n, sd);
              for (size_t i = 0; i < out.size(); ++i) {
                out[i] = sd[i] > kFlatTolerance * mean[i]
                             ? (s.close[i] - mean[i]) / sd[i]
                             : (std::isfinite(sd[i]) ? 0.0 : ind::kNaN);
              }
            });
  }
}

}  // namespace

void register_momentum_families(Catalog& catalog);
void register_volume_families(Catalog& catalog);

void register_price_families(Catalog& catalog) {
  register_returns(catalog);
  register_volatility(catalog);
  register_moving_averages(catalog);
  register_momentum_families(catalog);
  register_bands(catalog);
  register_volume_families(catalog);
}

}  // namespace gogooku3::features
