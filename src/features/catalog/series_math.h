// Small O(n) series helpers the feature families are written with: ratios and logs with the
// missing-value rules features need, rolling mean / sample std / extremes / counts, and a
// memory estimate for recursive smoothers.
//
// Unlike the TA-Lib kernels (features/indicators), these accept NaN: a NaN input makes the
// outputs whose window contains it NaN, which is how a return series' undefined first value
// or a non-positive price is carried forward. Windows count bars; out[i] covers
// in[i-period+1..i] and is NaN for i < period-1.
#pragma once

#include <vector>

#include "features/catalog/feature_def.h"

namespace gogooku3::features {

// a/b - 1; NaN unless both are finite and b > 0 (prices) — used for every price gap.
void gap_ratio(Series a, Series b, Output out);
// a/b; NaN unless both finite and b != 0.
void safe_ratio(Series a, Series b, Output out);
// close[i]/close[i-h] - 1 and ln of the same ratio; NaN for i < h.
void simple_return(Series close, int h, Output out);
void log_return(Series close, int h, Output out);

void rolling_mean(Series in, int period, Output out);
// Sample standard deviation (n-1 divisor); 0 when the window is flat.
void rolling_std(Series in, int period, Output out);
void rolling_sum(Series in, int period, Output out);
// (in - rolling_mean) / rolling_std over the window; 0 when the window is flat.
void rolling_zscore(Series in, int period, Output out);
void rolling_max(Series in, int period, Output out);
void rolling_min(Series in, int period, Output out);
// Bars since the window's maximum (minimum), the most recent on ties, divided by period.
void bars_since_max(Series in, int period, Output out);
void bars_since_min(Series in, int period, Output out);
// in - in[i-h], NaN for i < h.
void difference(Series in, int h, Output out);

// Position of `close` in its TA-Lib Bollinger band (period, k std): 0 at the lower band, 1 at
// the upper; 0.5 when the band is flat. TA-Lib's variance leaves residue on a flat window (up
// to ~3e-5 of std at 10,000 yen), so "flat" means narrower than 1e-7 of the middle band.
void bollinger_position(Series close, int period, double k, Output out);

// Bars after which a recursive smoother with weight `alpha` on the newest value has forgotten
// its start to 1e-8 relative (float32 keeps 6e-8); `depth` nested smoothers need proportionally
// more.
int smoother_memory(double alpha, int depth = 1);
int ema_memory(int period, int depth = 1);     // alpha = 2/(period+1)
int wilder_memory(int period, int depth = 1);  // alpha = 1/period

}  // namespace gogooku3::features
