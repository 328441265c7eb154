// Rolling statistics and price transforms, as TA-Lib defines them: STDDEV, VAR,
// LINEARREG_SLOPE, BBANDS, MIDPRICE, MEDPRICE, TYPPRICE, BOP.
//
// Lookbacks and conventions:
//   VAR n / STDDEV n: n-1. Population (divide by n), as TA-Lib's mean(x^2) - mean(x)^2 from
//     running sums; 0 when the variance is below 1e-14 (TA-Lib's STDDEV guard; its VAR returns
//     such values unguarded). STDDEV multiplies by nbdev (default 1).
//   LINEARREG_SLOPE n: n-1. OLS slope of the last n values against the bar index.
//   BBANDS n,up,dn: n-1. Middle = SMA n; upper/lower = middle +/- k * population stddev.
//   MIDPRICE n: n-1. (highest high + lowest low)/2 over n bars.
//   MEDPRICE: 0. (high+low)/2.  TYPPRICE: 0. (high+low+close)/3.
//   BOP: 0. (close-open)/(high-low), 0 when high - low < 1e-14.
// Periods: VAR 1.. (n = 1 gives 0), STDDEV 2.., LINEARREG_SLOPE 2.., BBANDS 2.., MIDPRICE 2..
// (TA-Lib's ranges); nbdev multipliers in [-3e37, 3e37].
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

int var_lookback(int period);
void var(Series in, int period, Output out);
int stddev_lookback(int period);
void stddev(Series in, int period, Output out, double nbdev = 1.0);

int linearreg_slope_lookback(int period);
void linearreg_slope(Series in, int period, Output out);

int bbands_lookback(int period);
void bbands(Series in, int period, double nbdev_up, double nbdev_down, Output upper, Output middle,
            Output lower);

int midprice_lookback(int period);
void midprice(Series high, Series low, int period, Output out);
void medprice(Series high, Series low, Output out);
void typprice(Series high, Series low, Series close, Output out);
void bop(Series open, Series high, Series low, Series close, Output out);

}  // namespace gogooku3::features::indicators
