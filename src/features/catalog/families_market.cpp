// Market families: the TOPIX index itself (the same value for every stock of a day: the
// regime the model sees), and each stock against it — rolling beta, correlation, alpha,
// idiosyncratic volatility and relative strength over the stock's traded days.
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"
#include "features/indicators/momentum.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/range_volatility.h"
#include "features/indicators/statistics.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

void register_topix(Catalog& catalog) {
  FamilyBuilder f(catalog, "market");
  for (const int h : {1, 2, 3, 5, 10, 20, 40, 60, 120}) {
    f.market(fmt::format("topix_ret_{}d", h), fmt::format("days={}", h),
             fmt::format("TOPIX return over {} business days", h), h, 0,
             [h](const PriceSeries& s, Output out) { simple_return(s.close, h, out); });
  }
  for (const int n : {5, 10, 20, 60, 120}) {
    f.market(fmt::format("topix_vol_{}", n), fmt::format("period={}", n),
             fmt::format("sample std of TOPIX daily log returns over {} days", n), n, 0,
             [n](const PriceSeries& s, Output out) {
               Buffer r(s.size());
               log_return(s.close, 1, r);
               rolling_std(r, n, out);
             });
  }
  for (const int n : {10, 20}) {
    f.market(fmt::format("topix_parkinson_vol_{}", n), fmt::format("period={}", n),
             fmt::format("Parkinson volatility of TOPIX over {} days", n), n - 1, 0,
             [n](const PriceSeries& s, Output out) { ind::parkinson(s.high, s.low, n, out); });
  }
  for (const int n : {5, 20, 60, 120, 200}) {
    f.market(fmt::format("topix_sma_gap_{}", n), fmt::format("period={}", n),
             fmt::format("TOPIX / its {}-day SMA - 1", n), ind::sma_lookback(n), 0,
             [n](const PriceSeries& s, Output out) {
               Buffer average(s.size());
               ind::sma(s.close, n, average);
               gap_ratio(s.close, average, out);
             });
  }
  for (const int n : {7, 14, 28}) {
    f.market(fmt::format("topix_rsi_{}", n), fmt::format("period={}", n),
             fmt::format("{}-day RSI of TOPIX", n), ind::rsi_lookback(n), wilder_memory(n),
             [n](const PriceSeries& s, Output out) { ind::rsi(s.close, n, out); });
  }
  for (const int n : {20, 60, 250}) {
    f.market(fmt::format("topix_drawdown_{}", n), fmt::format("period={}", n),
             fmt::format("TOPIX / its highest close of {} days - 1", n), n - 1, 0,
             [n](const PriceSeries& s, Output out) {
               Buffer peak(s.size());
               rolling_max(s.close, n, peak);
               gap_ratio(s.close, peak, out);
             });
  }
  f.market("topix_macd_hist_12_26_9", "fast=12 slow=26 signal=9",
           "MACD(12,26,9) histogram of TOPIX / TOPIX", ind::macd_lookback(12, 26, 9),
           ema_memory(26, 2), [](const PriceSeries& s, Output out) {
             Buffer line(s.size()), signal(s.size());
             ind::macd(s.close, 12, 26, 9, line, signal, out);
             for (size_t i = 0; i < out.size(); ++i) out[i] /= s.close[i];
           });
  f.market("topix_bb_pctb_20_20", "period=20 k=2", "TOPIX position in its 20-day 2-std band",
           ind::bbands_lookback(20), 0,
           [](const PriceSeries& s, Output out) { bollinger_position(s.close, 20, 2, out); });
  f.market("topix_vol_ratio_5_20", "short=5 long=20",
           "TOPIX realized volatility over 5 days / over 20 days", 20, 0,
           [](const PriceSeries& s, Output out) {
             Buffer r(s.size()), fast(s.size()), slow(s.size());
             log_return(s.close, 1, r);
             rolling_std(r, 5, fast);
             rolling_std(r, 20, slow);
             safe_ratio(fast, slow, out);
           });
}

// Daily simple returns of the stock and of TOPIX on the stock's traded days. A day whose
// TOPIX value is missing gives NaN in both, so the windows that contain it are NaN.
struct PairedReturns {
  Buffer stock, market;
};
PairedReturns paired_returns(const PriceSeries& s) {
  PairedReturns r{Buffer(s.size()), Buffer(s.size())};
  simple_return(s.close, 1, r.stock);
  simple_return(s.market_close, 1, r.market);
  for (size_t i = 0; i < s.size(); ++i) {
    if (!std::isfinite(r.market[i])) r.stock[i] = ind::kNaN;
  }
  return r;
}

// Runs a two-series kernel from bar 1 (bar 0 has no return). Kernels need finite input, so a
// window that meets a missing TOPIX day is recomputed as NaN afterwards.
template <typename Kernel>
void on_paired(const PairedReturns& r, int n, Output out, Kernel kernel) {
  if (out.empty()) return;
  out[0] = ind::kNaN;
  const size_t m = r.stock.size() - 1;
  Buffer stock(r.stock.begin() + 1, r.stock.end()), market(r.market.begin() + 1, r.market.end());
  Buffer missing(m);
  for (size_t i = 0; i < m; ++i) {
    missing[i] = std::isfinite(stock[i]) ? 0.0 : 1.0;
    if (missing[i] != 0) stock[i] = market[i] = 0.0;
  }
  kernel(Series(stock), Series(market), out.subspan(1));
  Buffer missing_in_window(m);
  rolling_sum(missing, n, missing_in_window);
  for (size_t i = 0; i < m; ++i) {
    if (missing_in_window[i] > 0) out[i + 1] = ind::kNaN;
  }
}

void register_beta(Catalog& catalog) {
  FamilyBuilder f(catalog, "beta");
  const std::vector<std::string> inputs = {"adj_close", "topix_close"};
  for (const int n : {20, 60, 120, 250}) {
    const std::string p = fmt::format("period={}", n);
    f.stock(fmt::format("beta_{}", n), p, fmt::format("{}-day beta of daily returns to TOPIX", n),
            inputs, n, 0, [n](const PriceSeries& s, Output out) {
              on_paired(paired_returns(s), n, out,
                        [n](Series a, Series b, Output o) { ind::rolling_beta(a, b, n, o); });
            });
    f.stock(fmt::format("corr_topix_{}", n), p,
            fmt::format("{}-day correlation of daily returns with TOPIX", n), inputs, n, 0,
            [n](const PriceSeries& s, Output out) {
              on_paired(paired_returns(s), n, out, [n](Series a, Series b, Output o) {
                ind::rolling_correlation(a, b, n, o);
              });
            });
    f.stock(fmt::format("alpha_{}", n), p,
            fmt::format("{}-day mean daily return not explained by beta x TOPIX", n), inputs, n, 0,
            [n](const PriceSeries& s, Output out) {
              const PairedReturns r = paired_returns(s);
              Buffer beta(s.size()), excess(s.size());
              on_paired(r, n, beta,
                        [n](Series a, Series b, Output o) { ind::rolling_beta(a, b, n, o); });
              Buffer mean_stock(s.size()), mean_market(s.size());
              rolling_mean(r.stock, n, mean_stock);
              rolling_mean(r.market, n, mean_market);
              for (size_t i = 0; i < out.size(); ++i) {
                out[i] = mean_stock[i] - beta[i] * mean_market[i];
              }
            });
    f.stock(fmt::format("idio_vol_{}", n), p,
            fmt::format("{}-day std of daily returns net of beta x TOPIX", n), inputs, n, 0,
            [n](const PriceSeries& s, Output out) {
              const PairedReturns r = paired_returns(s);
              Buffer corr(s.size()), sd(s.size());
              on_paired(r, n, corr, [n](Series a, Series b, Output o) {
                ind::rolling_correlation(a, b, n, o);
              });
              rolling_std(r.stock, n, sd);
              // Residual variance of an OLS fit = var(stock) * (1 - rho^2).
              for (size_t i = 0; i < out.size(); ++i) {
                const double rho = std::isfinite(corr[i]) ? corr[i] : 0.0;
                out[i] = sd[i] * std::sqrt(std::max(0.0, 1.0 - rho * rho));
              }
            });
  }
  for (const int h : {5, 20, 60, 120}) {
    f.stock(fmt::format("rel_strength_{}d", h), fmt::format("days={}", h),
            fmt::format("stock return minus TOPIX return over {} traded days", h), inputs, h, 0,
            [h](const PriceSeries& s, Output out) {
              Buffer market(s.size());
              simple_return(s.close, h, out);
              simple_return(s.market_close, h, market);
              for (size_t i = 0; i < out.size(); ++i) out[i] -= market[i];
            });
  }
}

}  // namespace

void register_market_families(Catalog& catalog) {
  register_topix(catalog);
  register_beta(catalog);
}

}  // namespace gogooku3::features
