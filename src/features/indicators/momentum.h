// Momentum indicators of one series, as TA-Lib defines them: RSI, CMO, MACD, PPO, APO, ROC,
// MOM, TRIX.
//
// Lookbacks and conventions (../shared/reference/indicators.md):
//   RSI n: n. Wilder smoothing: seed = mean of the first n gains/losses (diffs 1..n), then
//     avg = (avg*(n-1) + x)/n; 100*gain/(gain+loss), 0 when both are 0.
//   CMO n: n. Same Wilder averages; 100*(gain-loss)/(gain+loss), 0 when both are 0.
//   MACD f,s,g: (s-1)+(g-1) for all three outputs. Slow EMA seeded from in[0..s-1], fast EMA
//     seeded from in[s-f..s-1] so both start aligned; signal = EMA g of MACD, SMA-seeded;
//     hist = macd - signal. fast > slow is swapped like TA-Lib.
//   PPO f,s / APO f,s: s-1. Default MA type is SMA: APO = SMA f - SMA s,
//     PPO = 100*(SMA f - SMA s)/SMA s, 0 when SMA s is 0.
//   ROC n: n. 100*(in/in[-n] - 1), 0 when in[-n] == 0.   MOM n: n. in - in[-n].
//   TRIX n: 3(n-1)+1. 1-bar ROC of the triple-smoothed EMA.
// Periods: RSI/CMO 2.., MACD fast/slow 2.. signal 1.., PPO/APO 2.., ROC/MOM 1.., TRIX 1..
// (TRIX 1 is TA-Lib's minimum).
#pragma once

#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

int rsi_lookback(int period);
void rsi(Series in, int period, Output out);

int cmo_lookback(int period);
void cmo(Series in, int period, Output out);

int macd_lookback(int fast, int slow, int signal);
void macd(Series in, int fast, int slow, int signal, Output macd_line, Output signal_line,
          Output histogram);

int apo_lookback(int fast, int slow);
void apo(Series in, int fast, int slow, Output out);
int ppo_lookback(int fast, int slow);
void ppo(Series in, int fast, int slow, Output out);

int roc_lookback(int period);
void roc(Series in, int period, Output out);
int mom_lookback(int period);
void mom(Series in, int period, Output out);

int trix_lookback(int period);
void trix(Series in, int period, Output out);

}  // namespace gogooku3::features::indicators
