// Indicators by name: "sma_5", "rsi_14", "macd_hist_12_26_9", "bb_upper_20_2.5", "sar".
//
// A name is an indicator's pattern with its parameters filled in, joined by '_'
// (indicator_name_patterns() lists them). Parameters are positive integers written in plain
// digits, except the K of bb_upper/bb_middle/bb_lower, the number of standard deviations,
// which may be a decimal ("2", "2.5"). Each TA-Lib name is TA-Lib's default definition with
// those parameters (MA types are TA-Lib's defaults: SMA for STOCH, STOCHRSI, PPO and APO;
// SAR 0.02 / 0.2); the others are those of range_volatility.h, fed as follows:
//   amihud_N with turnover = close * volume; skew_N / kurt_N of 1-day simple returns
//   close/prev close - 1 (lookback N: N-1 for the window plus one for the first return).
//
//   const IndicatorSpec spec = parse_indicator_name("stoch_k_14_3_3");
//   const OhlcvBars bars(open, high, low, close, volume);
//   bars.compute(spec, out);  // NaN on halted rows and on the first lookback traded days
//
// Halted days: a row is halted when any of open, high, low, close, volume is not finite (a
// missing value). Every indicator skips halted rows (gap_aware.h): it runs over the traded days
// only, so its lookback counts traded days and its state carries across a halt, and each
// halted row's output is NaN. Using all five columns for every indicator keeps the halted rows
// the same for every column of a result.
//
// Errors: an unknown name or a parameter out of range is InvalidInput naming the name and
// listing the valid patterns. Parsing and computing are pure; an OhlcvBars may be read from
// any number of threads at once.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "features/indicators/gap_aware.h"
#include "features/indicators/kernel_support.h"

namespace gogooku3::features::indicators {

enum class IndicatorKind {
  kSma,
  kEma,
  kWma,
  kDema,
  kTema,
  kTrima,
  kKama,
  kT3,
  kRsi,
  kCmo,
  kMacd,
  kMacdSignal,
  kMacdHist,
  kPpo,
  kApo,
  kBbUpper,
  kBbMiddle,
  kBbLower,
  kAtr,
  kNatr,
  kTrange,
  kAdx,
  kAdxr,
  kPlusDi,
  kMinusDi,
  kCci,
  kWillr,
  kStochK,
  kStochD,
  kStochRsiK,
  kStochRsiD,
  kMfi,
  kObv,
  kAd,
  kAdosc,
  kRoc,
  kMom,
  kTrix,
  kUltosc,
  kAroonUp,
  kAroonDown,
  kAroonOsc,
  kStddev,
  kVar,
  kLinearRegSlope,
  kMedPrice,
  kTypPrice,
  kMidPrice,
  kBop,
  kSar,
  kParkinson,
  kGarmanKlass,
  kRogersSatchell,
  kYangZhang,
  kAmihud,
  kSkew,
  kKurt,
};

struct IndicatorSpec {
  std::string name;  // as written, e.g. "macd_signal_12_26_9"
  IndicatorKind kind;
  std::array<int, 3> periods{};  // the integer parameters in the order of the name; unused are 0
  double deviations = 0;         // K of bb_upper/bb_middle/bb_lower
};

// "sma_N", "macd_F_S_G", "bb_upper_N_K", "obv", ...: every pattern, in a stable order.
const std::vector<std::string>& indicator_name_patterns();

// InvalidInput naming `name` and listing the patterns when the name matches none or a parameter
// is outside the indicator's accepted range.
IndicatorSpec parse_indicator_name(std::string_view name);

// The number of leading traded days without a value (TA-Lib's lookback).
int indicator_lookback(const IndicatorSpec& spec);

// One stock's bars, oldest first, with the halted rows set aside once for any number of
// indicators. The series must outlive the object (it keeps views of them when nothing is
// halted); not copyable, since it holds views of its own storage.
class OhlcvBars {
 public:
  // InvalidInput unless all five have the same length.
  OhlcvBars(Series open, Series high, Series low, Series close, Series volume);
  OhlcvBars(const OhlcvBars&) = delete;
  OhlcvBars& operator=(const OhlcvBars&) = delete;

  size_t size() const { return rows_; }
  size_t traded_days() const { return gaps_.traded_days(); }

  // Writes the indicator for every row into `out` (size() values): NaN on halted rows and on
  // the first indicator_lookback() traded days.
  void compute(const IndicatorSpec& spec, Output out) const;

 private:
  // The indicator over the traded days only (traded_days() values).
  void compute_traded(const IndicatorSpec& spec, Output out) const;

  size_t rows_;
  GapCompressor gaps_;
  std::array<std::vector<double>, 5> storage_;
  Series open_, high_, low_, close_, volume_;  // traded days only
};

}  // namespace gogooku3::features::indicators
