// Range-based volatility, Amihud, rolling skew/kurtosis and beta/correlation: hand-checked
// values, every kernel against a straightforward two-pass computation of its definition (also
// over a long series, where running sums would drift), flat windows, non-positive prices,
// short series and bad periods.
#include "features/indicators/range_volatility.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "core/error.h"

namespace gogooku3::features::indicators {
namespace {

using Values = std::vector<double>;

struct Bars {
  Values open, high, low, close, volume;
  size_t size() const { return close.size(); }
};

// A seeded random walk with consistent bars (low <= open, close <= high).
Bars random_bars(size_t n, uint32_t seed, double start = 1000.0) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> step(0.0, 0.015);
  std::uniform_real_distribution<double> wick(0.0, 0.01);
  std::uniform_real_distribution<double> volume(0.0, 1e6);
  Bars bars;
  double close = start;
  for (size_t t = 0; t < n; ++t) {
    const double open = close * std::exp(step(random) / 3);
    close = open * std::exp(step(random));
    bars.open.push_back(open);
    bars.close.push_back(close);
    bars.high.push_back(std::max(open, close) * (1 + wick(random)));
    bars.low.push_back(std::min(open, close) * (1 - wick(random)));
    bars.volume.push_back(t % 7 == 3 ? 0.0 : volume(random));
  }
  return bars;
}

double mean(const Values& x) {
  double sum = 0;
  for (const double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double central_moment(const Values& x, int order) {
  const double m = mean(x);
  double sum = 0;
  for (const double v : x) sum += std::pow(v - m, order);
  return sum / static_cast<double>(x.size());
}

Values window(const Values& x, size_t end, size_t period) {
  return Values(x.begin() + static_cast<ptrdiff_t>(end + 1 - period),
                x.begin() + static_cast<ptrdiff_t>(end + 1));
}

// The definitions in range_volatility.h, one window at a time.
double reference_parkinson(const Bars& b, size_t t, size_t p) {
  double sum = 0;
  for (size_t i = t + 1 - p; i <= t; ++i) sum += std::pow(std::log(b.high[i] / b.low[i]), 2);
  return std::sqrt(sum / (4 * std::log(2.0) * static_cast<double>(p)));
}

double reference_garman_klass(const Bars& b, size_t t, size_t p) {
  double sum = 0;
  for (size_t i = t + 1 - p; i <= t; ++i) {
    sum += 0.5 * std::pow(std::log(b.high[i] / b.low[i]), 2) -
           (2 * std::log(2.0) - 1) * std::pow(std::log(b.close[i] / b.open[i]), 2);
  }
  return std::sqrt(std::max(0.0, sum / static_cast<double>(p)));
}

double rs_term(const Bars& b, size_t i) {
  return std::log(b.high[i] / b.close[i]) * std::log(b.high[i] / b.open[i]) +
         std::log(b.low[i] / b.close[i]) * std::log(b.low[i] / b.open[i]);
}

double reference_rogers_satchell(const Bars& b, size_t t, size_t p) {
  double sum = 0;
  for (size_t i = t + 1 - p; i <= t; ++i) sum += rs_term(b, i);
  return std::sqrt(std::max(0.0, sum / static_cast<double>(p)));
}

double sample_variance(const Values& x) {
  const double n = static_cast<double>(x.size());
  return central_moment(x, 2) * n / (n - 1);
}

double reference_yang_zhang(const Bars& b, size_t t, size_t p) {
  Values overnight, intraday;
  double rs = 0;
  for (size_t i = t + 1 - p; i <= t; ++i) {
    overnight.push_back(std::log(b.open[i] / b.close[i - 1]));
    intraday.push_back(std::log(b.close[i] / b.open[i]));
    rs += rs_term(b, i);
  }
  const double n = static_cast<double>(p);
  const double k = 0.34 / (1.34 + (n + 1) / (n - 1));
  return std::sqrt(sample_variance(overnight) + k * sample_variance(intraday) + (1 - k) * rs / n);
}

double reference_skew(const Values& x) {
  const double n = static_cast<double>(x.size());
  const double m2 = central_moment(x, 2);
  return std::sqrt(n * (n - 1)) / (n - 2) * central_moment(x, 3) / std::pow(m2, 1.5);
}

double reference_kurt(const Values& x) {
  const double n = static_cast<double>(x.size());
  const double m2 = central_moment(x, 2);
  const double g2 = central_moment(x, 4) / (m2 * m2);
  return ((n * n - 1) * g2 - 3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
}

double covariance(const Values& x, const Values& y) {
  const double mx = mean(x), my = mean(y);
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) sum += (x[i] - mx) * (y[i] - my);
  return sum / static_cast<double>(x.size() - 1);
}

// Checks `actual` has NaN before `lookback` and matches `expected(t)` from there on (NaN where
// it is NaN).
void expect_matches(const Values& actual, size_t lookback,
                    const std::function<double(size_t)>& expected, double relative = 1e-12,
                    double absolute = 1e-14) {
  for (size_t t = 0; t < actual.size(); ++t) {
    if (t < lookback) {
      EXPECT_TRUE(std::isnan(actual[t])) << "row " << t << " is " << actual[t];
      continue;
    }
    const double want = expected(t);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(actual[t])) << "row " << t << " is " << actual[t];
      continue;
    }
    EXPECT_NEAR(actual[t], want, relative * std::abs(want) + absolute) << "row " << t;
  }
}

Values returns_of(const Values& close) {
  Values r;
  for (size_t t = 1; t < close.size(); ++t) r.push_back(close[t] / close[t - 1] - 1);
  return r;
}

void expect_invalid_input(const std::function<void()>& call, const std::string& part) {
  try {
    call();
    ADD_FAILURE() << "no error, expected one naming " << part;
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(RangeVolatilityTest, HandCheckedValues) {
  // ln(H/L) = 1 on every bar: Parkinson = sqrt(1 / (4 ln 2)).
  const Values high = {std::exp(1.0), std::exp(2.0), std::exp(1.5)};
  const Values low = {1.0, std::exp(1.0), std::exp(0.5)};
  Values out(3);
  parkinson(high, low, 2, out);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_NEAR(out[1], std::sqrt(1 / (4 * std::log(2.0))), 1e-15);
  EXPECT_NEAR(out[2], std::sqrt(1 / (4 * std::log(2.0))), 1e-15);

  // Open = low, close = high = e * open: GK term = 0.5 - (2 ln 2 - 1) = 1.5 - 2 ln 2;
  // RS term = ln(H/C) ln(H/O) + ln(L/C) ln(L/O) = 0 * 1 + (-1) * 0 = 0.
  const Values open = {1.0, 2.0};
  const Values close = {std::exp(1.0), 2 * std::exp(1.0)};
  Values gk(2), rs(2);
  garman_klass(open, close, open, close, 1, gk);
  rogers_satchell(open, close, open, close, 1, rs);
  EXPECT_NEAR(gk[0], std::sqrt(1.5 - 2 * std::log(2.0)), 1e-15);
  EXPECT_NEAR(gk[1], std::sqrt(1.5 - 2 * std::log(2.0)), 1e-15);
  EXPECT_EQ(rs[0], 0.0);
  EXPECT_EQ(rs[1], 0.0);

  // Skewness of {0, 0, 3}: m2 = 2, m3 = 2, G1 = sqrt(6) * 2 / (1 * 2^1.5) = sqrt(3).
  Values skew(4);
  rolling_skew(Values{5, 0, 0, 3}, 3, skew);
  EXPECT_TRUE(std::isnan(skew[1]));
  EXPECT_NEAR(skew[3], std::sqrt(3.0), 1e-14);
  // pandas' guard: a window whose variance is 1e-14 or less but not exactly flat is NaN.
  Values quiet(3);
  rolling_skew(Values{1, 1, 1 + 1e-8}, 3, quiet);
  EXPECT_TRUE(std::isnan(quiet[2]));
  // Excess kurtosis of {0, 0, 0, 4}: m2 = 3, m4 = 21, (15 * 21 / 9 - 27) / (2 * 1) = 4.
  Values kurt(4);
  rolling_kurt(Values{0, 0, 0, 4}, 4, kurt);
  EXPECT_TRUE(std::isnan(kurt[2]));
  EXPECT_NEAR(kurt[3], 4.0, 1e-13);

  // Amihud: |110/100 - 1| / 1000 = 1e-4; a day without turnover is left out of the mean, and a
  // window of such days only is NaN.
  Values amihud_out(4);
  amihud(Values{100, 110, 99, 99}, Values{0, 1000, 0, 0}, 2, amihud_out);
  EXPECT_TRUE(std::isnan(amihud_out[1]));
  EXPECT_NEAR(amihud_out[2], 1e-4, 1e-18);
  EXPECT_TRUE(std::isnan(amihud_out[3]));

  // y = 2x + 1: beta 2, correlation 1; against -x: correlation -1.
  Values beta(4), correlation(4), negative(4);
  rolling_beta(Values{3, 5, 9, 7}, Values{1, 2, 4, 3}, 3, beta);
  rolling_correlation(Values{3, 5, 9, 7}, Values{1, 2, 4, 3}, 3, correlation);
  rolling_correlation(Values{-1, -2, -4, -3}, Values{1, 2, 4, 3}, 3, negative);
  EXPECT_NEAR(beta[2], 2.0, 1e-14);
  EXPECT_NEAR(beta[3], 2.0, 1e-14);
  EXPECT_NEAR(correlation[3], 1.0, 1e-14);
  EXPECT_NEAR(negative[3], -1.0, 1e-14);
}

TEST(RangeVolatilityTest, MatchesTwoPassDefinitions) {
  // A beta or correlation over two or five bars of nearly equal prices is ill-conditioned: the
  // two-pass result itself is only good to about 1e-11 there.
  constexpr double kPairTolerance = 1e-9;
  const Bars b = random_bars(400, 7);
  const size_t n = b.size();
  for (const size_t p : {1u, 2u, 5u, 20u, 60u}) {
    const int period = static_cast<int>(p);
    SCOPED_TRACE(p);
    Values out(n);
    parkinson(b.high, b.low, period, out);
    expect_matches(out, p - 1, [&](size_t t) { return reference_parkinson(b, t, p); });
    garman_klass(b.open, b.high, b.low, b.close, period, out);
    expect_matches(out, p - 1, [&](size_t t) { return reference_garman_klass(b, t, p); });
    rogers_satchell(b.open, b.high, b.low, b.close, period, out);
    expect_matches(out, p - 1, [&](size_t t) { return reference_rogers_satchell(b, t, p); });
    if (p >= 2) {
      yang_zhang(b.open, b.high, b.low, b.close, period, out);
      expect_matches(out, p, [&](size_t t) { return reference_yang_zhang(b, t, p); });
      rolling_beta(b.close, b.open, period, out);
      expect_matches(
          out, p - 1,
          [&](size_t t) {
            const Values x = window(b.close, t, p), y = window(b.open, t, p);
            return covariance(x, y) / covariance(y, y);
          },
          kPairTolerance);
      rolling_correlation(b.high, b.low, period, out);
      expect_matches(
          out, p - 1,
          [&](size_t t) {
            const Values x = window(b.high, t, p), y = window(b.low, t, p);
            return covariance(x, y) / std::sqrt(covariance(x, x) * covariance(y, y));
          },
          kPairTolerance);
    }
    Values turnover(n);
    for (size_t t = 0; t < n; ++t) turnover[t] = b.close[t] * b.volume[t];
    amihud(b.close, turnover, period, out);
    expect_matches(
        out, p,
        [&](size_t t) {
          double sum = 0;
          int days = 0;
          for (size_t i = t + 1 - p; i <= t; ++i) {
            if (turnover[i] <= 0) continue;
            sum += std::abs(b.close[i] / b.close[i - 1] - 1) / turnover[i];
            ++days;
          }
          return days == 0 ? std::nan("") : sum / days;
        },
        1e-12, 0.0);
  }
  const Values r = returns_of(b.close);
  for (const size_t p : {4u, 5u, 20u, 60u}) {
    Values skew(r.size()), kurt(r.size());
    rolling_skew(r, static_cast<int>(p), skew);
    expect_matches(
        skew, p - 1, [&](size_t t) { return reference_skew(window(r, t, p)); }, 1e-10, 1e-10);
    rolling_kurt(r, static_cast<int>(p), kurt);
    expect_matches(
        kurt, p - 1, [&](size_t t) { return reference_kurt(window(r, t, p)); }, 1e-10, 1e-10);
  }
}

// 200,000 bars: running sums updated that often would drift; the rebuilt and centred windows
// must still agree with the two-pass result at the end, also for a series far from zero.
TEST(RangeVolatilityTest, LongSeriesDoNotDrift) {
  const size_t n = 200000;
  const Bars b = random_bars(n, 11, 5000.0);
  const size_t p = 20;
  Values out(n);
  parkinson(b.high, b.low, static_cast<int>(p), out);
  for (size_t t = n - 50; t < n; ++t) {
    EXPECT_NEAR(out[t], reference_parkinson(b, t, p), 1e-13 * reference_parkinson(b, t, p));
  }
  yang_zhang(b.open, b.high, b.low, b.close, static_cast<int>(p), out);
  for (size_t t = n - 50; t < n; ++t) {
    EXPECT_NEAR(out[t], reference_yang_zhang(b, t, p), 1e-12 * reference_yang_zhang(b, t, p));
  }
  // Values around 1e6 with unit noise: raw power sums would lose every digit of the skew.
  std::mt19937_64 random(3);
  std::normal_distribution<double> noise(0.0, 1.0);
  Values far(n);
  for (double& v : far) v = 1e6 + noise(random) + std::pow(noise(random), 2);
  Values skew(n), kurt(n), correlation(n);
  rolling_skew(far, static_cast<int>(p), skew);
  rolling_kurt(far, static_cast<int>(p), kurt);
  rolling_correlation(far, b.close, static_cast<int>(p), correlation);
  for (size_t t = n - 50; t < n; ++t) {
    const Values w = window(far, t, p);
    EXPECT_NEAR(skew[t], reference_skew(w), 1e-8) << t;
    EXPECT_NEAR(kurt[t], reference_kurt(w), 1e-8) << t;
    const Values c = window(b.close, t, p);
    EXPECT_NEAR(correlation[t], covariance(w, c) / std::sqrt(covariance(w, w) * covariance(c, c)),
                1e-9)
        << t;
  }
}

// After a volatile stretch, bars with open = high = low = close and no change must give exactly
// 0 (not the residue of running sums) once the window holds only them.
TEST(RangeVolatilityTest, FlatWindowsAreExactlyZero) {
  Bars b = random_bars(50, 5);
  for (int t = 0; t < 30; ++t) {
    for (Values* v : {&b.open, &b.high, &b.low, &b.close}) v->push_back(123.25);
    b.volume.push_back(0);
  }
  const size_t n = b.size();
  const int p = 10;
  Values out(n);
  const auto expect_zero_from = [&](size_t first, const char* name) {
    for (size_t t = first; t < n; ++t) EXPECT_EQ(out[t], 0.0) << name << " row " << t;
    EXPECT_NE(out[first - 2], 0.0) << name;
  };
  parkinson(b.high, b.low, p, out);
  expect_zero_from(50 + p - 1, "parkinson");
  garman_klass(b.open, b.high, b.low, b.close, p, out);
  expect_zero_from(50 + p - 1, "garman_klass");
  rogers_satchell(b.open, b.high, b.low, b.close, p, out);
  expect_zero_from(50 + p - 1, "rogers_satchell");
  // The first flat bar still has an overnight gap from the last volatile close.
  yang_zhang(b.open, b.high, b.low, b.close, p, out);
  expect_zero_from(51 + p - 1, "yang_zhang");

  Values flat_then(n);
  for (size_t t = 0; t < n; ++t) flat_then[t] = t < 50 ? b.close[t] : 0.0;
  rolling_skew(flat_then, p, out);
  expect_zero_from(50 + p - 1, "rolling_skew");
  rolling_kurt(flat_then, p, out);
  for (size_t t = 50 + p - 1; t < n; ++t) EXPECT_EQ(out[t], 0.0) << "rolling_kurt row " << t;
  rolling_beta(b.close, flat_then, p, out);
  for (size_t t = 50 + p - 1; t < n; ++t) EXPECT_TRUE(std::isnan(out[t])) << t;
  rolling_correlation(flat_then, b.close, p, out);
  for (size_t t = 50 + p - 1; t < n; ++t) EXPECT_TRUE(std::isnan(out[t])) << t;
  EXPECT_FALSE(std::isnan(out[50 + p - 2]));
}

TEST(RangeVolatilityTest, NonPositivePricesMakeTheirWindowsNaN) {
  Bars b = random_bars(40, 9);
  b.low[20] = 0.0;
  b.close[30] = -1.0;
  const size_t n = b.size();
  const int p = 5;
  Values out(n);
  const auto expect_nan_windows = [&](size_t bad, size_t reach, const char* name) {
    for (size_t t = p; t < n; ++t) {
      const bool covers = t >= bad && t < bad + reach;
      EXPECT_EQ(std::isnan(out[t]), covers) << name << " row " << t << " bad bar " << bad;
    }
  };
  parkinson(b.high, b.low, p, out);
  expect_nan_windows(20, p, "parkinson");
  garman_klass(b.open, b.high, b.low, b.close, p, out);
  for (size_t t = 20; t < 20 + p; ++t) EXPECT_TRUE(std::isnan(out[t])) << t;
  for (size_t t = 30; t < 30 + p; ++t) EXPECT_TRUE(std::isnan(out[t])) << t;
  EXPECT_FALSE(std::isnan(out[20 + p]));
  // Yang-Zhang and Amihud also use the previous close: bar 30 reaches one window further.
  yang_zhang(b.open, b.high, b.low, b.close, p, out);
  for (size_t t = 30; t <= 30 + p; ++t) EXPECT_TRUE(std::isnan(out[t])) << t;
  EXPECT_FALSE(std::isnan(out[30 + p + 1]));
  Values close(n, 100.0), turnover(n, 1e6);
  close[10] = 0.0;
  amihud(close, turnover, p, out);
  for (size_t t = p; t < n; ++t) {
    EXPECT_EQ(std::isnan(out[t]), t >= 10 && t <= 10 + p) << "amihud row " << t;
  }
}

TEST(RangeVolatilityTest, ShortSeriesAreAllNaN) {
  const Bars b = random_bars(4, 1);
  Values out(4);
  yang_zhang(b.open, b.high, b.low, b.close, 4, out);
  for (const double v : out) EXPECT_TRUE(std::isnan(v));
  parkinson(b.high, b.low, 5, out);
  for (const double v : out) EXPECT_TRUE(std::isnan(v));
  rolling_kurt(b.close, 5, out);
  for (const double v : out) EXPECT_TRUE(std::isnan(v));
  amihud(b.close, b.volume, 4, out);
  for (const double v : out) EXPECT_TRUE(std::isnan(v));
  Values none;
  parkinson(none, none, 3, none);
  rolling_skew(none, 3, none);
  yang_zhang(none, none, none, none, 2, none);
  EXPECT_EQ(yang_zhang_lookback(10), 10);
  EXPECT_EQ(amihud_lookback(20), 20);
}

TEST(RangeVolatilityTest, BadPeriodsAndLengthsAreInvalidInput) {
  const Values x(10, 1.0), y(9, 1.0);
  Values out(10);
  expect_invalid_input([&] { parkinson(x, x, 0, out); }, "parkinson");
  expect_invalid_input([&] { garman_klass(x, x, x, x, -1, out); }, "period");
  expect_invalid_input([&] { rogers_satchell(x, x, x, x, 100001, out); }, "rogers_satchell");
  expect_invalid_input([&] { yang_zhang(x, x, x, x, 1, out); }, "yang_zhang");
  expect_invalid_input([] { yang_zhang_lookback(1); }, "yang_zhang");
  expect_invalid_input([&] { amihud(x, x, 0, out); }, "amihud");
  expect_invalid_input([&] { rolling_skew(x, 2, out); }, "rolling_skew");
  expect_invalid_input([&] { rolling_kurt(x, 3, out); }, "rolling_kurt");
  expect_invalid_input([&] { rolling_beta(x, x, 1, out); }, "rolling_beta");
  expect_invalid_input([&] { rolling_correlation(x, x, 1, out); }, "rolling_correlation");
  expect_invalid_input([&] { parkinson(x, y, 3, out); }, "parkinson");
  expect_invalid_input([&] { rolling_beta(x, y, 3, out); }, "rolling_beta");
  Values short_out(9);
  expect_invalid_input([&] { amihud(x, x, 3, short_out); }, "amihud");
}

}  // namespace
}  // namespace gogooku3::features::indicators
