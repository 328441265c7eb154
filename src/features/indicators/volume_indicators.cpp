#include "features/indicators/volume_indicators.h"

#include <algorithm>
#include <cstddef>

namespace gogooku3::features::indicators {
namespace {

// One bar's term of the accumulation/distribution line: the close location value
// ((close - low) - (high - close)) / (high - low) times volume; nothing on a bar without range.
double accumulation(Series high, Series low, Series close, Series volume, size_t bar) {
  const double range = high[bar] - low[bar];
  if (!(range > 0.0)) return 0.0;
  return (((close[bar] - low[bar]) - (high[bar] - close[bar])) / range) * volume[bar];
}

// A bar's raw money flow (typical price times volume), on the positive side when the typical
// price rose from the previous bar, on the negative side when it fell, on neither when equal.
struct MoneyFlow {
  double positive;
  double negative;
};

double typical_price(Series high, Series low, Series close, size_t bar) {
  return (high[bar] + low[bar] + close[bar]) / 3.0;
}

MoneyFlow money_flow(Series high, Series low, Series close, Series volume, size_t bar) {
  const double typical = typical_price(high, low, close, bar);
  const double change = typical - typical_price(high, low, close, bar - 1);
  const double flow = typical * volume[bar];
  return {change > 0 ? flow : 0.0, change < 0 ? flow : 0.0};
}

}  // namespace

void obv(Series close, Series volume, Output out) {
  require_length("OBV", close.size(), {volume.size(), out.size()});
  if (close.empty()) return;
  double balance = volume[0];
  out[0] = balance;
  for (size_t bar = 1; bar < close.size(); ++bar) {
    if (close[bar] > close[bar - 1]) {
      balance += volume[bar];
    } else if (close[bar] < close[bar - 1]) {
      balance -= volume[bar];
    }
    out[bar] = balance;
  }
}

void ad(Series high, Series low, Series close, Series volume, Output out) {
  require_length("AD", close.size(), {high.size(), low.size(), volume.size(), out.size()});
  double line = 0.0;
  for (size_t bar = 0; bar < close.size(); ++bar) {
    // Adding 0 for a bar without range leaves the line exactly as it was, like TA-Lib's skip.
    line += accumulation(high, low, close, volume, bar);
    out[bar] = line;
  }
}

int adosc_lookback(int fast, int slow) {
  require_parameter("ADOSC", "fast period", fast, 2);
  require_parameter("ADOSC", "slow period", slow, 2);
  return std::max(fast, slow) - 1;
}

void adosc(Series high, Series low, Series close, Series volume, int fast, int slow, Output out) {
  const auto lookback = static_cast<size_t>(adosc_lookback(fast, slow));
  require_length("ADOSC", close.size(), {high.size(), low.size(), volume.size(), out.size()});
  const size_t n = close.size();
  fill_nan_prefix(out, lookback);
  if (n <= lookback) return;
  const double fast_k = 2.0 / (static_cast<double>(fast) + 1.0);
  const double slow_k = 2.0 / (static_cast<double>(slow) + 1.0);
  const double fast_keep = 1.0 - fast_k;
  const double slow_keep = 1.0 - slow_k;
  double line = accumulation(high, low, close, volume, 0);
  double fast_ema = line;
  double slow_ema = line;
  for (size_t bar = 1; bar < n; ++bar) {
    line += accumulation(high, low, close, volume, bar);
    fast_ema = (fast_k * line) + (fast_keep * fast_ema);
    slow_ema = (slow_k * line) + (slow_keep * slow_ema);
    if (bar >= lookback) out[bar] = fast_ema - slow_ema;
  }
}

int mfi_lookback(int period) {
  require_parameter("MFI", "period", period, 2);
  return period;
}

void mfi(Series high, Series low, Series close, Series volume, int period, Output out) {
  const auto lookback = static_cast<size_t>(mfi_lookback(period));
  require_length("MFI", close.size(), {high.size(), low.size(), volume.size(), out.size()});
  const size_t n = close.size();
  fill_nan_prefix(out, lookback);
  if (n <= lookback) return;
  double positive = 0.0;
  double negative = 0.0;
  for (size_t bar = 1; bar < n; ++bar) {
    if (bar > lookback) {
      // The bar leaving the window goes out before the new one comes in, as in TA-Lib.
      const MoneyFlow leaving = money_flow(high, low, close, volume, bar - lookback);
      positive -= leaving.positive;
      negative -= leaving.negative;
    }
    const MoneyFlow flow = money_flow(high, low, close, volume, bar);
    positive += flow.positive;
    negative += flow.negative;
    if (bar < lookback) continue;
    const double total = positive + negative;
    out[bar] = total < 1.0 ? 0.0 : 100.0 * (positive / total);
  }
}

}  // namespace gogooku3::features::indicators
