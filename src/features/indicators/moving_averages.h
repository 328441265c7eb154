// Moving averages, exactly as TA-Lib defines them: SMA, EMA, WMA, DEMA, TEMA, TRIMA, KAMA, T3.
//
// All smooth one series (usually the close). Lookbacks (index of the first defined output):
//   SMA n: n-1 (running sum)          EMA n: n-1 (k = 2/(n+1), seeded with the SMA of the first n)
//   WMA n: n-1 (weights 1..n)         DEMA n: 2(n-1) · TEMA n: 3(n-1) (each nested EMA seeded
//   TRIMA n: n-1 (SMA of SMA)           with the SMA of the previous EMA's defined outputs)
//   KAMA n: n (seed = close[n-1]; efficiency ratio over n; fast 2, slow 30)
//   T3 n: 6(n-1) (six nested EMAs, volume factor 0.7, TA-Lib's seeding)
// Periods: SMA/EMA/WMA/DEMA/TEMA/TRIMA/KAMA/T3 accept 2..100000 (TA-Lib's range).
// See kernel_support.h for the rules every kernel follows.
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

int sma_lookback(int period);
void sma(Series in, int period, Output out);

int ema_lookback(int period);
void ema(Series in, int period, Output out);

int wma_lookback(int period);
void wma(Series in, int period, Output out);

int dema_lookback(int period);
void dema(Series in, int period, Output out);

int tema_lookback(int period);
void tema(Series in, int period, Output out);

int trima_lookback(int period);
void trima(Series in, int period, Output out);

int kama_lookback(int period);
void kama(Series in, int period, Output out);

inline constexpr double kT3VolumeFactor = 0.7;
int t3_lookback(int period);
void t3(Series in, int period, Output out, double volume_factor = kT3VolumeFactor);

}  // namespace gogooku3::features::indicators
