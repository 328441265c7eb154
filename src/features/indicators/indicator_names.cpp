#include "features/indicators/indicator_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "features/indicators/directional.h"
#include "features/indicators/momentum.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/oscillators.h"
#include "features/indicators/range_volatility.h"
#include "features/indicators/statistics.h"
#include "features/indicators/volume_indicators.h"

namespace gogooku3::features::indicators {
namespace {

// One pattern: the base name, then one '_'-separated field per parameter letter. Only the K of
// the Bollinger bands is a decimal.
struct Pattern {
  std::string_view base;
  std::string_view parameters;  // "", "N", "F_S_G", ...
  IndicatorKind kind;
  bool decimal_last = false;

  size_t count() const {
    return parameters.empty() ? 0 : static_cast<size_t>(std::ranges::count(parameters, '_')) + 1;
  }
};

constexpr Pattern kPatterns[] = {
    {"sma", "N", IndicatorKind::kSma},
    {"ema", "N", IndicatorKind::kEma},
    {"wma", "N", IndicatorKind::kWma},
    {"dema", "N", IndicatorKind::kDema},
    {"tema", "N", IndicatorKind::kTema},
    {"trima", "N", IndicatorKind::kTrima},
    {"kama", "N", IndicatorKind::kKama},
    {"t3", "N", IndicatorKind::kT3},
    {"rsi", "N", IndicatorKind::kRsi},
    {"cmo", "N", IndicatorKind::kCmo},
    {"macd", "F_S_G", IndicatorKind::kMacd},
    {"macd_signal", "F_S_G", IndicatorKind::kMacdSignal},
    {"macd_hist", "F_S_G", IndicatorKind::kMacdHist},
    {"ppo", "F_S", IndicatorKind::kPpo},
    {"apo", "F_S", IndicatorKind::kApo},
    {"bb_upper", "N_K", IndicatorKind::kBbUpper, true},
    {"bb_middle", "N_K", IndicatorKind::kBbMiddle, true},
    {"bb_lower", "N_K", IndicatorKind::kBbLower, true},
    {"atr", "N", IndicatorKind::kAtr},
    {"natr", "N", IndicatorKind::kNatr},
    {"trange", "", IndicatorKind::kTrange},
    {"adx", "N", IndicatorKind::kAdx},
    {"adxr", "N", IndicatorKind::kAdxr},
    {"plus_di", "N", IndicatorKind::kPlusDi},
    {"minus_di", "N", IndicatorKind::kMinusDi},
    {"cci", "N", IndicatorKind::kCci},
    {"willr", "N", IndicatorKind::kWillr},
    {"stoch_k", "N_K_D", IndicatorKind::kStochK},
    {"stoch_d", "N_K_D", IndicatorKind::kStochD},
    {"stochrsi_k", "N_K_D", IndicatorKind::kStochRsiK},
    {"stochrsi_d", "N_K_D", IndicatorKind::kStochRsiD},
    {"mfi", "N", IndicatorKind::kMfi},
    {"obv", "", IndicatorKind::kObv},
    {"ad", "", IndicatorKind::kAd},
    {"adosc", "F_S", IndicatorKind::kAdosc},
    {"roc", "N", IndicatorKind::kRoc},
    {"mom", "N", IndicatorKind::kMom},
    {"trix", "N", IndicatorKind::kTrix},
    {"ultosc", "A_B_C", IndicatorKind::kUltosc},
    {"aroon_up", "N", IndicatorKind::kAroonUp},
    {"aroon_down", "N", IndicatorKind::kAroonDown},
    {"aroonosc", "N", IndicatorKind::kAroonOsc},
    {"stddev", "N", IndicatorKind::kStddev},
    {"var", "N", IndicatorKind::kVar},
    {"linearreg_slope", "N", IndicatorKind::kLinearRegSlope},
    {"medprice", "", IndicatorKind::kMedPrice},
    {"typprice", "", IndicatorKind::kTypPrice},
    {"midprice", "N", IndicatorKind::kMidPrice},
    {"bop", "", IndicatorKind::kBop},
    {"sar", "", IndicatorKind::kSar},
    {"parkinson", "N", IndicatorKind::kParkinson},
    {"garman_klass", "N", IndicatorKind::kGarmanKlass},
    {"rogers_satchell", "N", IndicatorKind::kRogersSatchell},
    {"yang_zhang", "N", IndicatorKind::kYangZhang},
    {"amihud", "N", IndicatorKind::kAmihud},
    {"skew", "N", IndicatorKind::kSkew},
    {"kurt", "N", IndicatorKind::kKurt},
};

std::string pattern_text(const Pattern& pattern) {
  if (pattern.parameters.empty()) return std::string(pattern.base);
  return fmt::format("{}_{}", pattern.base, pattern.parameters);
}

// The pattern with the longest base that `name` starts with ("macd_signal_12_26_9" is
// macd_signal, not macd), or none.
const Pattern* find_pattern(std::string_view name) {
  const Pattern* best = nullptr;
  for (const Pattern& pattern : kPatterns) {
    const bool matches = name == pattern.base ||
                         (name.starts_with(pattern.base) && name.size() > pattern.base.size() &&
                          name[pattern.base.size()] == '_');
    if (matches && (best == nullptr || pattern.base.size() > best->base.size())) best = &pattern;
  }
  return best;
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  while (true) {
    const size_t separator = text.find('_');
    fields.push_back(text.substr(0, separator));
    if (separator == std::string_view::npos) return fields;
    text.remove_prefix(separator + 1);
  }
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> parse_integer(std::string_view text) {
  int value = 0;
  if (!all_digits(text)) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "2" or "2.5": digits, optionally a point and more digits.
std::optional<double> parse_decimal(std::string_view text) {
  const size_t point = text.find('.');
  if (!all_digits(text.substr(0, point))) return std::nullopt;
  if (point != std::string_view::npos && !all_digits(text.substr(point + 1))) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

[[noreturn]] void throw_bad_name(std::string_view name, std::string_view reason) {
  throw invalid_input("indicator '{}': {}; valid names: {}", name, reason,
                      fmt::join(indicator_name_patterns(), ", "));
}

constexpr int kMaxPeriod = 100000;

// Lookbacks of the kernels without a *_lookback function; these also check the period.
int window_lookback(std::string_view indicator, int period, int min_period) {
  require_parameter(indicator, "period", period, min_period, kMaxPeriod);
  return period - 1;
}

}  // namespace

const std::vector<std::string>& indicator_name_patterns() {
  static const std::vector<std::string> patterns = [] {
    std::vector<std::string> all;
    for (const Pattern& pattern : kPatterns) all.push_back(pattern_text(pattern));
    return all;
  }();
  return patterns;
}

IndicatorSpec parse_indicator_name(std::string_view name) {
  const Pattern* pattern = find_pattern(name);
  if (pattern == nullptr) throw_bad_name(name, "unknown indicator");
  IndicatorSpec spec{.name = std::string(name), .kind = pattern->kind};
  const size_t count = pattern->count();
  const std::vector<std::string_view> fields =
      name.size() == pattern->base.size() ? std::vector<std::string_view>{}
                                          : split_fields(name.substr(pattern->base.size() + 1));
  if (fields.size() != count) {
    throw_bad_name(name, fmt::format("{} takes {} parameter{} ({})", pattern->base, count,
                                     count == 1 ? "" : "s", pattern_text(*pattern)));
  }
  for (size_t i = 0; i < count; ++i) {
    if (pattern->decimal_last && i + 1 == count) {
      const std::optional<double> value = parse_decimal(fields[i]);
      if (!value) {
        throw_bad_name(name, fmt::format("'{}' is not a number like 2 or 2.5", fields[i]));
      }
      spec.deviations = *value;
      continue;
    }
    const std::optional<int> value = parse_integer(fields[i]);
    if (!value) throw_bad_name(name, fmt::format("'{}' is not a whole number", fields[i]));
    spec.periods[i] = *value;
  }
  try {
    indicator_lookback(spec);
  } catch (const Error& e) {
    throw_bad_name(name, e.what());
  }
  return spec;
}

int indicator_lookback(const IndicatorSpec& spec) {
  const auto [a, b, c] = spec.periods;
  switch (spec.kind) {
    case IndicatorKind::kSma:
      return sma_lookback(a);
    case IndicatorKind::kEma:
      return ema_lookback(a);
    case IndicatorKind::kWma:
      return wma_lookback(a);
    case IndicatorKind::kDema:
      return dema_lookback(a);
    case IndicatorKind::kTema:
      return tema_lookback(a);
    case IndicatorKind::kTrima:
      return trima_lookback(a);
    case IndicatorKind::kKama:
      return kama_lookback(a);
    case IndicatorKind::kT3:
      return t3_lookback(a);
    case IndicatorKind::kRsi:
      return rsi_lookback(a);
    case IndicatorKind::kCmo:
      return cmo_lookback(a);
    case IndicatorKind::kMacd:
    case IndicatorKind::kMacdSignal:
    case IndicatorKind::kMacdHist:
      return macd_lookback(a, b, c);
    case IndicatorKind::kPpo:
      return ppo_lookback(a, b);
    case IndicatorKind::kApo:
      return apo_lookback(a, b);
    case IndicatorKind::kBbUpper:
    case IndicatorKind::kBbMiddle:
    case IndicatorKind::kBbLower:
      return bbands_lookback(a);
    case IndicatorKind::kAtr:
    case IndicatorKind::kNatr:
      return atr_lookback(a);
    case IndicatorKind::kTrange:
      return 1;
    case IndicatorKind::kAdx:
      return adx_lookback(a);
    case IndicatorKind::kAdxr:
      return adxr_lookback(a);
    case IndicatorKind::kPlusDi:
    case IndicatorKind::kMinusDi:
      return di_lookback(a);
    case IndicatorKind::kCci:
      return cci_lookback(a);
    case IndicatorKind::kWillr:
      return willr_lookback(a);
    case IndicatorKind::kStochK:
    case IndicatorKind::kStochD:
      return stoch_lookback(a, b, c);
    case IndicatorKind::kStochRsiK:
    case IndicatorKind::kStochRsiD:
      return stochrsi_lookback(a, b, c);
    case IndicatorKind::kMfi:
      return mfi_lookback(a);
    case IndicatorKind::kObv:
    case IndicatorKind::kAd:
      return 0;
    case IndicatorKind::kAdosc:
      return adosc_lookback(a, b);
    case IndicatorKind::kRoc:
      return roc_lookback(a);
    case IndicatorKind::kMom:
      return mom_lookback(a);
    case IndicatorKind::kTrix:
      return trix_lookback(a);
    case IndicatorKind::kUltosc:
      return ultosc_lookback(a, b, c);
    case IndicatorKind::kAroonUp:
    case IndicatorKind::kAroonDown:
    case IndicatorKind::kAroonOsc:
      return aroon_lookback(a);
    case IndicatorKind::kStddev:
      return stddev_lookback(a);
    case IndicatorKind::kVar:
      return var_lookback(a);
    case IndicatorKind::kLinearRegSlope:
      return linearreg_slope_lookback(a);
    case IndicatorKind::kMedPrice:
    case IndicatorKind::kTypPrice:
      return 0;
    case IndicatorKind::kMidPrice:
      return midprice_lookback(a);
    case IndicatorKind::kBop:
      return 0;
    case IndicatorKind::kSar:
      return 1;
    case IndicatorKind::kParkinson:
      return window_lookback("parkinson", a, 1);
    case IndicatorKind::kGarmanKlass:
      return window_lookback("garman_klass", a, 1);
    case IndicatorKind::kRogersSatchell:
      return window_lookback("rogers_satchell", a, 1);
    case IndicatorKind::kYangZhang:
      return yang_zhang_lookback(a);
    case IndicatorKind::kAmihud:
      return amihud_lookback(a);
    // One more than the kernel's n-1: the first return needs a previous close.
    case IndicatorKind::kSkew:
      return window_lookback("rolling_skew", a, 3) + 1;
    case IndicatorKind::kKurt:
      return window_lookback("rolling_kurt", a, 4) + 1;
  }
  throw internal_error("indicator '{}': no lookback for its kind", spec.name);
}

OhlcvBars::OhlcvBars(Series open, Series high, Series low, Series close, Series volume)
    : rows_(close.size()), gaps_({open, high, low, close, volume}) {
  open_ = gaps_.compress(open, storage_[0]);
  high_ = gaps_.compress(high, storage_[1]);
  low_ = gaps_.compress(low, storage_[2]);
  close_ = gaps_.compress(close, storage_[3]);
  volume_ = gaps_.compress(volume, storage_[4]);
}

void OhlcvBars::compute(const IndicatorSpec& spec, Output out) const {
  if (out.size() != rows_) {
    throw invalid_input("indicator '{}': output of {} rows for {} bars", spec.name, out.size(),
                        rows_);
  }
  // The traded days' values go to the front of `out` and are then spread out in place.
  const Output traded = out.first(gaps_.traded_days());
  compute_traded(spec, traded);
  gaps_.expand(traded, out);
}

namespace {

// Skewness or kurtosis of the 1-day simple returns of `close`. A return after a close of 0 or
// less is undefined, and so is every window that holds one.
template <typename Kernel>
void return_moment(Series close, int period, Output out, Kernel kernel) {
  const size_t n = close.size();
  fill_nan_prefix(out, 1);
  if (n < 2) return;
  std::vector<double> returns(n - 1);
  std::vector<size_t> undefined_before(n, 0);  // undefined returns among returns[0, i)
  for (size_t t = 1; t < n; ++t) {
    const bool defined = close[t - 1] > 0;
    returns[t - 1] = defined ? close[t] / close[t - 1] - 1 : 0.0;
    undefined_before[t] = undefined_before[t - 1] + (defined ? 0 : 1);
  }
  const Output window_out = out.subspan(1);
  kernel(Series(returns), period, window_out);
  const auto p = static_cast<size_t>(period);
  for (size_t i = p - 1; i < returns.size(); ++i) {
    if (undefined_before[i + 1] != undefined_before[i + 1 - p]) window_out[i] = kNaN;
  }
}

}  // namespace

void OhlcvBars::compute_traded(const IndicatorSpec& spec, Output out) const {
  const auto [a, b, c] = spec.periods;
  const size_t n = out.size();
  // The outputs a multi-output kernel writes and this indicator does not want.
  std::vector<double> spare1, spare2;
  const auto spare = [n](std::vector<double>& buffer) {
    buffer.assign(n, kNaN);
    return Output(buffer);
  };
  switch (spec.kind) {
    case IndicatorKind::kSma:
      return sma(close_, a, out);
    case IndicatorKind::kEma:
      return ema(close_, a, out);
    case IndicatorKind::kWma:
      return wma(close_, a, out);
    case IndicatorKind::kDema:
      return dema(close_, a, out);
    case IndicatorKind::kTema:
      return tema(close_, a, out);
    case IndicatorKind::kTrima:
      return trima(close_, a, out);
    case IndicatorKind::kKama:
      return kama(close_, a, out);
    case IndicatorKind::kT3:
      return t3(close_, a, out);
    case IndicatorKind::kRsi:
      return rsi(close_, a, out);
    case IndicatorKind::kCmo:
      return cmo(close_, a, out);
    case IndicatorKind::kMacd:
      return macd(close_, a, b, c, out, spare(spare1), spare(spare2));
    case IndicatorKind::kMacdSignal:
      return macd(close_, a, b, c, spare(spare1), out, spare(spare2));
    case IndicatorKind::kMacdHist:
      return macd(close_, a, b, c, spare(spare1), spare(spare2), out);
    case IndicatorKind::kPpo:
      return ppo(close_, a, b, out);
    case IndicatorKind::kApo:
      return apo(close_, a, b, out);
    case IndicatorKind::kBbUpper:
      return bbands(close_, a, spec.deviations, spec.deviations, out, spare(spare1), spare(spare2));
    case IndicatorKind::kBbMiddle:
      return bbands(close_, a, spec.deviations, spec.deviations, spare(spare1), out, spare(spare2));
    case IndicatorKind::kBbLower:
      return bbands(close_, a, spec.deviations, spec.deviations, spare(spare1), spare(spare2), out);
    case IndicatorKind::kAtr:
      return atr(high_, low_, close_, a, out);
    case IndicatorKind::kNatr:
      return natr(high_, low_, close_, a, out);
    case IndicatorKind::kTrange:
      return trange(high_, low_, close_, out);
    case IndicatorKind::kAdx:
      return adx(high_, low_, close_, a, out);
    case IndicatorKind::kAdxr:
      return adxr(high_, low_, close_, a, out);
    case IndicatorKind::kPlusDi:
      return plus_di(high_, low_, close_, a, out);
    case IndicatorKind::kMinusDi:
      return minus_di(high_, low_, close_, a, out);
    case IndicatorKind::kCci:
      return cci(high_, low_, close_, a, out);
    case IndicatorKind::kWillr:
      return willr(high_, low_, close_, a, out);
    case IndicatorKind::kStochK:
      return stoch(high_, low_, close_, a, b, c, out, spare(spare1));
    case IndicatorKind::kStochD:
      return stoch(high_, low_, close_, a, b, c, spare(spare1), out);
    case IndicatorKind::kStochRsiK:
      return stochrsi(close_, a, b, c, out, spare(spare1));
    case IndicatorKind::kStochRsiD:
      return stochrsi(close_, a, b, c, spare(spare1), out);
    case IndicatorKind::kMfi:
      return mfi(high_, low_, close_, volume_, a, out);
    case IndicatorKind::kObv:
      return obv(close_, volume_, out);
    case IndicatorKind::kAd:
      return ad(high_, low_, close_, volume_, out);
    case IndicatorKind::kAdosc:
      return adosc(high_, low_, close_, volume_, a, b, out);
    case IndicatorKind::kRoc:
      return roc(close_, a, out);
    case IndicatorKind::kMom:
      return mom(close_, a, out);
    case IndicatorKind::kTrix:
      return trix(close_, a, out);
    case IndicatorKind::kUltosc:
      return ultosc(high_, low_, close_, a, b, c, out);
    case IndicatorKind::kAroonUp:
      return aroon(high_, low_, a, out, spare(spare1));
    case IndicatorKind::kAroonDown:
      return aroon(high_, low_, a, spare(spare1), out);
    case IndicatorKind::kAroonOsc:
      return aroonosc(high_, low_, a, out);
    case IndicatorKind::kStddev:
      return stddev(close_, a, out);
    case IndicatorKind::kVar:
      return var(close_, a, out);
    case IndicatorKind::kLinearRegSlope:
      return linearreg_slope(close_, a, out);
    case IndicatorKind::kMedPrice:
      return medprice(high_, low_, out);
    case IndicatorKind::kTypPrice:
      return typprice(high_, low_, close_, out);
    case IndicatorKind::kMidPrice:
      return midprice(high_, low_, a, out);
    case IndicatorKind::kBop:
      return bop(open_, high_, low_, close_, out);
    case IndicatorKind::kSar:
      return sar(high_, low_, out);
    case IndicatorKind::kParkinson:
      return parkinson(high_, low_, a, out);
    case IndicatorKind::kGarmanKlass:
      return garman_klass(open_, high_, low_, close_, a, out);
    case IndicatorKind::kRogersSatchell:
      return rogers_satchell(open_, high_, low_, close_, a, out);
    case IndicatorKind::kYangZhang:
      return yang_zhang(open_, high_, low_, close_, a, out);
    case IndicatorKind::kAmihud: {
      std::vector<double> turnover(n);
      for (size_t t = 0; t < n; ++t) turnover[t] = close_[t] * volume_[t];
      return amihud(close_, turnover, a, out);
    }
    case IndicatorKind::kSkew:
      return return_moment(close_, a, out,
                           [](Series r, int p, Output o) { rolling_skew(r, p, o); });
    case IndicatorKind::kKurt:
      return return_moment(close_, a, out,
                           [](Series r, int p, Output o) { rolling_kurt(r, p, o); });
  }
  throw internal_error("indicator '{}': no kernel for its kind", spec.name);
}

}  // namespace gogooku3::features::indicators
