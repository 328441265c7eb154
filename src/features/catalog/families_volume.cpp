// Families over volume and the shape of each day: volume and liquidity, the 52-week
// position and drawdowns, overnight gaps and intraday range, and the history of daily-limit
// hits (TSE's price limits: a stock that hit its limit could not trade where it wanted to).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"
#include "features/indicators/momentum.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/range_volatility.h"
#include "features/indicators/volume_indicators.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

// ln(1 + x) keeps zero-volume days finite.
Buffer log1p_of(Series in) {
  Buffer out(in.size());
  for (size_t i = 0; i < in.size(); ++i) out[i] = in[i] >= 0 ? std::log1p(in[i]) : ind::kNaN;
  return out;
}

// (cumulative[i] - cumulative[i-n]) / sum of volume over the last n days; 0 without volume.
void flow_slope(Series cumulative, Series volume, int n, Output out) {
  Buffer change(out.size()), traded(out.size());
  difference(cumulative, n, change);
  rolling_sum(volume, n, traded);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = traded[i] > 0 ? change[i] / traded[i] : (std::isfinite(change[i]) ? 0.0 : ind::kNaN);
  }
}

void register_volume(Catalog& catalog) {
  FamilyBuilder f(catalog, "volume");
  const std::vector<std::string> v = {"adj_volume"};
  for (const int n : {5, 10, 20, 60, 120}) {
    f.stock(fmt::format("volume_ratio_{}", n), fmt::format("period={}", n),
            fmt::format("volume / its {}-day mean (1 = usual)", n), v, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer mean(s.size());
              rolling_mean(s.volume, n, mean);
              safe_ratio(s.volume, mean, out);
            });
  }
  f.stock("log_turnover", "", "ln(1 + turnover value in yen)", {"turnover_value"}, 0, 0,
          [](const PriceSeries& s, Output out) {
            const Buffer t = log1p_of(s.turnover);
            std::copy(t.begin(), t.end(), out.begin());
          });
  for (const int n : {5, 20, 60}) {
    f.stock(fmt::format("log_turnover_mean_{}", n), fmt::format("period={}", n),
            fmt::format("ln(1 + mean turnover value over {} days)", n), {"turnover_value"}, n - 1,
            0, [n](const PriceSeries& s, Output out) {
              rolling_mean(s.turnover, n, out);
              for (double& x : out) x = std::log1p(x);
            });
  }
  for (const auto& periods : {std::pair{5, 20}, {5, 60}, {20, 120}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("turnover_ratio_{}_{}", a, b), fmt::format("short={} long={}", a, b),
            fmt::format("mean turnover over {} days / over {} days", a, b), {"turnover_value"},
            b - 1, 0, [a, b](const PriceSeries& s, Output out) {
              Buffer fast(s.size()), slow(s.size());
              rolling_mean(s.turnover, a, fast);
              rolling_mean(s.turnover, b, slow);
              safe_ratio(fast, slow, out);
            });
  }
  for (const int n : {5, 10, 20, 60, 120}) {
    f.stock(fmt::format("amihud_{}", n), fmt::format("period={}", n),
            fmt::format("Amihud illiquidity: mean |return| per billion yen traded, {} days", n),
            {"adj_close", "turnover_value"}, ind::amihud_lookback(n), 0,
            [n](const PriceSeries& s, Output out) {
              ind::amihud(s.close, s.turnover, n, out);
              for (double& x : out) x *= 1e9;
            });
  }
  for (const int n : {5, 10, 20, 60}) {
    f.stock(fmt::format("obv_slope_{}", n), fmt::format("period={}", n),
            fmt::format("change of on-balance volume over {0} days / volume of the {0} days", n),
            {"adj_close", "adj_volume"}, n, 0, [n](const PriceSeries& s, Output out) {
              Buffer obv(s.size());
              ind::obv(s.close, s.volume, obv);
              flow_slope(obv, s.volume, n, out);
            });
    f.stock(fmt::format("ad_slope_{}", n), fmt::format("period={}", n),
            fmt::format("change of Chaikin A/D over {0} days / volume of the {0} days", n),
            {"adj_high", "adj_low", "adj_close", "adj_volume"}, n, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer ad(s.size());
              ind::ad(s.high, s.low, s.close, s.volume, ad);
              flow_slope(ad, s.volume, n, out);
            });
  }
  for (const auto& periods : {std::pair{3, 10}, {5, 20}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("adosc_{}_{}", a, b), fmt::format("fast={} slow={}", a, b),
            fmt::format("Chaikin A/D oscillator ({}, {}) / {}-day mean volume", a, b, b),
            {"adj_high", "adj_low", "adj_close", "adj_volume"}, ind::adosc_lookback(a, b),
            ema_memory(b), [a, b](const PriceSeries& s, Output out) {
              Buffer osc(s.size()), mean(s.size());
              ind::adosc(s.high, s.low, s.close, s.volume, a, b, osc);
              rolling_mean(s.volume, b, mean);
              for (size_t i = 0; i < out.size(); ++i) {
                out[i] =
                    mean[i] > 0 ? osc[i] / mean[i] : (std::isfinite(mean[i]) ? 0.0 : ind::kNaN);
              }
            });
  }
  for (const int n : {20, 60}) {
    f.stock(fmt::format("volume_zscore_{}", n), fmt::format("period={}", n),
            fmt::format("z-score of ln(1 + volume) against its {} days", n), v, n - 1, 0,
            [n](const PriceSeries& s, Output out) { rolling_zscore(log1p_of(s.volume), n, out); });
    f.stock(fmt::format("zero_volume_days_{}", n), fmt::format("period={}", n),
            fmt::format("share of the last {} traded days without volume", n), v, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer zero(s.size());
              for (size_t i = 0; i < s.size(); ++i) zero[i] = s.volume[i] <= 0 ? 1.0 : 0.0;
              rolling_mean(zero, n, out);
            });
    f.stock(fmt::format("price_volume_corr_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day correlation of daily log return and log volume change", n),
            {"adj_close", "adj_volume"}, n, 0, [n](const PriceSeries& s, Output out) {
              const Buffer lv = log1p_of(s.volume);
              Buffer r(s.size()), dv(s.size());
              log_return(s.close, 1, r);
              difference(lv, 1, dv);
              if (out.empty()) return;
              out[0] = ind::kNaN;
              if (s.size() < 2) return;
              ind::rolling_correlation(Series(r).subspan(1), Series(dv).subspan(1), n,
                                       out.subspan(1));
            });
  }
}

void register_position(Catalog& catalog) {
  FamilyBuilder f(catalog, "position_52w");
  const std::vector<std::string> hlc = {"adj_high", "adj_low", "adj_close"};
  f.stock("high_52w_gap", "period=250", "adjusted close / 250-day high - 1", hlc, 249, 0,
          [](const PriceSeries& s, Output out) {
            Buffer high(s.size());
            rolling_max(s.high, 250, high);
            gap_ratio(s.close, high, out);
          });
  f.stock("low_52w_gap", "period=250", "adjusted close / 250-day low - 1", hlc, 249, 0,
          [](const PriceSeries& s, Output out) {
            Buffer low(s.size());
            rolling_min(s.low, 250, low);
            gap_ratio(s.close, low, out);
          });
  f.stock("pos_52w", "period=250", "position of the close in the 250-day high-low range", hlc, 249,
          0, [](const PriceSeries& s, Output out) {
            Buffer high(s.size()), low(s.size());
            rolling_max(s.high, 250, high);
            rolling_min(s.low, 250, low);
            for (size_t i = 0; i < out.size(); ++i) {
              const double range = high[i] - low[i];
              out[i] = range > 0 ? (s.close[i] - low[i]) / range
                                 : (std::isfinite(range) ? 0.5 : ind::kNaN);
            }
          });
  for (const int n : {20, 60, 120, 250, 500}) {
    f.stock(fmt::format("drawdown_{}", n), fmt::format("period={}", n),
            fmt::format("adjusted close / highest close of {} days - 1", n), {"adj_close"}, n - 1,
            0, [n](const PriceSeries& s, Output out) {
              Buffer peak(s.size());
              rolling_max(s.close, n, peak);
              gap_ratio(s.close, peak, out);
            });
  }
  for (const int n : {20, 60, 120, 250}) {
    f.stock(fmt::format("rally_{}", n), fmt::format("period={}", n),
            fmt::format("adjusted close / lowest close of {} days - 1", n), {"adj_close"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer trough(s.size());
              rolling_min(s.close, n, trough);
              gap_ratio(s.close, trough, out);
            });
  }
  for (const int n : {20, 60, 250}) {
    f.stock(fmt::format("days_since_high_{}", n), fmt::format("period={}", n),
            fmt::format("traded days since the {0}-day high / {0}", n), {"adj_high"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) { bars_since_max(s.high, n, out); });
    f.stock(fmt::format("days_since_low_{}", n), fmt::format("period={}", n),
            fmt::format("traded days since the {0}-day low / {0}", n), {"adj_low"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) { bars_since_min(s.low, n, out); });
  }
}

void register_gaps(Catalog& catalog) {
  FamilyBuilder f(catalog, "gaps");
  const std::vector<std::string> ohlc = {"adj_open", "adj_high", "adj_low", "adj_close"};
  // The three daily parts of a bar's move; each also averaged over 5, 20 and 60 days.
  struct Part {
    const char* name;
    const char* description;
    int lookback;
    void (*compute)(const PriceSeries&, Output);
  };
  static const Part kParts[] = {
      {"gap_overnight", "ln(open / previous close)", 1,
       [](const PriceSeries& s, Output out) {
         out[0] = ind::kNaN;
         for (size_t i = 1; i < out.size(); ++i) out[i] = std::log(s.open[i] / s.close[i - 1]);
       }},
      {"intraday_ret", "ln(close / open)", 0,
       [](const PriceSeries& s, Output out) {
         for (size_t i = 0; i < out.size(); ++i) out[i] = std::log(s.close[i] / s.open[i]);
       }},
      {"hl_range", "ln(high / low)", 0,
       [](const PriceSeries& s, Output out) {
         for (size_t i = 0; i < out.size(); ++i) out[i] = std::log(s.high[i] / s.low[i]);
       }},
      {"close_location", "(close - low) / (high - low); 0.5 when high == low", 0,
       [](const PriceSeries& s, Output out) {
         for (size_t i = 0; i < out.size(); ++i) {
           const double range = s.high[i] - s.low[i];
           out[i] = range > 0 ? (s.close[i] - s.low[i]) / range : 0.5;
         }
       }},
  };
  for (const Part& part : kParts) {
    f.stock(part.name, "", part.description, ohlc, part.lookback, 0,
            [compute = part.compute](const PriceSeries& s, Output out) {
              if (!out.empty()) compute(s, out);
            });
    for (const int n : {5, 20, 60}) {
      f.stock(fmt::format("{}_mean_{}", part.name, n), fmt::format("period={}", n),
              fmt::format("{}-day mean of {}", n, part.description), ohlc, part.lookback + n - 1, 0,
              [compute = part.compute, n](const PriceSeries& s, Output out) {
                if (out.empty()) return;
                Buffer daily(s.size());
                compute(s, daily);
                rolling_mean(daily, n, out);
              });
    }
  }
  f.stock("upper_shadow", "", "(high - max(open, close)) / close", ohlc, 0, 0,
          [](const PriceSeries& s, Output out) {
            for (size_t i = 0; i < out.size(); ++i) {
              out[i] = (s.high[i] - std::max(s.open[i], s.close[i])) / s.close[i];
            }
          });
  f.stock("lower_shadow", "", "(min(open, close) - low) / close", ohlc, 0, 0,
          [](const PriceSeries& s, Output out) {
            for (size_t i = 0; i < out.size(); ++i) {
              out[i] = (std::min(s.open[i], s.close[i]) - s.low[i]) / s.close[i];
            }
          });
  for (const int n : {5, 20}) {
    f.stock(fmt::format("gap_abs_mean_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day mean of |ln(open / previous close)|", n), ohlc, n, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer gap(s.size());
              if (!gap.empty()) gap[0] = ind::kNaN;
              for (size_t i = 1; i < s.size(); ++i) {
                gap[i] = std::abs(std::log(s.open[i] / s.close[i - 1]));
              }
              rolling_mean(gap, n, out);
            });
  }
}

// Days since the last 1 in `hit`, divided by cap and capped at 1 (no hit within cap days).
void days_since_hit(Series hit, int cap, Output out) {
  size_t last = SIZE_MAX;
  for (size_t i = 0; i < out.size(); ++i) {
    if (hit[i] > 0) last = i;
    const double days =
        last == SIZE_MAX ? cap : std::min<double>(cap, static_cast<double>(i - last));
    out[i] = i + 1 >= static_cast<size_t>(cap) ? days / cap : ind::kNaN;
  }
}

void register_limits(Catalog& catalog) {
  FamilyBuilder f(catalog, "limits");
  for (const bool up : {true, false}) {
    const char* side = up ? "up" : "down";
    const std::vector<std::string> input = {up ? "upper_limit" : "lower_limit"};
    f.stock(fmt::format("limit_{}_today", side), "",
            fmt::format("1 when the day touched the daily {} limit", up ? "upper" : "lower"), input,
            0, 0, [up](const PriceSeries& s, Output out) {
              const Series hit = up ? s.upper_limit : s.lower_limit;
              std::copy(hit.begin(), hit.end(), out.begin());
            });
    for (const int n : {5, 20, 60, 120}) {
      f.stock(fmt::format("limit_{}_count_{}", side, n), fmt::format("period={}", n),
              fmt::format("days at the {} limit among the last {} traded days", side, n), input,
              n - 1, 0, [up, n](const PriceSeries& s, Output out) {
                rolling_sum(up ? s.upper_limit : s.lower_limit, n, out);
              });
    }
    f.stock(fmt::format("days_since_limit_{}", side), "cap=250",
            fmt::format("traded days since the last {} limit / 250, 1 when none in 250", side),
            input, 249, 0, [up](const PriceSeries& s, Output out) {
              days_since_hit(up ? s.upper_limit : s.lower_limit, 250, out);
            });
  }
}

}  // namespace

void register_volume_families(Catalog& catalog) {
  register_volume(catalog);
  register_position(catalog);
  register_gaps(catalog);
  register_limits(catalog);
}

}  // namespace gogooku3::features
