// Range oscillators, as TA-Lib defines them: STOCH, STOCHRSI, WILLR, CCI, ULTOSC, AROON,
// AROONOSC.
//
// Lookbacks and conventions:
//   STOCH n,k,d (fastK n, slowK k, slowD d, both SMA): (n-1)+(k-1)+(d-1) for both outputs.
//     fastK = 100*(close - lowest low)/(highest high - lowest low) over n, 0 when HH == LL;
//     slowK = SMA k of fastK, slowD = SMA d of slowK.
//   STOCHRSI n,k,d: rsi_lookback(n)+(k-1)+(d-1). STOCHF (fastK k, fastD d SMA) applied to
//     RSI n: out_k = fastK of the RSI, out_d = SMA d of it.
//   WILLR n: n-1. -100*(HH - close)/(HH - LL), 0 when HH == LL.
//   CCI n: n-1. Typical price, its SMA and mean absolute deviation, constant 0.015;
//     0 when the numerator or the deviation is 0.
//   ULTOSC a,b,c: max(a,b,c). Buying pressure / true range averaged over a, b, c, weights 4/2/1
//     for the shortest/middle/longest period whatever the argument order. (With all three 1
//     TA-Lib reports lookback 0 and reads close[-1] for bar 0; ours is NaN there.)
//   AROON n (up, down) / AROONOSC n: n. A window of n+1 bars; up = 100*(n - bars since the
//     highest high)/n, ties go to the most recent extreme; AROONOSC = up - down.
// Periods: STOCH fastK 1.. slowK/slowD 1..; STOCHRSI n 2.. k 1.. d 1..; WILLR/CCI/AROON 2..;
// ULTOSC each 1..
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

int stoch_lookback(int fastk, int slowk, int slowd);
void stoch(Series high, Series low, Series close, int fastk, int slowk, int slowd, Output slow_k,
           Output slow_d);

int stochrsi_lookback(int period, int fastk, int fastd);
void stochrsi(Series in, int period, int fastk, int fastd, Output fast_k, Output fast_d);

int willr_lookback(int period);
void willr(Series high, Series low, Series close, int period, Output out);

int cci_lookback(int period);
void cci(Series high, Series low, Series close, int period, Output out);

int ultosc_lookback(int period1, int period2, int period3);
void ultosc(Series high, Series low, Series close, int period1, int period2, int period3,
            Output out);

int aroon_lookback(int period);
void aroon(Series high, Series low, int period, Output up, Output down);
void aroonosc(Series high, Series low, int period, Output out);

}  // namespace gogooku3::features::indicators
