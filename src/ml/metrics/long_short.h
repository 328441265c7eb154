// The long-short quintile portfolio that turns a horizon's predictions into a tradeable
// number: long the top fifth of the day's stocks by prediction, short the bottom fifth.
//
// Convention (non-overlapping rebalancing). `days` are consecutive trading days, oldest
// first. The book is rebuilt on days 0, h, 2h, ... (h = horizon) and held for h days, so each
// rebalance earns exactly that day's target, the forward h-day return, and no return is
// counted twice. (Averaging h staggered sub-portfolios would use every day, but its period
// returns overlap and are autocorrelated, which inflates a naive Sharpe.) Days between
// rebalances are not read. Periods per year = 245 / h (245 trading days a year on the TSE).
//
// The book: among the stocks whose prediction and target are both finite, n_leg =
// floor(n / 5) with the highest predictions get weight +1/n_leg and the n_leg lowest get
// -1/n_leg (equal weight, dollar neutral, gross 2). Ties in prediction are broken by code, so
// the book is reproducible. The period return is mean(long targets) - mean(short targets). A
// rebalance day with fewer than 5 valid stocks forms no book: it is skipped (no period, and
// turnover compares the next book with the last one formed) and counted in
// skipped_rebalances. Codes must be unique within a day.
//
// Statistics of the period returns r_1..r_n, on constant capital (returns are summed, not
// compounded, because a dollar-neutral book is re-levered to gross 2 at every rebalance):
//   annual_return  mean(r) * periods_per_year (arithmetic); NaN with no period.
//   sharpe         mean(r) / std(r) * sqrt(periods_per_year), sample std (n - 1); NaN with
//                  fewer than 2 periods or zero std. For h = 1 the factor is sqrt(245).
//   max_drawdown   largest fall of the summed equity curve E_k = r_1 + ... + r_k from its
//                  running peak, the start (E_0 = 0) included, as a positive fraction of
//                  capital; 0 when the curve never falls, NaN with no period.
//   turnover       per rebalance, sum over codes |w_new - w_old| / (gross_old + gross_new):
//                  0 when the legs keep the same codes, 1 when every name changes (or flips
//                  side); averaged over rebalances after the first book. NaN with < 2 books.
//
// Pure functions; thread-safe. Bad horizons, mismatched column lengths and duplicate codes
// throw InvalidInput.
#pragma once

#include <span>
#include <vector>

#include "ml/metrics/daily_metrics.h"

namespace gogooku3::ml::metrics {

inline constexpr int kTradingDaysPerYear = 245;
inline constexpr int kLegsPerBook = 5;  // quintiles: the top and bottom fifth are traded

struct LongShortResult {
  std::vector<double> period_returns;  // one per book formed, oldest first
  int skipped_rebalances = 0;          // rebalance days with fewer than 5 valid stocks
  double annual_return = kNaN;
  double sharpe = kNaN;
  double max_drawdown = kNaN;
  double turnover = kNaN;
};

LongShortResult long_short(std::span<const DayCrossSection> days, int horizon);

// The statistics above, for period returns of a horizon-day holding period.
double periods_per_year(int horizon);
double annualised_return(std::span<const double> period_returns, int horizon);
double annualised_sharpe(std::span<const double> period_returns, int horizon);
double max_drawdown(std::span<const double> period_returns);

}  // namespace gogooku3::ml::metrics
