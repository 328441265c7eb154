// Volume indicators, as TA-Lib defines them: OBV, AD, ADOSC, MFI.
//
// Lookbacks and conventions:
//   OBV: 0. OBV[0] = volume[0]; then +volume on an up close, -volume on a down close.
//   AD: 0. Chaikin accumulation/distribution: running sum of
//     ((close-low) - (high-close))/(high-low) * volume, the term skipped when high == low.
//   ADOSC f,s: s-1 (of the slower). EMA f minus EMA s of AD, both seeded with AD[0] (not SMA).
//   MFI n: n. Typical price * volume split by the sign of the typical price change (equal
//     prices count on neither side); 100*pos/(pos+neg), 0 when pos+neg < 1.
// Periods: ADOSC 2.., MFI 2..
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

void obv(Series close, Series volume, Output out);
void ad(Series high, Series low, Series close, Series volume, Output out);

int adosc_lookback(int fast, int slow);
void adosc(Series high, Series low, Series close, Series volume, int fast, int slow, Output out);

int mfi_lookback(int period);
void mfi(Series high, Series low, Series close, Series volume, int period, Output out);

}  // namespace gogooku3::features::indicators
