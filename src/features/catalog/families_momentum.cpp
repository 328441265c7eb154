// Momentum and oscillator families: the TA-Lib oscillators on adjusted prices, with the
// price-denominated ones (MACD, APO, linear-regression slope, SAR) divided by the close so
// that they compare across stocks. Bounded oscillators (RSI, STOCH, WILLR...) are kept on
// their usual 0..100 scales.
#include <fmt/format.h>

#include <tuple>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"
#include "features/indicators/directional.h"
#include "features/indicators/momentum.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/oscillators.h"
#include "features/indicators/statistics.h"
#include "features/indicators/volume_indicators.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

// out = value / close (NaN when the close is not positive).
void per_close(Series value, Series close, Output out) {
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = close[i] > 0 ? value[i] / close[i] : ind::kNaN;
  }
}

const std::vector<std::string> kHlc = {"adj_high", "adj_low", "adj_close"};

void register_rsi_family(FamilyBuilder& f) {
  for (const int n : {2, 3, 5, 7, 9, 10, 14, 21, 28, 42}) {
    f.stock(fmt::format("rsi_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day Wilder RSI of the adjusted close", n), {"adj_close"},
            ind::rsi_lookback(n), wilder_memory(n),
            [n](const PriceSeries& s, Output out) { ind::rsi(s.close, n, out); });
  }
  for (const int n : {9, 14, 20, 28}) {
    f.stock(fmt::format("cmo_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day Chande momentum oscillator (Wilder-smoothed, TA-Lib)", n),
            {"adj_close"}, ind::cmo_lookback(n), wilder_memory(n),
            [n](const PriceSeries& s, Output out) { ind::cmo(s.close, n, out); });
  }
  for (const auto& periods : {std::tuple{14, 5, 3}, {14, 14, 3}}) {
    const int n = std::get<0>(periods);
    const int k = std::get<1>(periods);
    const int d = std::get<2>(periods);
    const std::string p = fmt::format("rsi={} fastk={} fastd={}", n, k, d);
    const int lookback = ind::stochrsi_lookback(n, k, d);
    f.stock(fmt::format("stochrsi_k_{}_{}_{}", n, k, d), p, "stochastic RSI fast %K", {"adj_close"},
            lookback, wilder_memory(n), [n, k, d](const PriceSeries& s, Output out) {
              Buffer other(s.size());
              ind::stochrsi(s.close, n, k, d, out, other);
            });
    f.stock(fmt::format("stochrsi_d_{}_{}_{}", n, k, d), p, "stochastic RSI fast %D", {"adj_close"},
            lookback, wilder_memory(n), [n, k, d](const PriceSeries& s, Output out) {
              Buffer other(s.size());
              ind::stochrsi(s.close, n, k, d, other, out);
            });
  }
}

void register_macd_family(FamilyBuilder& f) {
  for (const auto& periods : {std::tuple{12, 26, 9}, {5, 35, 5}, {8, 17, 9}, {19, 39, 9}}) {
    const int a = std::get<0>(periods);
    const int b = std::get<1>(periods);
    const int g = std::get<2>(periods);
    const std::string p = fmt::format("fast={} slow={} signal={}", a, b, g);
    const int lookback = ind::macd_lookback(a, b, g);
    const int memory = ema_memory(b, 2);
    for (const int part : {0, 1, 2}) {
      static constexpr const char* kPart[] = {"macd", "macd_signal", "macd_hist"};
      f.stock(fmt::format("{}_{}_{}_{}", kPart[part], a, b, g), p,
              fmt::format("{} of MACD({},{},{}) / close", kPart[part], a, b, g), {"adj_close"},
              lookback, memory, [a, b, g, part](const PriceSeries& s, Output out) {
                Buffer lines[3] = {Buffer(s.size()), Buffer(s.size()), Buffer(s.size())};
                ind::macd(s.close, a, b, g, lines[0], lines[1], lines[2]);
                per_close(lines[part], s.close, out);
              });
    }
  }
  for (const auto& periods : {std::pair{12, 26}, {5, 20}, {10, 30}, {20, 60}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("ppo_{}_{}", a, b), fmt::format("fast={} slow={}", a, b),
            fmt::format("percentage price oscillator, SMA {} vs SMA {}", a, b), {"adj_close"},
            ind::ppo_lookback(a, b), 0,
            [a, b](const PriceSeries& s, Output out) { ind::ppo(s.close, a, b, out); });
  }
  for (const auto& periods : {std::pair{12, 26}, {5, 20}}) {
    const int a = periods.first;
    const int b = periods.second;
    f.stock(fmt::format("apo_{}_{}", a, b), fmt::format("fast={} slow={}", a, b),
            fmt::format("absolute price oscillator SMA {} - SMA {}, / close", a, b), {"adj_close"},
            ind::apo_lookback(a, b), 0, [a, b](const PriceSeries& s, Output out) {
              Buffer apo(s.size());
              ind::apo(s.close, a, b, apo);
              per_close(apo, s.close, out);
            });
  }
  for (const int n : {9, 15, 20, 30}) {
    f.stock(fmt::format("trix_{}", n), fmt::format("period={}", n),
            fmt::format("1-day rate of change of the triple {}-day EMA (percent)", n),
            {"adj_close"}, ind::trix_lookback(n), ema_memory(n, 3),
            [n](const PriceSeries& s, Output out) { ind::trix(s.close, n, out); });
  }
  for (const int n : {10, 20, 60, 120}) {
    f.stock(fmt::format("linreg_slope_{}", n), fmt::format("period={}", n),
            fmt::format("OLS slope of the last {} closes per day / close", n), {"adj_close"},
            ind::linearreg_slope_lookback(n), 0, [n](const PriceSeries& s, Output out) {
              Buffer slope(s.size());
              ind::linearreg_slope(s.close, n, slope);
              per_close(slope, s.close, out);
            });
  }
}

void register_range_oscillators(FamilyBuilder& f) {
  for (const auto& periods : {std::tuple{14, 3, 3}, {5, 3, 3}, {9, 3, 3}, {21, 5, 5}}) {
    const int n = std::get<0>(periods);
    const int k = std::get<1>(periods);
    const int d = std::get<2>(periods);
    const std::string p = fmt::format("fastk={} slowk={} slowd={}", n, k, d);
    const int lookback = ind::stoch_lookback(n, k, d);
    f.stock(fmt::format("stoch_k_{}_{}_{}", n, k, d), p, "slow stochastic %K", kHlc, lookback, 0,
            [n, k, d](const PriceSeries& s, Output out) {
              Buffer other(s.size());
              ind::stoch(s.high, s.low, s.close, n, k, d, out, other);
            });
    f.stock(fmt::format("stoch_d_{}_{}_{}", n, k, d), p, "slow stochastic %D", kHlc, lookback, 0,
            [n, k, d](const PriceSeries& s, Output out) {
              Buffer other(s.size());
              ind::stoch(s.high, s.low, s.close, n, k, d, other, out);
            });
  }
  for (const int n : {9, 14, 20, 28, 60}) {
    f.stock(fmt::format("willr_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day Williams %R", n), kHlc, ind::willr_lookback(n), 0,
            [n](const PriceSeries& s, Output out) { ind::willr(s.high, s.low, s.close, n, out); });
  }
  for (const int n : {14, 20, 40, 60}) {
    f.stock(fmt::format("cci_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day commodity channel index", n), kHlc, ind::cci_lookback(n), 0,
            [n](const PriceSeries& s, Output out) { ind::cci(s.high, s.low, s.close, n, out); });
  }
  for (const auto& periods : {std::tuple{7, 14, 28}, {5, 10, 20}}) {
    const int a = std::get<0>(periods);
    const int b = std::get<1>(periods);
    const int c = std::get<2>(periods);
    f.stock(fmt::format("ultosc_{}_{}_{}", a, b, c), fmt::format("periods={},{},{}", a, b, c),
            "ultimate oscillator (weights 4/2/1)", kHlc, ind::ultosc_lookback(a, b, c), 0,
            [a, b, c](const PriceSeries& s, Output out) {
              ind::ultosc(s.high, s.low, s.close, a, b, c, out);
            });
  }
  for (const int n : {14, 25, 50}) {
    const std::string p = fmt::format("period={}", n);
    const std::vector<std::string> hl = {"adj_high", "adj_low"};
    f.stock(fmt::format("aroon_up_{}", n), p, fmt::format("{}-day Aroon up", n), hl,
            ind::aroon_lookback(n), 0, [n](const PriceSeries& s, Output out) {
              Buffer down(s.size());
              ind::aroon(s.high, s.low, n, out, down);
            });
    f.stock(fmt::format("aroon_down_{}", n), p, fmt::format("{}-day Aroon down", n), hl,
            ind::aroon_lookback(n), 0, [n](const PriceSeries& s, Output out) {
              Buffer up(s.size());
              ind::aroon(s.high, s.low, n, up, out);
            });
    f.stock(fmt::format("aroonosc_{}", n), p, fmt::format("{}-day Aroon oscillator", n), hl,
            ind::aroon_lookback(n), 0,
            [n](const PriceSeries& s, Output out) { ind::aroonosc(s.high, s.low, n, out); });
  }
}

void register_directional(FamilyBuilder& f) {
  for (const int n : {7, 14, 28}) {
    const std::string p = fmt::format("period={}", n);
    f.stock(fmt::format("adx_{}", n), p, fmt::format("{}-day average directional index", n), kHlc,
            ind::adx_lookback(n), wilder_memory(n, 2),
            [n](const PriceSeries& s, Output out) { ind::adx(s.high, s.low, s.close, n, out); });
    f.stock(fmt::format("adxr_{}", n), p, fmt::format("{}-day ADX rating", n), kHlc,
            ind::adxr_lookback(n), wilder_memory(n, 2),
            [n](const PriceSeries& s, Output out) { ind::adxr(s.high, s.low, s.close, n, out); });
    f.stock(fmt::format("plus_di_{}", n), p, fmt::format("{}-day +DI", n), kHlc,
            ind::di_lookback(n), wilder_memory(n), [n](const PriceSeries& s, Output out) {
              ind::plus_di(s.high, s.low, s.close, n, out);
            });
    f.stock(fmt::format("minus_di_{}", n), p, fmt::format("{}-day -DI", n), kHlc,
            ind::di_lookback(n), wilder_memory(n), [n](const PriceSeries& s, Output out) {
              ind::minus_di(s.high, s.low, s.close, n, out);
            });
    f.stock(fmt::format("di_spread_{}", n), p, fmt::format("{}-day +DI minus -DI", n), kHlc,
            ind::di_lookback(n), wilder_memory(n), [n](const PriceSeries& s, Output out) {
              Buffer minus(s.size());
              ind::plus_di(s.high, s.low, s.close, n, out);
              ind::minus_di(s.high, s.low, s.close, n, minus);
              for (size_t i = 0; i < out.size(); ++i) out[i] -= minus[i];
            });
  }
  for (const int n : {5, 7, 14, 20, 28, 60}) {
    f.stock(fmt::format("natr_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day normalised average true range (percent of close)", n), kHlc,
            ind::atr_lookback(n), wilder_memory(n),
            [n](const PriceSeries& s, Output out) { ind::natr(s.high, s.low, s.close, n, out); });
  }
  f.stock("sar_gap", "acceleration=0.02 maximum=0.2", "adjusted close / parabolic SAR - 1",
          {"adj_high", "adj_low", "adj_close"}, 1, 250, [](const PriceSeries& s, Output out) {
            Buffer sar(s.size());
            ind::sar(s.high, s.low, sar);
            gap_ratio(s.close, sar, out);
          });
  f.stock("bop", "", "balance of power (close - open) / (high - low)",
          {"adj_open", "adj_high", "adj_low", "adj_close"}, 0, 0,
          [](const PriceSeries& s, Output out) { ind::bop(s.open, s.high, s.low, s.close, out); });
  for (const int n : {5, 14, 20}) {
    f.stock(fmt::format("bop_mean_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day mean of the balance of power", n),
            {"adj_open", "adj_high", "adj_low", "adj_close"}, n - 1, 0,
            [n](const PriceSeries& s, Output out) {
              Buffer bop(s.size());
              ind::bop(s.open, s.high, s.low, s.close, bop);
              rolling_mean(bop, n, out);
            });
  }
  for (const int n : {7, 14, 28}) {
    f.stock(fmt::format("mfi_{}", n), fmt::format("period={}", n),
            fmt::format("{}-day money flow index", n),
            {"adj_high", "adj_low", "adj_close", "adj_volume"}, ind::mfi_lookback(n), 0,
            [n](const PriceSeries& s, Output out) {
              ind::mfi(s.high, s.low, s.close, s.volume, n, out);
            });
  }
}

}  // namespace

void register_momentum_families(Catalog& catalog) {
  FamilyBuilder f(catalog, "momentum");
  register_rsi_family(f);
  register_macd_family(f);
  register_range_oscillators(f);
  register_directional(f);
}

}  // namespace gogooku3::features
