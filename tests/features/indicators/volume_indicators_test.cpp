// Volume indicators against TA-Lib. The golden values are TA-Lib's own outputs (TA-Lib C compiled
// to WebAssembly, talib-web 0.1.3) on one 50-bar series; then the guards for flat bars and zero
// volume, the lookback boundary and the failure modes.
#include "features/indicators/volume_indicators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace gogooku3::features::indicators {
namespace {

using Values = std::vector<double>;

// 50 daily bars in 0.01 steps. Bars 18-21 are flat (high == low == close), bars 30-33 have no
// volume.
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
const Values kVolume = {5609.0, 9318.0, 1111.0, 4942.0, 1724.0, 2845.0, 8818.0, 7386.0, 2677.0,
                        1032.0, 8096.0, 9125.0, 9179.0, 2762.0, 1217.0, 9576.0, 5603.0, 2164.0,
                        1075.0, 9612.0, 3282.0, 6347.0, 5554.0, 5713.0, 2861.0, 6366.0, 1776.0,
                        7177.0, 3846.0, 6979.0, 0.0,    0.0,    0.0,    0.0,    8659.0, 3573.0,
                        9910.0, 5064.0, 5921.0, 9077.0, 1857.0, 4071.0, 2437.0, 1988.0, 4412.0,
                        8946.0, 1518.0, 8978.0, 3677.0, 3560.0};

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

TEST(VolumeIndicatorsGoldenTest, ObvAndAd) {
  Values out(kClose.size());
  obv(kClose, kVolume, out);
  expect_talib(
      out, 0,
      {5609.0,  14927.0, 13816.0, 18758.0, 17034.0, 14189.0, 23007.0, 30393.0, 27716.0, 28748.0,
       36844.0, 45969.0, 55148.0, 57910.0, 59127.0, 68703.0, 63100.0, 65264.0, 65264.0, 65264.0,
       65264.0, 65264.0, 59710.0, 53997.0, 56858.0, 50492.0, 52268.0, 59445.0, 55599.0, 62578.0,
       62578.0, 62578.0, 62578.0, 62578.0, 53919.0, 50346.0, 60256.0, 55192.0, 49271.0, 58348.0,
       60205.0, 64276.0, 66713.0, 64725.0, 60313.0, 69259.0, 70777.0, 61799.0, 58122.0, 61682.0});
  ad(kHigh, kLow, kClose, kVolume, out);
  expect_talib(out, 0,
               {1059.968503937014,  984.82334264670646,  760.05455651954298, 1508.8424353074131,
                509.42214545232321, -277.93947816392961, 7267.3594909082294, 14653.359490908229,
                12313.796465698128, 13046.516465698121,  19464.077441307862, 21569.846672076939,
                30349.759715555279, 32702.574530370104,  33411.692640606328, 40441.472987427238,
                35106.559111829134, 35739.565914550236,  35739.565914550236, 35739.565914550236,
                35739.565914550236, 35739.565914550236,  30468.572283977031, 25350.676450643663,
                25241.780256872036, 23266.12508445825,   24470.824385157543, 28227.011301045433,
                26991.629482863638, 27860.26038415121,   27860.26038415121,  27860.26038415121,
                27860.26038415121,  27860.26038415121,   28145.721922612804, 28486.00763689851,
                31348.896525787437, 26891.643069566217,  21587.41390289952,  23623.920313155944,
                28212.705437122902, 32065.616151408609,  32707.699983743933, 32316.124226168187,
                29703.192187333221, 28570.787124042155,  28708.787124042155, 27447.415223215688,
                24773.233405033854, 25908.165285142848});
}

TEST(VolumeIndicatorsGoldenTest, Adosc) {
  Values out(kClose.size());
  adosc(kHigh, kLow, kClose, kVolume, 3, 10, out);
  expect_talib(out, adosc_lookback(3, 10),
               {4856.857796128992,   6378.7590525202722,  7091.4853169686576,  9531.9833647162304,
                10412.447883079843,  10051.680231751041,  11227.052645491276,  8989.7730683773152,
                7458.6814905712927,  6154.2638914168965,  5061.1599743612824,  4153.8756469875152,
                3405.088817881202,   1112.0790673479423,  -1555.4898745988212, -2540.008696631754,
                -3340.4740699012727, -2980.9443023889144, -1367.7186240432602, -976.50064104667763,
                -451.3015756796085,  -195.41999660402143, -72.975714563646761, -16.250716041337,
                8.4323029942752328,  108.59200001986756,  247.96714880125728,  1193.360978967281,
                53.408629876877967,  -2105.5001232246796, -2149.3016532096663, -511.76140755860979,
                1430.5913208948732,  2299.4358091057366,  2321.2402851355546,  1287.7509870515787,
                387.58093705628562,  28.004013234916783,  -522.98706161269365, -1551.7242560525083,
                -1470.3907595566161});
  // The periods are not reordered: fast 10, slow 3 is the negated oscillator.
  adosc(kHigh, kLow, kClose, kVolume, 10, 3, out);
  expect_talib(out, adosc_lookback(10, 3),
               {-4856.857796128992,  -6378.7590525202722, -7091.4853169686576, -9531.9833647162304,
                -10412.447883079843, -10051.680231751041, -11227.052645491276, -8989.7730683773152,
                -7458.6814905712927, -6154.2638914168965, -5061.1599743612824, -4153.8756469875152,
                -3405.088817881202,  -1112.0790673479423, 1555.4898745988212,  2540.008696631754,
                3340.4740699012727,  2980.9443023889144,  1367.7186240432602,  976.50064104667763,
                451.3015756796085,   195.41999660402143,  72.975714563646761,  16.250716041337,
                -8.4323029942752328, -108.59200001986756, -247.96714880125728, -1193.360978967281,
                -53.408629876877967, 2105.5001232246796,  2149.3016532096663,  511.76140755860979,
                -1430.5913208948732, -2299.4358091057366, -2321.2402851355546, -1287.7509870515787,
                -387.58093705628562, -28.004013234916783, 522.98706161269365,  1551.7242560525083,
                1470.3907595566161});
}

TEST(VolumeIndicatorsGoldenTest, Mfi) {
  Values out(kClose.size());
  mfi(kHigh, kLow, kClose, kVolume, 14, out);
  expect_talib(out, mfi_lookback(14),
               {79.784795314700929, 79.964151117291692, 82.658074726251058, 82.033935435049557,
                81.888853940166896, 85.17280465304222,  83.052767848282144, 80.716531817951392,
                81.780015960786585, 75.28505503675126,  67.755145625222951, 53.92016951659685,
                66.602904654173159, 69.654442891806127, 63.763194794605241, 61.899839953476118,
                56.994844761524398, 54.741983405926355, 53.52939600896687,  53.52939600896687,
                61.850577176552946, 57.624826606228218, 60.887963520007638, 61.549595821735359,
                58.368378146376067, 70.368879552950574, 70.417687451403168, 68.886779122892861,
                74.792360894288592, 68.598115966226558, 63.263425389770354, 54.661257662789161,
                55.693370064581991, 49.141581324937881, 40.424467151355316, 45.414571874966157});
  mfi(kHigh, kLow, kClose, kVolume, 5, out);
  expect_talib(out, mfi_lookback(5),
               {80.292808613123114,
                79.737442133853335,
                89.032734889145573,
                87.998205073623197,
                83.088712039044708,
                96.324392891797615,
                96.39397461673407,
                66.064479237996238,
                66.216737721303105,
                69.795910110792533,
                71.386031304723673,
                67.996367946768885,
                100.0,
                100.0,
                100.0,
                100.0,
                100.0,
                100.0,
                49.520408053123191,
                39.555517017188627,
                27.348174174098354,
                33.112820935277064,
                37.592587949934561,
                40.778016040207952,
                61.099703377043902,
                80.587161718445927,
                78.688988195756622,
                64.556516353665174,
                99.999999999999986,
                99.999999999999986,
                70.945546771573404,
                83.920084186873808,
                68.35902779270269,
                56.231530830977491,
                56.641968582767724,
                65.546324765134159,
                57.803069616426875,
                74.799659175844397,
                89.652573146180458,
                56.619101160270027,
                29.853666900712444,
                20.634230138469956,
                5.9213759298645803,
                5.5684104468424911,
                19.081456397938712});
}

TEST(VolumeIndicatorsGuardTest, ObvStartsWithTheFirstVolumeAndIgnoresUnchangedCloses) {
  const Values close = {10.0, 11.0, 11.0, 10.5, 12.0};
  const Values volume = {100.0, 20.0, 30.0, 5.0, 0.0};
  Values out(close.size());
  obv(close, volume, out);
  EXPECT_EQ(out, (Values{100.0, 120.0, 120.0, 115.0, 115.0}));
}

TEST(VolumeIndicatorsGuardTest, AdSkipsBarsWithoutRangeOrVolume) {
  const Values high = {11.0, 12.0, 12.0, 13.0};
  const Values low = {9.0, 10.0, 12.0, 11.0};
  const Values close = {10.5, 11.0, 12.0, 11.5};
  const Values volume = {100.0, 50.0, 70.0, 0.0};
  Values out(close.size());
  ad(high, low, close, volume, out);
  // Bar 0: CLV (1.5 - 0.5) / 2 = 0.5; bar 1: 0; bar 2 has no range, bar 3 no volume.
  EXPECT_EQ(out, (Values{50.0, 50.0, 50.0, 50.0}));
}

TEST(VolumeIndicatorsGuardTest, MfiIsZeroWhenLessThanOneUnitOfMoneyFlows) {
  const Values flat(20, 30.0);
  const Values rising = [] {
    Values prices(20);
    for (size_t bar = 0; bar < prices.size(); ++bar) prices[bar] = 30.0 + static_cast<double>(bar);
    return prices;
  }();
  Values out(flat.size());
  // Volume, but the typical price never changes: no flow on either side.
  mfi(flat, flat, flat, Values(20, 1000.0), 5, out);
  EXPECT_EQ(out.back(), 0.0);
  // Prices move, but nothing trades.
  mfi(rising, rising, rising, Values(20, 0.0), 5, out);
  EXPECT_EQ(out.back(), 0.0);
  // Prices move and a little trades: less than one unit of money in the window.
  mfi(rising, rising, rising, Values(20, 1e-4), 5, out);
  EXPECT_EQ(out.back(), 0.0);
  // Enough trades: every flow is positive.
  mfi(rising, rising, rising, Values(20, 1.0), 5, out);
  EXPECT_EQ(out.back(), 100.0);
}

TEST(VolumeIndicatorsGuardTest, AdoscOfAFlatLineIsZero) {
  const Values flat(30, 42.0);
  Values out(flat.size());
  adosc(flat, flat, flat, Values(30, 500.0), 3, 10, out);
  EXPECT_EQ(leading_nans(out), 9u);
  for (size_t bar = 9; bar < out.size(); ++bar) EXPECT_EQ(out[bar], 0.0) << "bar " << bar;
}

TEST(VolumeIndicatorsBoundaryTest, NanPrefixIsTheLookbackAtEveryLength) {
  struct Case {
    std::string name;
    int lookback;
    std::function<void(size_t, Values&)> run;
  };
  const auto first = [](const Values& values, size_t n) { return std::span(values).first(n); };
  const std::vector<Case> cases = {
      {"OBV", 0, [&](size_t n, Values& out) { obv(first(kClose, n), first(kVolume, n), out); }},
      {"AD", 0,
       [&](size_t n, Values& out) {
         ad(first(kHigh, n), first(kLow, n), first(kClose, n), first(kVolume, n), out);
       }},
      {"ADOSC 3,10", adosc_lookback(3, 10),
       [&](size_t n, Values& out) {
         adosc(first(kHigh, n), first(kLow, n), first(kClose, n), first(kVolume, n), 3, 10, out);
       }},
      {"ADOSC 2,2", adosc_lookback(2, 2),
       [&](size_t n, Values& out) {
         adosc(first(kHigh, n), first(kLow, n), first(kClose, n), first(kVolume, n), 2, 2, out);
       }},
      {"MFI 2", mfi_lookback(2),
       [&](size_t n, Values& out) {
         mfi(first(kHigh, n), first(kLow, n), first(kClose, n), first(kVolume, n), 2, out);
       }},
      {"MFI 14", mfi_lookback(14),
       [&](size_t n, Values& out) {
         mfi(first(kHigh, n), first(kLow, n), first(kClose, n), first(kVolume, n), 14, out);
       }},
  };
  for (const Case& c : cases) {
    const auto lookback = static_cast<size_t>(c.lookback);
    for (const size_t n : {size_t{0}, size_t{1}, lookback, lookback + 1, kClose.size()}) {
      Values out(n, 7.0);
      c.run(n, out);
      const size_t expected_nans = std::min(n, lookback);
      EXPECT_EQ(leading_nans(out), expected_nans) << c.name << " n=" << n;
      EXPECT_EQ(std::count_if(out.begin(), out.end(), [](double v) { return std::isnan(v); }),
                static_cast<std::ptrdiff_t>(expected_nans))
          << c.name << " n=" << n;
    }
  }
  EXPECT_EQ(adosc_lookback(3, 10), 9);
  EXPECT_EQ(adosc_lookback(10, 3), 9);
  EXPECT_EQ(mfi_lookback(14), 14);
}

TEST(VolumeIndicatorsErrorTest, ParametersOutsideTaLibsRangeAreInvalidInput) {
  Values out(kClose.size());
  expect_invalid_input([&] { adosc(kHigh, kLow, kClose, kVolume, 1, 10, out); }, "ADOSC");
  expect_invalid_input([&] { adosc(kHigh, kLow, kClose, kVolume, 3, 1, out); }, "slow");
  expect_invalid_input([&] { mfi(kHigh, kLow, kClose, kVolume, 1, out); }, "MFI");
  expect_invalid_input([&] { mfi(kHigh, kLow, kClose, kVolume, 100001, out); }, "MFI");
}

TEST(VolumeIndicatorsErrorTest, InputsOfDifferentLengthsAreInvalidInput) {
  const Values short_volume(kVolume.begin(), kVolume.end() - 1);
  Values out(kClose.size());
  Values short_out(kClose.size() - 1);
  expect_invalid_input([&] { obv(kClose, short_volume, out); }, "OBV");
  expect_invalid_input([&] { obv(kClose, kVolume, short_out); }, "OBV");
  expect_invalid_input([&] { ad(kHigh, kLow, kClose, short_volume, out); }, "AD");
  expect_invalid_input([&] { adosc(kHigh, kLow, kClose, kVolume, 3, 10, short_out); }, "ADOSC");
  expect_invalid_input([&] { mfi(kHigh, kLow, kClose, short_volume, 14, out); }, "MFI");
}

}  // namespace
}  // namespace gogooku3::features::indicators
