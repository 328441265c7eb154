// Indicator names: parsing with parameters, bad names and parameters, the lookback of every
// pattern (checked against where its first value appears), the extras' inputs (returns,
// turnover) and halted rows.
#include "features/indicators/indicator_names.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "features/indicators/moving_averages.h"
#include "features/indicators/oscillators.h"
#include "features/indicators/range_volatility.h"

namespace gogooku3::features::indicators {
namespace {

using Values = std::vector<double>;

struct Bars {
  Values open, high, low, close, volume;
};

Bars random_bars(size_t n, uint32_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> step(0.0, 0.02);
  std::uniform_real_distribution<double> wick(0.0, 0.01);
  std::uniform_real_distribution<double> volume(1e4, 1e6);
  Bars bars;
  double close = 500;
  for (size_t t = 0; t < n; ++t) {
    const double open = close * std::exp(step(random) / 2);
    close = open * std::exp(step(random));
    bars.open.push_back(open);
    bars.close.push_back(close);
    bars.high.push_back(std::max(open, close) * (1 + wick(random)));
    bars.low.push_back(std::min(open, close) * (1 - wick(random)));
    bars.volume.push_back(volume(random));
  }
  return bars;
}

Values compute(const std::string& name, const Bars& b) {
  const OhlcvBars bars(b.open, b.high, b.low, b.close, b.volume);
  Values out(b.close.size());
  bars.compute(parse_indicator_name(name), out);
  return out;
}

void expect_same(const Values& actual, const Values& expected, const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << name << " row " << i << " is " << actual[i];
    } else {
      EXPECT_EQ(actual[i], expected[i]) << name << " row " << i;
    }
  }
}

TEST(IndicatorNamesTest, ParsesNamesAndParameters) {
  const IndicatorSpec sma5 = parse_indicator_name("sma_5");
  EXPECT_EQ(sma5.name, "sma_5");
  EXPECT_EQ(sma5.kind, IndicatorKind::kSma);
  EXPECT_EQ(sma5.periods, (std::array<int, 3>{5, 0, 0}));

  const IndicatorSpec signal = parse_indicator_name("macd_signal_12_26_9");
  EXPECT_EQ(signal.kind, IndicatorKind::kMacdSignal);
  EXPECT_EQ(signal.periods, (std::array<int, 3>{12, 26, 9}));
  EXPECT_EQ(parse_indicator_name("macd_5_35_5").kind, IndicatorKind::kMacd);
  EXPECT_EQ(parse_indicator_name("macd_hist_12_26_9").kind, IndicatorKind::kMacdHist);

  const IndicatorSpec upper = parse_indicator_name("bb_upper_20_2.5");
  EXPECT_EQ(upper.kind, IndicatorKind::kBbUpper);
  EXPECT_EQ(upper.periods[0], 20);
  EXPECT_EQ(upper.deviations, 2.5);
  EXPECT_EQ(parse_indicator_name("bb_lower_20_2").deviations, 2.0);

  const IndicatorSpec stochrsi = parse_indicator_name("stochrsi_d_14_5_3");
  EXPECT_EQ(stochrsi.kind, IndicatorKind::kStochRsiD);
  EXPECT_EQ(stochrsi.periods, (std::array<int, 3>{14, 5, 3}));
  EXPECT_EQ(parse_indicator_name("stoch_k_5_3_3").kind, IndicatorKind::kStochK);
  EXPECT_EQ(parse_indicator_name("adx_14").kind, IndicatorKind::kAdx);
  EXPECT_EQ(parse_indicator_name("adxr_14").kind, IndicatorKind::kAdxr);
  EXPECT_EQ(parse_indicator_name("ad").kind, IndicatorKind::kAd);
  EXPECT_EQ(parse_indicator_name("adosc_3_10").kind, IndicatorKind::kAdosc);
  EXPECT_EQ(parse_indicator_name("aroonosc_14").kind, IndicatorKind::kAroonOsc);
  EXPECT_EQ(parse_indicator_name("aroon_down_14").kind, IndicatorKind::kAroonDown);
  EXPECT_EQ(parse_indicator_name("trange").kind, IndicatorKind::kTrange);
  EXPECT_EQ(parse_indicator_name("sar").kind, IndicatorKind::kSar);
  EXPECT_EQ(parse_indicator_name("yang_zhang_20").kind, IndicatorKind::kYangZhang);
}

TEST(IndicatorNamesTest, PatternsListEveryIndicator) {
  const std::vector<std::string>& patterns = indicator_name_patterns();
  EXPECT_EQ(patterns.size(), 57u);
  for (const char* pattern :
       {"sma_N", "macd_F_S_G", "macd_signal_F_S_G", "bb_upper_N_K", "stoch_k_N_K_D",
        "stochrsi_d_N_K_D", "ultosc_A_B_C", "trange", "obv", "sar", "amihud_N", "kurt_N"}) {
    EXPECT_NE(std::find(patterns.begin(), patterns.end(), pattern), patterns.end()) << pattern;
  }
}

TEST(IndicatorNamesTest, BadNamesAreInvalidInputListingThePatterns) {
  for (const char* name : {"sma_0",
                           "sma_x",
                           "sma",
                           "sma_5_5",
                           "sma_-5",
                           "sma_+5",
                           "sma_5.5",
                           "sma_",
                           "sma_99999999999",
                           "sma_100001",
                           "macd_12_26",
                           "macd_signal_12_26",
                           "rsi_1",
                           "foo_5",
                           "",
                           "SMA_5",
                           "trange_5",
                           "obv_1",
                           "bb_upper_20",
                           "bb_upper_20_x",
                           "bb_upper_20_-2",
                           "bb_upper_20_2.",
                           "bb_upper_20_.5",
                           "stoch_k_0_3_3",
                           "stochrsi_k_1_5_3",
                           "adosc_1_10",
                           "adx_1",
                           "yang_zhang_1",
                           "skew_2",
                           "kurt_3",
                           "parkinson_0",
                           "amihud_0",
                           "ema_5 "}) {
    try {
      parse_indicator_name(name);
      ADD_FAILURE() << "'" << name << "' was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput) << name;
      const std::string message = e.what();
      EXPECT_NE(message.find(std::string("'") + name + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("sma_N"), std::string::npos) << message;
      EXPECT_NE(message.find("bb_upper_N_K"), std::string::npos) << message;
    }
  }
  try {
    parse_indicator_name("macd_12_26");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("3 parameters"), std::string::npos) << e.what();
  }
  try {
    parse_indicator_name("sma_0");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("period"), std::string::npos) << e.what();
  }
}

TEST(IndicatorNamesTest, LookbacksFollowTaLib) {
  const std::vector<std::pair<const char*, int>> cases = {
      {"sma_5", 4},
      {"ema_12", 11},
      {"wma_10", 9},
      {"dema_10", 18},
      {"tema_10", 27},
      {"trima_10", 9},
      {"kama_30", 30},
      {"t3_5", 24},
      {"rsi_14", 14},
      {"cmo_14", 14},
      {"macd_12_26_9", 33},
      {"macd_hist_12_26_9", 33},
      {"ppo_12_26", 25},
      {"apo_12_26", 25},
      {"bb_middle_20_2", 19},
      {"atr_14", 14},
      {"natr_14", 14},
      {"trange", 1},
      {"adx_14", 27},
      {"adxr_14", 40},
      {"plus_di_14", 14},
      {"minus_di_14", 14},
      {"cci_14", 13},
      {"willr_14", 13},
      {"stoch_k_14_3_3", 17},
      {"stoch_d_14_3_3", 17},
      {"stochrsi_k_14_5_3", 20},
      {"mfi_14", 14},
      {"obv", 0},
      {"ad", 0},
      {"adosc_3_10", 9},
      {"roc_10", 10},
      {"mom_10", 10},
      {"trix_15", 43},
      {"ultosc_7_14_28", 28},
      {"aroon_up_14", 14},
      {"aroonosc_14", 14},
      {"stddev_5", 4},
      {"var_5", 4},
      {"linearreg_slope_14", 13},
      {"medprice", 0},
      {"typprice", 0},
      {"midprice_14", 13},
      {"bop", 0},
      {"sar", 1},
      {"parkinson_20", 19},
      {"garman_klass_20", 19},
      {"rogers_satchell_20", 19},
      {"yang_zhang_20", 20},
      {"amihud_20", 20},
      {"skew_20", 20},
      {"kurt_20", 20},
  };
  for (const auto& [name, lookback] : cases) {
    EXPECT_EQ(indicator_lookback(parse_indicator_name(name)), lookback) << name;
  }
}

// Every pattern, with small parameters, has its first value exactly at its lookback.
TEST(IndicatorNamesTest, FirstValueIsAtTheLookbackForEveryPattern) {
  const Bars bars = random_bars(120, 3);
  for (std::string pattern : indicator_name_patterns()) {
    std::string name;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const bool parameter = (i == 0 || pattern[i - 1] == '_') && std::isupper(pattern[i]) &&
                             (i + 1 == pattern.size() || pattern[i + 1] == '_');
      if (!parameter) {
        name += pattern[i];
      } else {
        // Distinct periods so that fast < slow where it matters: F=3 S=8 G=4, N=6 K=3 D=2 ...
        const std::string value = pattern[i] == 'F'   ? "3"
                                  : pattern[i] == 'S' ? "8"
                                  : pattern[i] == 'G' ? "4"
                                  : pattern[i] == 'N' ? "6"
                                  : pattern[i] == 'K' ? "3"
                                  : pattern[i] == 'D' ? "2"
                                  : pattern[i] == 'A' ? "4"
                                  : pattern[i] == 'B' ? "7"
                                                      : "10";
        name += value;
      }
    }
    const IndicatorSpec spec = parse_indicator_name(name);
    const Values out = compute(name, bars);
    const auto lookback = static_cast<size_t>(indicator_lookback(spec));
    for (size_t t = 0; t < out.size(); ++t) {
      EXPECT_EQ(std::isnan(out[t]), t < lookback) << name << " row " << t << " = " << out[t];
    }
  }
}

TEST(IndicatorNamesTest, ComputesWithTheKernelsAndTheirInputs) {
  const Bars b = random_bars(80, 5);
  const size_t n = b.close.size();
  Values expected(n);
  sma(b.close, 5, expected);
  expect_same(compute("sma_5", b), expected, "sma_5");
  Values k(n), d(n);
  stoch(b.high, b.low, b.close, 5, 3, 2, k, d);
  expect_same(compute("stoch_k_5_3_2", b), k, "stoch_k");
  expect_same(compute("stoch_d_5_3_2", b), d, "stoch_d");

  Values turnover(n);
  for (size_t t = 0; t < n; ++t) turnover[t] = b.close[t] * b.volume[t];
  amihud(b.close, turnover, 10, expected);
  expect_same(compute("amihud_10", b), expected, "amihud_10");

  // skew_N / kurt_N: of close/prev close - 1, one row later than the kernel over the returns.
  Values returns(n - 1), moment(n - 1);
  for (size_t t = 1; t < n; ++t) returns[t - 1] = b.close[t] / b.close[t - 1] - 1;
  rolling_skew(returns, 10, moment);
  expected.assign(1, std::nan(""));
  expected.insert(expected.end(), moment.begin(), moment.end());
  expect_same(compute("skew_10", b), expected, "skew_10");
  rolling_kurt(returns, 10, moment);
  expected.assign(1, std::nan(""));
  expected.insert(expected.end(), moment.begin(), moment.end());
  expect_same(compute("kurt_10", b), expected, "kurt_10");
}

TEST(IndicatorNamesTest, AReturnAfterANonPositiveCloseMakesItsWindowsNaN) {
  Bars b = random_bars(30, 8);
  b.close[10] = 0.0;
  const Values skew = compute("skew_5", b);
  for (size_t t = 5; t < 30; ++t) {
    // The return of row 11 divides by close[10]; row 10's own return is defined (-100%).
    EXPECT_EQ(std::isnan(skew[t]), t >= 11 && t < 16) << "row " << t;
  }
}

TEST(IndicatorNamesTest, HaltedRowsAreSkippedAndNaN) {
  const double halt = std::nan("");
  Bars b;
  b.close = {1, 2, halt, 3, 4, 5};
  b.open = b.close;
  b.high = b.close;
  b.low = b.close;
  b.volume = {10, 10, 10, 10, halt, 10};
  // Traded days are rows 0, 1, 3, 5 with closes 1, 2, 3, 5: sma_3 over them is 2 then 10/3.
  expect_same(compute("sma_3", b), {halt, halt, halt, 2.0, halt, 10.0 / 3}, "sma_3");
  expect_same(compute("obv", b), {10, 20, halt, 30, halt, 40}, "obv");
  expect_same(compute("mom_1", b), {halt, 1, halt, 1, halt, 2}, "mom_1");

  // The same result as the indicator over the traded days alone, spread back.
  Bars g = random_bars(60, 4);
  for (const size_t row : {0u, 7u, 8u, 9u, 30u, 59u}) g.close[row] = halt;
  g.volume[40] = halt;
  Bars traded;
  std::vector<size_t> kept;
  for (size_t t = 0; t < 60; ++t) {
    if (std::isnan(g.close[t]) || std::isnan(g.volume[t])) continue;
    kept.push_back(t);
    traded.open.push_back(g.open[t]);
    traded.high.push_back(g.high[t]);
    traded.low.push_back(g.low[t]);
    traded.close.push_back(g.close[t]);
    traded.volume.push_back(g.volume[t]);
  }
  for (const char* name : {"rsi_5", "atr_5", "macd_3_8_4", "yang_zhang_5", "skew_5"}) {
    const Values compact = compute(name, traded);
    Values expected(60, halt);
    for (size_t i = 0; i < kept.size(); ++i) expected[kept[i]] = compact[i];
    expect_same(compute(name, g), expected, name);
  }
}

TEST(IndicatorNamesTest, ShortAndEmptySeries) {
  const Bars one = random_bars(1, 1);
  for (const char* name : {"sma_5", "skew_5", "sar", "trange", "obv", "amihud_3"}) {
    const Values out = compute(name, one);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::isnan(out[0]), std::string(name) != "obv") << name;
  }
  const Bars none;
  EXPECT_TRUE(compute("rsi_14", none).empty());
  EXPECT_TRUE(compute("kurt_4", none).empty());
}

TEST(IndicatorNamesTest, MismatchedLengthsAreInvalidInput) {
  const Values five(5, 1.0), four(4, 1.0);
  EXPECT_THROW(OhlcvBars(five, five, five, four, five), Error);
  const OhlcvBars bars(five, five, five, five, five);
  Values out(4);
  EXPECT_THROW(bars.compute(parse_indicator_name("sma_2"), out), Error);
}

}  // namespace
}  // namespace gogooku3::features::indicators
