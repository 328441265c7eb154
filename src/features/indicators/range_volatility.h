// Estimators the field uses beyond TA-Lib: range-based volatility (Parkinson, Garman-Klass,
// Rogers-Satchell, Yang-Zhang), Amihud illiquidity, rolling skewness and kurtosis, and rolling
// beta and correlation to an index.
//
// All are daily (not annualised) and computed over a rolling window of n bars. Definitions,
// with ln the natural log and the window's bars t-n+1..t:
//   parkinson n: n-1. sqrt( sum ln(H/L)^2 / (4 ln 2 * n) ).
//   garman_klass n: n-1. sqrt( mean( 0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2 ) ), 0 if negative.
//   rogers_satchell n: n-1. sqrt( mean( ln(H/C) ln(H/O) + ln(L/C) ln(L/O) ) ), 0 if negative.
//   yang_zhang n: n (needs the previous close). sqrt( Vo + k Vc + (1-k) Vrs ) with
//     Vo the sample variance (n-1 divisor) of ln(O_t/C_{t-1}), Vc that of ln(C_t/O_t), Vrs the
//     Rogers-Satchell mean, k = 0.34 / (1.34 + (n+1)/(n-1)). n >= 2.
//   amihud n: n. mean over the window of |C_t/C_{t-1} - 1| / turnover_t, days with
//     turnover <= 0 left out; NaN when every day of the window has none.
//   rolling_skew n: n-1. Adjusted Fisher-Pearson sample skewness (pandas' rolling().skew()):
//     n >= 3; 0 when the window is flat.
//   rolling_kurt n: n-1. Sample excess kurtosis with the bias correction pandas uses
//     (rolling().kurt()); n >= 4; 0 when the window is flat.
//   rolling_beta n: n-1. cov(x, index) / var(index) over the window (both sample); NaN when the
//     index is flat. rolling_correlation n: n-1. Pearson; NaN when either side is flat.
// Prices must be positive (the caller passes adjusted OHLC of traded days); a window that
// meets a non-positive price yields NaN rather than a log of it.
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

void parkinson(Series high, Series low, int period, Output out);
void garman_klass(Series open, Series high, Series low, Series close, int period, Output out);
void rogers_satchell(Series open, Series high, Series low, Series close, int period, Output out);
int yang_zhang_lookback(int period);
void yang_zhang(Series open, Series high, Series low, Series close, int period, Output out);

int amihud_lookback(int period);
void amihud(Series close, Series turnover, int period, Output out);

void rolling_skew(Series in, int period, Output out);
void rolling_kurt(Series in, int period, Output out);
void rolling_beta(Series in, Series index, int period, Output out);
void rolling_correlation(Series in, Series index, int period, Output out);

}  // namespace gogooku3::features::indicators
