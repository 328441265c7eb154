// True range and directional movement, as TA-Lib defines them: TRANGE, ATR, NATR, PLUS_DI,
// MINUS_DI, ADX, ADXR, SAR.
//
// Lookbacks and conventions:
//   TRANGE: 1. max(high, prev close) - min(low, prev close).
//   ATR n / NATR n: n. TR[0] unused; seed = mean(TR[1..n]); then Wilder (avg*(n-1)+tr)/n;
//     NATR = 100*ATR/close (0 when close is 0; TA-Lib up to 0.6.4 writes that 0 into its first
//     output instead and leaves the bar's own output unwritten).
//   PLUS_DI n / MINUS_DI n: n. Wilder sums of +DM/-DM and TR seeded over bars 1..n-1, then
//     S - S/n + x; DI = 100*DM/TR (0 when TR is 0).
//   ADX n: 2n-1. DX = 100*|+DI - -DI|/(+DI + -DI); seed = mean of the first n DX, then Wilder;
//     a bar without a DX (TR or +DI + -DI is 0) adds 0 to the seed and later leaves ADX as is.
//   ADXR n: 3n-2. (ADX + ADX n-1 bars ago)/2.
//   SAR accel, max: 1. Parabolic SAR with TA-Lib's start (direction from the first two bars'
//     directional movement) and defaults 0.02 / 0.2.
// Periods: ATR/NATR/DI 1.., ADX/ADXR 2.. Period 1 gives TA-Lib's raw values: ATR and NATR the
// true range itself (NATR not normalized), DI the bar's DM/TR without the factor 100.
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

void trange(Series high, Series low, Series close, Output out);

int atr_lookback(int period);
void atr(Series high, Series low, Series close, int period, Output out);
void natr(Series high, Series low, Series close, int period, Output out);

int di_lookback(int period);
void plus_di(Series high, Series low, Series close, int period, Output out);
void minus_di(Series high, Series low, Series close, int period, Output out);

int adx_lookback(int period);
void adx(Series high, Series low, Series close, int period, Output out);
int adxr_lookback(int period);
void adxr(Series high, Series low, Series close, int period, Output out);

inline constexpr double kSarAcceleration = 0.02;
inline constexpr double kSarMaximum = 0.2;
void sar(Series high, Series low, Output out, double acceleration = kSarAcceleration,
         double maximum = kSarMaximum);

}  // namespace gogooku3::features::indicators
