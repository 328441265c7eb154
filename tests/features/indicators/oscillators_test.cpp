// Range oscillators against TA-Lib. The golden values are TA-Lib's own outputs (TA-Lib C compiled
// to WebAssembly, talib-web 0.1.3) on one 50-bar series; then the guards for flat prices, the
// lookback boundary, ties, and the failure modes.
#include "features/indicators/oscillators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "features/indicators/momentum.h"

namespace gogooku3::features::indicators {
namespace {

using Values = std::vector<double>;

// 50 daily bars in 0.01 steps. Bars 18-21 are flat (high == low == close), bar 40's high ties
// bar 38's.
const Values kHigh = {102.43, 102.92, 102.56, 101.94, 102.03, 102.0,  101.86, 103.04, 104.03,
                      102.78, 103.95, 104.06, 104.35, 104.81, 105.87, 106.32, 107.56, 107.63,
                      106.59, 106.59, 106.59, 106.59, 108.06, 107.31, 107.16, 105.85, 106.03,
                      107.32, 107.07, 107.67, 107.63, 106.45, 106.99, 108.3,  109.08, 108.14,
                      107.87, 108.2,  106.86, 107.91, 106.86, 107.94, 110.09, 109.1,  109.42,
                      108.18, 109.99, 108.6,  107.6,  108.81};
const Values kLow = {99.89,  100.44, 99.1,   99.96,  100.65, 99.29,  99.92,  100.94, 101.65,
                     100.78, 102.31, 103.54, 102.51, 103.73, 103.33, 104.59, 105.47, 104.69,
                     106.59, 106.59, 106.59, 106.59, 106.49, 105.39, 104.27, 104.98, 104.6,
                     105.18, 105.42, 105.34, 105.44, 104.44, 104.01, 105.19, 106.35, 105.62,
                     106.07, 106.03, 105.9,  104.79, 105.65, 106.82, 106.75, 107.78, 106.33,
                     106.6,  106.69, 106.18, 105.84, 105.14};
const Values kClose = {101.4,  101.67, 100.48, 101.1,  100.94, 100.27, 101.72, 103.04, 101.8,
                       102.49, 103.78, 103.86, 104.31, 104.73, 105.34, 106.09, 105.52, 106.59,
                       106.59, 106.59, 106.59, 106.59, 106.53, 105.49, 105.66, 105.28, 105.8,
                       106.81, 105.98, 106.65, 106.38, 105.29, 106.63, 107.96, 107.76, 107.0,
                       107.23, 106.16, 105.95, 106.7,  107.75, 107.91, 108.86, 108.31, 106.96,
                       107.29, 108.49, 107.22, 106.08, 107.56};

// The first `lookback` outputs are NaN and the rest agree with TA-Lib's, which begin at bar
// `lookback` (so TA-Lib's begIdx equals our lookback too).
void expect_talib(const Values& out, int lookback, const Values& talib) {
  ASSERT_EQ(out.size(), static_cast<size_t>(lookback) + talib.size()) << "lookback differs";
  for (size_t bar = 0; bar < out.size(); ++bar) {
    if (bar < static_cast<size_t>(lookback)) {
      EXPECT_TRUE(std::isnan(out[bar])) << "bar " << bar;
      continue;
    }
    const double expected = talib[bar - static_cast<size_t>(lookback)];
    EXPECT_NEAR(out[bar], expected, std::max(1e-9 * std::fabs(expected), 1e-9)) << "bar " << bar;
  }
}

size_t leading_nans(const Values& out) {
  const auto first = std::find_if(out.begin(), out.end(), [](double v) { return !std::isnan(v); });
  return static_cast<size_t>(first - out.begin());
}

template <typename Call>
void expect_invalid_input(Call call, const std::string& mentions) {
  try {
    call();
    ADD_FAILURE() << "no error, expected one mentioning " << mentions;
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find(mentions), std::string::npos) << e.what();
  }
}

TEST(OscillatorsGoldenTest, Stoch) {
  Values slow_k(kClose.size());
  Values slow_d(kClose.size());
  stoch(kHigh, kLow, kClose, 14, 3, 3, slow_k, slow_d);
  expect_talib(slow_k, stoch_lookback(14, 3, 3),
               {86.558969219363064, 83.464159748380268, 87.190325560563295, 86.286172970226815,
                85.382020379890335, 82.872850993289006, 73.035127519259518, 63.681540355453308,
                53.990338164251106, 52.962179938924045, 58.567573916411106, 56.970515116186142,
                60.49616865718,     54.529463500439817, 48.46086191732639,  49.092370001194375,
                61.226292953059293, 76.91014904690114,  75.00448269679039,  65.483234714004013,
                54.963839579224185, 48.060486522024981, 44.575936883629176, 55.029585798816584,
                67.915844838921757, 76.820024049275005, 75.805499325236113, 66.337719298245531,
                57.73026315789469,  57.426142005958205, 56.535915259847663, 46.666666666666544,
                40.817610062893003});
  expect_talib(slow_d, stoch_lookback(14, 3, 3),
               {90.175542363545233, 86.043073634174462, 85.737818176102209, 85.646886093056779,
                86.286172970226801, 84.847014781135371, 80.429999630812929, 73.196506289333925,
                63.569002012987966, 56.878019486209475, 55.173364006528743, 56.166756323840417,
                58.6780858965924,   57.332049091268637, 54.495498024982055, 50.694231806320182,
                52.926508290526677, 62.409604000384924, 71.046974898916929, 72.465955485898505,
                65.150518996672844, 56.16918693841771,  49.2000876616261,   49.222003068156901,
                55.840455840455832, 66.588484895671115, 73.51378940447762,  72.987747557585536,
                66.624493927125442, 60.49804148736613,  57.230773474566838, 53.542907977490792,
                48.006730663135727});

  stoch(kHigh, kLow, kClose, 5, 1, 2, slow_k, slow_d);
  expect_talib(slow_k, stoch_lookback(5, 1, 2),
               {30.628272251308886, 75.722543352601107, 100.0,
                52.953586497890157, 67.51054852320658,  93.917274939172742,
                93.902439024390162, 98.879551820728508, 98.014888337469031,
                85.112359550561777, 93.963254593176089, 59.603960396039462,
                75.813953488372263, 75.813953488372263, 65.789473684210705,
                64.625850340136296, 64.625850340136296, 2.5477707006373289,
                3.74531835205971,   36.675461741424755, 26.649076517150483,
                40.369393139841648, 83.27868852459045,  56.065573770492115,
                66.775244299674469, 57.980456026058526, 26.315789473684443,
                71.584699453551721, 92.07459207459199,  73.964497041420216,
                58.97435897435895,  63.510848126232801, 24.935732647814877,
                9.5375722543352275, 56.011730205278553, 86.803519061583486,
                91.495601173020347, 76.792452830188594, 66.415094339622598,
                29.504504504504254, 25.531914893617198, 57.446808510638128,
                27.296587926509062, 5.7831325301203709, 49.896907216494938});
  expect_talib(slow_d, stoch_lookback(5, 1, 2),
               {39.397905759162299, 53.175407801955004, 87.861271676300561, 76.476793248945086,
                60.232067510548376, 80.713911731189668, 93.909856981781459, 96.390995422559342,
                98.44722007909877,  91.563623944015404, 89.53780707186894,  76.783607494607779,
                67.708956942205873, 75.813953488372277, 70.801713586291498, 65.207662012173515,
                64.62585034013631,  33.586810520386827, 3.1465445263485341, 20.210390046742248,
                31.662269129287633, 33.509234828496076, 61.824040832216056, 69.672131147541293,
                61.420409035083303, 62.377850162866508, 42.148122749871497, 48.950244463618091,
                81.82964576407187,  83.019544558006118, 66.469428007889604, 61.242603550295897,
                44.223290387023859, 17.236652451075074, 32.774651229806913, 71.407624633431041,
                89.149560117301945, 84.144027001604499, 71.603773584905625, 47.959799422063455,
                27.518209699060755, 41.489361702127695, 42.371698218573627, 16.539860228314748,
                27.840019873307686});
}

TEST(OscillatorsGoldenTest, StochRsi) {
  Values fast_k(kClose.size());
  Values fast_d(kClose.size());
  stochrsi(kClose, 14, 5, 3, fast_k, fast_d);
  expect_talib(fast_k, stochrsi_lookback(14, 5, 3),
               {100.0,
                100.0,
                0.0,
                0.0,
                9.1164164474817966,
                0.0,
                25.643469837008265,
                100.0,
                14.359478814802349,
                56.085131356693026,
                17.02336445890025,
                0.0,
                68.991589848355773,
                100.0,
                88.691303937810389,
                47.061012459962292,
                16.19702900206401,
                0.0,
                0.0,
                49.846200468514368,
                100.0,
                100.0,
                99.999999999999986,
                59.109273281876092,
                0.0,
                13.296657372073957,
                57.514633895926352,
                0.0,
                0.0,
                52.673405013448146});
  expect_talib(fast_d, stochrsi_lookback(14, 5, 3),
               {89.389249518913132,
                94.694624759456573,
                66.666666666666671,
                33.333333333333336,
                3.0388054824939323,
                3.0388054824939323,
                11.586628761496689,
                41.881156612336092,
                46.667649550603535,
                56.814870057165116,
                29.155991543465202,
                24.369498605197752,
                28.671651435752,
                56.330529949451922,
                85.894297928722054,
                78.584105465924225,
                50.649781799945565,
                21.086013820675433,
                5.3990096673546688,
                16.615400156171457,
                49.948733489504797,
                83.282066822838132,
                100.0,
                86.369757760625362,
                53.036424427292026,
                24.135310217983349,
                23.603763756000102,
                23.603763756000102,
                19.171544631975447,
                17.557801671149381});
}

TEST(OscillatorsGoldenTest, Willr) {
  Values out(kClose.size());
  willr(kHigh, kLow, kClose, 14, out);
  expect_talib(out, willr_lookback(14),
               {-1.4010507880910363, -7.8286558345642581, -3.185595567866895,  -24.667472793228626,
                -12.470023980815268, -12.470023980815268, -13.488975356679546, -15.182481751824712,
                -15.182481751824712, -21.016483516483525, -44.695652173913167, -43.24324324324337,
                -50.090090090090136, -47.780126849894366, -26.427061310782221, -54.881266490765029,
                -37.203166226912778, -44.327176781002741, -73.087071240105303, -35.308641975308831,
                -7.9254079254080203, -26.03550295857978,  -41.025641025641043, -36.489151873767192,
                -57.593688362919245, -61.73570019723865,  -46.942800788954607, -26.232741617357004,
                -23.076923076923141, -20.230263157894807, -29.27631578947371,  -51.48026315789491,
                -46.052631578947334, -30.188679245283197, -54.150943396226531, -75.660377358490706,
                -47.735849056603818});
}

TEST(OscillatorsGoldenTest, Cci) {
  Values out(kClose.size());
  cci(kHigh, kLow, kClose, 14, out);
  expect_talib(out, cci_lookback(14),
               {144.7594611930725,  137.3920945024978,   142.32870750930837,  137.34587251828677,
                122.47447813499917, 116.43671265746826,  100.62989706560145,  88.407203709694301,
                77.529536928158649, 87.284649876943689,  31.190900655761347,  -1.9488051968139424,
                -40.99298467467689, -52.641165755922252, 44.694387639170458,  -6.610237807336353,
                52.666179693201563, 35.871526524720522,  -122.33525660492461, -43.078567610908749,
                129.8348863822097,  169.81660366792607,  68.924731182794346,  83.808758537567698,
                47.905838041430862, -19.828497114526133, -2.0060180541652257, 28.433413397385184,
                124.21121464770304, 201.55020459553066,  142.41476699616811,  52.243478260869729,
                20.642783089507731, 118.18675352877412,  -3.8501107945541171, -85.480895915677493,
                -14.473862864900688});
  cci(kHigh, kLow, kClose, 5, out);
  expect_talib(out, cci_lookback(5),
               {10.550786838339814,  -100.26560424966662, 67.104303428157493,  166.66666666666666,
                90.665646518745305,  29.835390946501363,  131.42437591776584,  108.61823361823637,
                64.983164983166219,  101.71412381357055,  112.5852220379569,   128.25007303535,
                105.84408039967363,  80.292925330192872,  84.677419354836786,  78.86178861788315,
                55.555555555551756,  41.666666666666671,  166.66666666665651,  -166.66666666667135,
                -113.09523809524016, -98.549991569717747, -60.646900269543487, 118.58006042295825,
                58.475378787876444,  80.33989957512496,   53.953871499177225,  -157.35712438583113,
                -39.329934450110606, 109.02319282207655,  109.79318734793178,  26.04698672114494,
                16.717325227963482,  -89.978448275860742, -133.10878243513025, -55.447785321697467,
                24.525599713566965,  159.69989281885691,  127.834567030899,    75.396825396824852,
                -23.219573009192896, -74.939035828175108, 46.962879640045479,  -67.922374429223652,
                -140.44147428108573, -28.948488718602633});
}

TEST(OscillatorsGoldenTest, UltoscWeighsPeriodsByLengthInAnyOrder) {
  Values out(kClose.size());
  const Values talib = {
      44.672965721941054, 48.170011887242005, 52.461800522495814, 51.163234698062411,
      57.903223956797,    61.608128174177956, 59.236599263218295, 59.874145438355463,
      61.808372772491424, 58.578751904784539, 57.427377633220487, 55.026432393211536,
      57.539018641835149, 60.218879533006287, 61.556782751234564, 59.782620099474016,
      58.798700856709964, 59.802914807243312, 58.047100221992778, 50.428636809447283,
      45.666419146626559, 46.78796840379195};
  ultosc(kHigh, kLow, kClose, 7, 14, 28, out);
  expect_talib(out, ultosc_lookback(7, 14, 28), talib);
  ultosc(kHigh, kLow, kClose, 28, 7, 14, out);
  expect_talib(out, ultosc_lookback(28, 7, 14), talib);
}

TEST(OscillatorsGoldenTest, Aroon) {
  Values up(kClose.size());
  Values down(kClose.size());
  aroon(kHigh, kLow, 14, up, down);
  expect_talib(up, aroon_lookback(14),
               {100.0,
                100.0,
                100.0,
                100.0,
                92.857142857142861,
                85.714285714285722,
                78.571428571428569,
                71.428571428571431,
                100.0,
                92.857142857142861,
                85.714285714285722,
                78.571428571428569,
                71.428571428571431,
                64.285714285714292,
                57.142857142857146,
                50.0,
                42.857142857142861,
                35.714285714285715,
                28.571428571428573,
                100.0,
                100.0,
                92.857142857142861,
                85.714285714285722,
                78.571428571428569,
                71.428571428571431,
                64.285714285714292,
                57.142857142857146,
                50.0,
                100.0,
                92.857142857142861,
                85.714285714285722,
                78.571428571428569,
                71.428571428571431,
                64.285714285714292,
                57.142857142857146,
                50.0});
  expect_talib(down, aroon_lookback(14),
               {14.285714285714286,
                7.1428571428571432,
                0.0,
                14.285714285714286,
                7.1428571428571432,
                0.0,
                0.0,
                14.285714285714286,
                7.1428571428571432,
                0.0,
                0.0,
                7.1428571428571432,
                0.0,
                7.1428571428571432,
                0.0,
                64.285714285714292,
                57.142857142857146,
                50.0,
                100.0,
                92.857142857142861,
                85.714285714285722,
                78.571428571428569,
                71.428571428571431,
                64.285714285714292,
                57.142857142857146,
                50.0,
                42.857142857142861,
                35.714285714285715,
                28.571428571428573,
                21.428571428571431,
                14.285714285714286,
                7.1428571428571432,
                0.0,
                42.857142857142861,
                35.714285714285715,
                28.571428571428573});
  Values oscillator(kClose.size());
  aroonosc(kHigh, kLow, 14, oscillator);
  expect_talib(oscillator, aroon_lookback(14),
               {85.714285714285722,  92.857142857142861,  100.0,
                85.714285714285722,  85.714285714285722,  85.714285714285722,
                78.571428571428569,  57.142857142857146,  92.857142857142861,
                92.857142857142861,  85.714285714285722,  71.428571428571431,
                71.428571428571431,  57.142857142857146,  57.142857142857146,
                -14.285714285714286, -14.285714285714286, -14.285714285714286,
                -71.428571428571431, 7.1428571428571432,  14.285714285714286,
                14.285714285714286,  14.285714285714286,  14.285714285714286,
                14.285714285714286,  14.285714285714286,  14.285714285714286,
                14.285714285714286,  71.428571428571431,  71.428571428571431,
                71.428571428571431,  71.428571428571431,  71.428571428571431,
                21.428571428571431,  21.428571428571431,  21.428571428571431});
}

TEST(OscillatorsGuardTest, FlatRangeGivesZero) {
  // 100.25 is exact in binary, so the typical price, its mean and its deviation are exact too.
  const Values flat(30, 100.25);
  Values a(flat.size());
  Values b(flat.size());
  stoch(flat, flat, flat, 14, 3, 3, a, b);
  EXPECT_EQ(a.back(), 0.0);
  EXPECT_EQ(b.back(), 0.0);
  willr(flat, flat, flat, 14, a);
  EXPECT_EQ(a.back(), 0.0);
  cci(flat, flat, flat, 14, a);
  EXPECT_EQ(a.back(), 0.0);
  // A flat close has an RSI of 0 throughout, so its own highest == lowest.
  stochrsi(flat, 5, 5, 3, a, b);
  EXPECT_EQ(a.back(), 0.0);
  EXPECT_EQ(b.back(), 0.0);
  // No range and no buying pressure: every window is skipped.
  ultosc(flat, flat, flat, 2, 3, 4, a);
  EXPECT_EQ(a.back(), 0.0);
  aroonosc(flat, flat, 5, a);
  EXPECT_EQ(a.back(), 0.0);
}

TEST(OscillatorsGuardTest, CciIsZeroWhenTheTypicalPriceIsItsMean) {
  // Typical prices 1, 3, 2: bar 2 sits on the mean of the window (a deviation that is not 0).
  const Values high = {1.0, 3.0, 2.0};
  Values out(high.size());
  cci(high, high, high, 3, out);
  EXPECT_EQ(out[2], 0.0);
}

TEST(OscillatorsGuardTest, AroonTiesGoToTheMostRecentExtreme) {
  // Window of 5 bars (period 4) at bar 4: highs 9 at bars 1 and 3, lows 1 at bars 0 and 2.
  const Values high = {5.0, 9.0, 4.0, 9.0, 6.0};
  const Values low = {1.0, 2.0, 1.0, 3.0, 4.0};
  Values up(high.size());
  Values down(high.size());
  aroon(high, low, 4, up, down);
  EXPECT_DOUBLE_EQ(up[4], 75.0);    // 100 * (4 - 1) / 4
  EXPECT_DOUBLE_EQ(down[4], 50.0);  // 100 * (4 - 2) / 4
}

TEST(OscillatorsGuardTest, AroonLongWindowMatchesAFullScan) {
  // A sawtooth with plateaus: many ties, and extremes leaving the window all the time.
  const size_t n = 700;
  const int period = 60;
  Values high(n);
  Values low(n);
  for (size_t bar = 0; bar < n; ++bar) {
    high[bar] = static_cast<double>((bar / 3) % 47);
    low[bar] = high[bar] - static_cast<double>((bar / 5) % 3);
  }
  Values up(n);
  Values down(n);
  aroon(high, low, period, up, down);
  for (size_t bar = period; bar < n; ++bar) {
    size_t high_bar = bar - period;
    size_t low_bar = bar - period;
    for (size_t k = bar - period; k <= bar; ++k) {
      if (high[k] >= high[high_bar]) high_bar = k;
      if (low[k] <= low[low_bar]) low_bar = k;
    }
    const double factor = 100.0 / period;
    ASSERT_EQ(up[bar], factor * static_cast<double>(period - static_cast<int>(bar - high_bar)))
        << "bar " << bar;
    ASSERT_EQ(down[bar], factor * static_cast<double>(period - static_cast<int>(bar - low_bar)))
        << "bar " << bar;
  }
}

TEST(OscillatorsBoundaryTest, NanPrefixIsTheLookbackAtEveryLength) {
  struct Case {
    std::string name;
    int lookback;
    std::function<void(size_t, Values&, Values&)> run;
  };
  const std::vector<Case> cases = {
      {"STOCH 5,3,3", stoch_lookback(5, 3, 3),
       [](size_t n, Values& a, Values& b) {
         stoch(std::span(kHigh).first(n), std::span(kLow).first(n), std::span(kClose).first(n), 5,
               3, 3, a, b);
       }},
      {"STOCHRSI 6,4,2", stochrsi_lookback(6, 4, 2),
       [](size_t n, Values& a, Values& b) { stochrsi(std::span(kClose).first(n), 6, 4, 2, a, b); }},
      {"WILLR 7", willr_lookback(7),
       [](size_t n, Values& a, Values&) {
         willr(std::span(kHigh).first(n), std::span(kLow).first(n), std::span(kClose).first(n), 7,
               a);
       }},
      {"CCI 9", cci_lookback(9),
       [](size_t n, Values& a, Values&) {
         cci(std::span(kHigh).first(n), std::span(kLow).first(n), std::span(kClose).first(n), 9, a);
       }},
      {"ULTOSC 2,3,5", ultosc_lookback(2, 3, 5),
       [](size_t n, Values& a, Values&) {
         ultosc(std::span(kHigh).first(n), std::span(kLow).first(n), std::span(kClose).first(n), 2,
                3, 5, a);
       }},
      {"AROON 6", aroon_lookback(6),
       [](size_t n, Values& a, Values& b) {
         aroon(std::span(kHigh).first(n), std::span(kLow).first(n), 6, a, b);
       }},
      {"AROONOSC 6", aroon_lookback(6),
       [](size_t n, Values& a, Values&) {
         aroonosc(std::span(kHigh).first(n), std::span(kLow).first(n), 6, a);
       }},
  };
  for (const Case& c : cases) {
    const auto lookback = static_cast<size_t>(c.lookback);
    for (const size_t n : {size_t{0}, size_t{1}, lookback, lookback + 1, kClose.size()}) {
      Values a(n, 7.0);
      Values b(n, 7.0);
      c.run(n, a, b);
      const size_t expected_nans = std::min(n, lookback);
      EXPECT_EQ(leading_nans(a), expected_nans) << c.name << " n=" << n;
      EXPECT_EQ(std::count_if(a.begin(), a.end(), [](double v) { return std::isnan(v); }),
                static_cast<std::ptrdiff_t>(expected_nans))
          << c.name << " n=" << n;
    }
  }
  EXPECT_EQ(stoch_lookback(14, 3, 3), 17);
  EXPECT_EQ(stochrsi_lookback(14, 5, 3), rsi_lookback(14) + 6);
  EXPECT_EQ(ultosc_lookback(7, 28, 14), 28);
}

TEST(OscillatorsErrorTest, ParametersOutsideTaLibsRangeAreInvalidInput) {
  Values a(kClose.size());
  Values b(kClose.size());
  expect_invalid_input([&] { stoch(kHigh, kLow, kClose, 0, 3, 3, a, b); }, "STOCH");
  expect_invalid_input([&] { stoch(kHigh, kLow, kClose, 5, 0, 3, a, b); }, "slowk");
  expect_invalid_input([&] { stoch(kHigh, kLow, kClose, 5, 3, 0, a, b); }, "slowd");
  expect_invalid_input([&] { stochrsi(kClose, 1, 5, 3, a, b); }, "STOCHRSI");
  expect_invalid_input([&] { stochrsi(kClose, 14, 0, 3, a, b); }, "fastk");
  expect_invalid_input([&] { stochrsi(kClose, 14, 5, 0, a, b); }, "fastd");
  expect_invalid_input([&] { willr(kHigh, kLow, kClose, 1, a); }, "WILLR");
  expect_invalid_input([&] { cci(kHigh, kLow, kClose, 1, a); }, "CCI");
  expect_invalid_input([&] { ultosc(kHigh, kLow, kClose, 7, 0, 28, a); }, "ULTOSC");
  expect_invalid_input([&] { aroon(kHigh, kLow, 1, a, b); }, "AROON");
  expect_invalid_input([&] { aroonosc(kHigh, kLow, 100001, a); }, "AROON");
}

TEST(OscillatorsErrorTest, InputsOfDifferentLengthsAreInvalidInput) {
  const Values short_close(kClose.begin(), kClose.end() - 1);
  Values a(kClose.size());
  Values b(kClose.size());
  Values short_out(kClose.size() - 1);
  expect_invalid_input([&] { stoch(kHigh, kLow, short_close, 14, 3, 3, a, b); }, "STOCH");
  expect_invalid_input([&] { stochrsi(kClose, 14, 5, 3, a, short_out); }, "STOCHRSI");
  expect_invalid_input([&] { willr(kHigh, kLow, short_close, 14, a); }, "WILLR");
  expect_invalid_input([&] { cci(kHigh, kLow, kClose, 14, short_out); }, "CCI");
  expect_invalid_input([&] { ultosc(kHigh, short_close, kClose, 7, 14, 28, a); }, "ULTOSC");
  expect_invalid_input([&] { aroon(kHigh, kLow, 14, a, short_out); }, "AROON");
  expect_invalid_input([&] { aroonosc(short_close, kLow, 14, a); }, "AROONOSC");
}

}  // namespace
}  // namespace gogooku3::features::indicators
