// True range and directional movement against TA-Lib. The golden values are TA-Lib's own outputs
// (TA-Lib C compiled to WebAssembly, talib-web 0.1.3) on one 50-bar series; then the guards for
// flat prices, SAR's start, the lookback boundary and the failure modes.
#include "features/indicators/directional.h"

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

TEST(DirectionalGoldenTest, TrueRangeAndAtr) {
  Values out(kClose.size());
  trange(kHigh, kLow, kClose, out);
  expect_talib(out, 1,
               {2.480000000000004,
                3.460000000000008,
                1.980000000000004,
                1.3799999999999955,
                2.7099999999999937,
                1.9399999999999977,
                2.1000000000000085,
                2.3799999999999955,
                2.0,
                1.6400000000000006,
                0.51999999999999602,
                1.8399999999999892,
                1.0799999999999983,
                2.5400000000000063,
                1.7299999999999898,
                2.0900000000000034,
                2.9399999999999977,
                0.0,
                0.0,
                0.0,
                0.0,
                1.5700000000000074,
                1.9200000000000017,
                2.8900000000000006,
                0.86999999999999034,
                1.4300000000000068,
                2.1399999999999864,
                1.6499999999999915,
                2.3299999999999983,
                2.1899999999999977,
                2.0100000000000051,
                2.9799999999999898,
                3.1099999999999994,
                2.730000000000004,
                2.519999999999996,
                1.8000000000000114,
                2.1700000000000017,
                0.95999999999999375,
                3.1199999999999903,
                1.2099999999999937,
                1.1200000000000045,
                3.3400000000000034,
                1.3199999999999932,
                3.0900000000000034,
                1.5800000000000125,
                3.2999999999999972,
                2.4199999999999875,
                1.7599999999999909,
                3.6700000000000017});
  atr(kHigh, kLow, kClose, 14, out);
  expect_talib(out, atr_lookback(14),
               {2.0035714285714286, 1.9840306122448972, 1.9915998542274047, 2.0593427217825897,
                1.9122468130838333, 1.7756577550064168, 1.6488250582202439, 1.5310518397759407,
                1.533833851220517,  1.5614171475619087, 1.656315922736058,  1.6001504996834817,
                1.5879968925632333, 1.6274256859515728, 1.6290381369550313, 1.6791068414582431,
                1.7155992099255113, 1.7366278377879751, 1.8254401350888332, 1.9171944111539165,
                1.9752519532143513, 2.0141625279847544, 1.9988652045572728, 2.0110891185174675,
                1.9360113243376478, 2.020581944027815,  1.9626832337401134, 1.9024915741872486,
                2.0051707474595881, 1.9562299797839027, 2.0372135526564814, 2.0045554417524478,
                2.0970871959129869, 2.1201523962049156, 2.0944272250474212, 2.2069681375440342});
  natr(kHigh, kLow, kClose, 14, out);
  expect_talib(out, atr_lookback(14),
               {1.9020043939352842, 1.870139138698178,  1.8874145699653191, 1.9320224428019415,
                1.7940208397446602, 1.665876494048613,  1.5468853159022835, 1.4363935076235488,
                1.4398139972031512, 1.4801565528125025, 1.567590311126309,  1.5198997907327902,
                1.5009422424983301, 1.523664156868807,  1.5371184534393576, 1.5744086652210436,
                1.6127084131655491, 1.6493758550555373, 1.7119386055414361, 1.7758377280047393,
                1.8330103500504373, 1.8823948859670603, 1.8640913965842327, 1.8943944221151729,
                1.8272877058401582, 1.8937037900916727, 1.8215157621717988, 1.76303546861945,
                1.8419720259595702, 1.8061397652884337, 1.9046499183400165, 1.8683525414786537,
                1.932977413506302,  1.9773851857908185, 1.9743846389964379, 2.0518483986091804});
}

TEST(DirectionalGoldenTest, PeriodOneIsTheRawTrueRange) {
  Values out(kClose.size());
  atr(kHigh, kLow, kClose, 1, out);
  expect_talib(out, atr_lookback(1),
               {2.480000000000004,
                3.460000000000008,
                1.980000000000004,
                1.3799999999999955,
                2.7099999999999937,
                1.9399999999999977,
                2.1000000000000085,
                2.3799999999999955,
                2.0,
                1.6400000000000006,
                0.51999999999999602,
                1.8399999999999892,
                1.0799999999999983,
                2.5400000000000063,
                1.7299999999999898,
                2.0900000000000034,
                2.9399999999999977,
                0.0,
                0.0,
                0.0,
                0.0,
                1.5700000000000074,
                1.9200000000000017,
                2.8900000000000006,
                0.86999999999999034,
                1.4300000000000068,
                2.1399999999999864,
                1.6499999999999915,
                2.3299999999999983,
                2.1899999999999977,
                2.0100000000000051,
                2.9799999999999898,
                3.1099999999999994,
                2.730000000000004,
                2.519999999999996,
                1.8000000000000114,
                2.1700000000000017,
                0.95999999999999375,
                3.1199999999999903,
                1.2099999999999937,
                1.1200000000000045,
                3.3400000000000034,
                1.3199999999999932,
                3.0900000000000034,
                1.5800000000000125,
                3.2999999999999972,
                2.4199999999999875,
                1.7599999999999909,
                3.6700000000000017});
  // TA-Lib's NATR 1 is not normalized either.
  natr(kHigh, kLow, kClose, 1, out);
  expect_talib(out, atr_lookback(1),
               {2.480000000000004,
                3.460000000000008,
                1.980000000000004,
                1.3799999999999955,
                2.7099999999999937,
                1.9399999999999977,
                2.1000000000000085,
                2.3799999999999955,
                2.0,
                1.6400000000000006,
                0.51999999999999602,
                1.8399999999999892,
                1.0799999999999983,
                2.5400000000000063,
                1.7299999999999898,
                2.0900000000000034,
                2.9399999999999977,
                0.0,
                0.0,
                0.0,
                0.0,
                1.5700000000000074,
                1.9200000000000017,
                2.8900000000000006,
                0.86999999999999034,
                1.4300000000000068,
                2.1399999999999864,
                1.6499999999999915,
                2.3299999999999983,
                2.1899999999999977,
                2.0100000000000051,
                2.9799999999999898,
                3.1099999999999994,
                2.730000000000004,
                2.519999999999996,
                1.8000000000000114,
                2.1700000000000017,
                0.95999999999999375,
                3.1199999999999903,
                1.2099999999999937,
                1.1200000000000045,
                3.3400000000000034,
                1.3199999999999932,
                3.0900000000000034,
                1.5800000000000125,
                3.2999999999999972,
                2.4199999999999875,
                1.7599999999999909,
                3.6700000000000017});
}

TEST(DirectionalGoldenTest, DirectionalIndicators) {
  Values out(kClose.size());
  plus_di(kHigh, kLow, kClose, 14, out);
  expect_talib(out, di_lookback(14),
               {19.937906805740941, 20.340730164008182, 23.437801903678682, 20.920360057964594,
                20.920360057964594, 20.920360057964594, 20.920360057964594, 20.920360057964594,
                26.498013344630149, 24.066608644058864, 20.950456051949256, 20.106450464402428,
                18.768089173684118, 22.789897228510785, 21.09306375330295,  21.566836168457463,
                19.553707978673422, 17.9020351563858,   17.928033382190119, 20.778718901629468,
                21.559716826595459, 19.60636266312893,  18.328947367652521, 18.085493889747404,
                17.437569297448213, 15.494693154724487, 14.805717180146663, 18.270013031244499,
                23.800119730540182, 22.644042187569699, 20.173672139028636, 19.030425713048803,
                23.079864057558613, 21.188084422716049, 19.909914262194114, 21.468057188518301});
  minus_di(kHigh, kLow, kClose, 14, out);
  expect_talib(out, di_lookback(14),
               {16.285846564448956, 15.205719259469383, 13.997873351532364, 15.344008175148874,
                15.344008175148874, 15.344008175148874, 15.344008175148872, 15.344008175148872,
                14.166958158742213, 18.123995149146698, 20.795217239483605, 19.957465569503071,
                20.397848924299101, 18.421657207062619, 17.05006328084507,  15.315878289302551,
                13.886237608830795, 16.915701689531691, 14.905472661311627, 13.149229536058685,
                11.831392555378756, 13.384027029143963, 12.512016185732902, 11.536196370929826,
                11.608043649840456, 14.278631689511521, 13.643728236717465, 13.064651315686135,
                11.49747202105203,  10.938988729582977, 14.864973443327631, 14.02257213709783,
                12.437239411896051, 13.145197090493657, 13.517582093445125, 11.904860599927481});
  // Period 1: the bar's DM/TR ratio, without the factor 100.
  plus_di(kHigh, kLow, kClose, 1, out);
  expect_talib(out, di_lookback(1),
               {0.19758064516128795,
                0.0,
                0.0,
                0.065217391304350517,
                0.0,
                0.0,
                0.56190476190476291,
                0.41596638655462048,
                0.0,
                0.71341463414634221,
                0.21153846153846206,
                0.0,
                0.42592592592593398,
                0.41732283464566916,
                0.26011560693641117,
                0.59330143540670199,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.93630573248407134,
                0.0,
                0.0,
                0.0,
                0.0,
                0.60280373831775713,
                0.0,
                0.25751072961373778,
                0.0,
                0.0,
                0.18120805369127313,
                0.42122186495176928,
                0.2857142857142857,
                0.0,
                0.0,
                0.1520737327188931,
                0.0,
                0.0,
                0.0,
                0.96428571428570886,
                0.64371257485030042,
                0.0,
                0.0,
                0.0,
                0.54848484848484536,
                0.0,
                0.0,
                0.32970027247956607});
  minus_di(kHigh, kLow, kClose, 1, out);
  expect_talib(out, di_lookback(1),
               {0.0,
                0.38728323699421974,
                0.0,
                0.0,
                0.50184501845018548,
                0.0,
                0.0,
                0.0,
                0.43500000000000227,
                0.0,
                0.0,
                0.5597826086956561,
                0.0,
                0.0,
                0.0,
                0.0,
                0.26530612244898016,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.57291666666666319,
                0.38754325259515721,
                0.0,
                0.26573426573427122,
                0.0,
                0.0,
                0.0,
                0.0,
                0.49751243781094401,
                0.0,
                0.0,
                0.0,
                0.2896825396825361,
                0.0,
                0.0,
                0.1354166666666628,
                0.35576923076923167,
                0.0,
                0.0,
                0.0,
                0.0,
                0.46925566343042113,
                0.0,
                0.0,
                0.21074380165288989,
                0.19318181818182112,
                0.0});
}

TEST(DirectionalGoldenTest, AdxAndAdxr) {
  Values out(kClose.size());
  adx(kHigh, kLow, kClose, 14, out);
  expect_talib(out, adx_lookback(14),
               {13.324437943759389, 13.129803212526085, 13.402546163123096, 13.655807474391752,
                12.882738921011077, 12.620094731583567, 13.32489717457751,  14.45415270275449,
                14.768931457630703, 15.061226015730044, 15.564695838157812, 15.886520770256514,
                15.043512092295385, 14.260718319902908, 14.428677787684501, 15.88763444957174,
                17.242379921324176, 17.092994316879274, 16.954279112751866, 17.883601153461562,
                18.279481127568712, 18.339730774831168, 19.076575742595512});
  adx(kHigh, kLow, kClose, 5, out);
  expect_talib(out, adx_lookback(5),
               {33.844605016951711, 32.340717981058859, 31.621128838276793, 26.693514905126591,
                22.828224200621648, 24.899159092593482, 28.277597043171522, 34.55864516668283,
                33.367352053522247, 32.41431756299378,  31.651889970571006, 31.041947896632784,
                30.553994237482208, 37.705804540629302, 32.428095405394352, 30.27348741655527,
                28.549801025484005, 29.297375735499951, 26.649035716249159, 24.530363700848525,
                26.358566168265412, 27.821128142198926, 24.969767734312548, 21.637188128064309,
                25.732387174498143, 31.501395766849765, 29.896009593821937, 28.61170065539967,
                29.48879310008261,  28.654659015817607, 27.416420441196539, 26.425829581499681,
                25.635546271125509, 32.403839188689574, 37.818473522740831, 31.476449202725831,
                26.402829746713831, 29.760104295674569, 28.948863849438588, 25.977814248028999,
                28.604513275487029});
  adxr(kHigh, kLow, kClose, 14, out);
  expect_talib(out, adxr_lookback(14),
               {13.792578131831149, 13.779240500105292, 14.645090306347418, 15.449093697857965,
                14.987866618945176, 14.787186922167717, 15.604249164019535, 16.3668169151616,
                16.554331116230934, 17.068900879162779});
  adxr(kHigh, kLow, kClose, 5, out);
  expect_talib(out, adxr_lookback(5),
               {28.336414608786679, 28.619938536826169, 29.949362940724157, 30.62608003590471,
                28.097788127071947, 28.656738327793633, 29.964743506871265, 32.800296531657807,
                31.960673145502227, 35.060061051811545, 32.039992687982675, 30.657717656594027,
                29.551897631483108, 33.501590138064628, 29.538565560821755, 27.401925558701898,
                27.454183596874707, 28.559251938849439, 25.809401725280853, 23.083775914456417,
                26.045476671381778, 29.661261954524345, 27.432888664067242, 25.124444391731991,
                27.610590137290377, 30.078027391333684, 28.65621501750924,  27.518765118449675,
                27.562169685604061, 30.529249102253591, 32.617446981968683, 28.951139392112758,
                26.01918800891967,  31.08197174218207,  33.383668686089706, 28.727131725377415,
                27.503671511100428});
}

TEST(DirectionalGoldenTest, Sar) {
  Values out(kClose.size());
  sar(kHigh, kLow, out);
  expect_talib(out, 1,
               {99.890000000000001,
                102.92,
                102.92,
                102.8436,
                102.768728,
                102.69535343999999,
                99.099999999999994,
                99.178799999999995,
                99.372847999999991,
                99.559134079999993,
                99.737968716799998,
                99.997290593792002,
                100.34550734628864,
                100.79195661165977,
                101.4013218182606,
                102.08993676370412,
                102.96514688151146,
                103.8048204428394,
                104.49335276312831,
                105.05794926576522,
                105.52091839792747,
                105.90055308630053,
                108.06,
                108.06,
                107.9084,
                107.76286399999999,
                107.62314943999999,
                107.4890234624,
                104.27,
                104.33799999999999,
                104.40464,
                107.67,
                104.01000000000001,
                104.01000000000001,
                104.2128,
                104.407488,
                104.59438848000001,
                104.7738129408,
                109.08,
                108.99419999999999,
                108.91011599999999,
                104.79000000000001,
                104.896,
                104.99988,
                105.1016824,
                105.201448752,
                105.29921977696,
                105.3950353814208,
                110.09});
  sar(kHigh, kLow, out, 0.05, 0.1);
  expect_talib(out, 1,
               {99.890000000000001,
                102.92,
                102.92,
                102.729,
                102.54755,
                102.37517250000001,
                99.099999999999994,
                99.296999999999997,
                99.770299999999992,
                100.19627,
                100.579643,
                100.9276787,
                101.26991083,
                101.623919747,
                102.04852777230001,
                102.47567499507001,
                102.98410749556301,
                103.4486967460067,
                103.86682707140604,
                104.24314436426543,
                104.5818299278389,
                104.88664693505501,
                105.20398224154951,
                108.06,
                107.87050000000001,
                107.69047500000001,
                107.51945125,
                107.3569786875,
                104.27,
                104.44,
                107.67,
                107.63,
                104.01000000000001,
                104.01000000000001,
                104.51700000000001,
                104.97330000000001,
                105.38397000000001,
                105.753573,
                109.08,
                108.8655,
                108.661725,
                104.79000000000001,
                105.05500000000001,
                105.30675000000001,
                105.54591250000001,
                105.77311687500001,
                105.98896103125001,
                110.09,
                109.8775});
}

TEST(DirectionalGuardTest, FlatPricesGiveZeroRangeAndDirection) {
  const Values flat(40, 250.5);
  Values out(flat.size());
  atr(flat, flat, flat, 14, out);
  EXPECT_EQ(out.back(), 0.0);
  natr(flat, flat, flat, 14, out);
  EXPECT_EQ(out.back(), 0.0);
  plus_di(flat, flat, flat, 14, out);
  EXPECT_EQ(out.back(), 0.0);
  minus_di(flat, flat, flat, 14, out);
  EXPECT_EQ(out.back(), 0.0);
  // No DX is ever defined: the seed is 0 and the ADX holds it.
  adx(flat, flat, flat, 5, out);
  EXPECT_EQ(leading_nans(out), 9u);
  for (size_t bar = 9; bar < out.size(); ++bar) EXPECT_EQ(out[bar], 0.0) << "bar " << bar;
  adxr(flat, flat, flat, 5, out);
  EXPECT_EQ(out.back(), 0.0);
}

TEST(DirectionalGuardTest, AdxHoldsItsValueWhileTheRangeIsZero) {
  // Ten trending bars, then flat bars long enough for the Wilder TR sum to fall inside TA-Lib's
  // zero band: from there the ADX stops moving.
  Values high;
  Values low;
  for (int bar = 0; bar < 10; ++bar) {
    high.push_back(10.0 + bar);
    low.push_back(9.0 + bar);
  }
  high.resize(400, 19.0);
  low.resize(400, 19.0);
  const Values& close = high;
  Values out(high.size());
  adx(high, low, close, 2, out);
  EXPECT_GT(out[3], 0.0);
  EXPECT_EQ(out[399], out[398]);
  EXPECT_EQ(out[399], out[300]);
}

TEST(DirectionalGuardTest, NatrIsZeroOnAZeroClose) {
  // TA-Lib up to 0.6.4 writes this 0 into the first output instead and leaves the bar's own
  // output unwritten; we give the documented 0 on the bar and keep the first output.
  Values close(20);
  for (size_t bar = 0; bar < close.size(); ++bar) close[bar] = 10.0 + static_cast<double>(bar);
  Values high(close.size());
  Values low(close.size());
  for (size_t bar = 0; bar < close.size(); ++bar) {
    high[bar] = close[bar] + 1.0;
    low[bar] = close[bar] - 1.0;
  }
  close[8] = 0.0;
  low[8] = 0.0;
  Values average(close.size());
  Values normalized(close.size());
  atr(high, low, close, 5, average);
  natr(high, low, close, 5, normalized);
  EXPECT_DOUBLE_EQ(normalized[5], average[5] / close[5] * 100.0);
  EXPECT_EQ(normalized[8], 0.0);
  EXPECT_DOUBLE_EQ(normalized[9], average[9] / close[9] * 100.0);
}

TEST(DirectionalGuardTest, SarStartsFromTheFirstTwoBars) {
  // Bar 1 moves down more than up: short, and the first SAR is bar 0's high.
  Values out(2);
  sar(Values{10.0, 9.5}, Values{9.0, 8.0}, out);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_EQ(out[1], 10.0);
  // Otherwise long, and the first SAR is bar 0's low.
  sar(Values{10.0, 10.5}, Values{9.0, 9.2}, out);
  EXPECT_EQ(out[1], 9.0);
  // An inside bar (no directional movement) starts long as well.
  sar(Values{10.0, 9.8}, Values{9.0, 9.2}, out);
  EXPECT_EQ(out[1], 9.0);
}

TEST(DirectionalGuardTest, SarAccelerationAboveTheMaximumIsTheMaximum) {
  Values clamped(kClose.size());
  Values at_maximum(kClose.size());
  sar(kHigh, kLow, clamped, 0.3, 0.2);
  sar(kHigh, kLow, at_maximum, 0.2, 0.2);
  for (size_t bar = 1; bar < clamped.size(); ++bar) {
    EXPECT_EQ(clamped[bar], at_maximum[bar]) << "bar " << bar;
  }
}

TEST(DirectionalBoundaryTest, NanPrefixIsTheLookbackAtEveryLength) {
  struct Case {
    std::string name;
    int lookback;
    std::function<void(size_t, Values&)> run;
  };
  const auto hlc = [](auto kernel) {
    return [kernel](size_t n, Values& out) {
      kernel(std::span(kHigh).first(n), std::span(kLow).first(n), std::span(kClose).first(n), out);
    };
  };
  const std::vector<Case> cases = {
      {"TRANGE", 1, hlc([](Series h, Series l, Series c, Output o) { trange(h, l, c, o); })},
      {"ATR 1", atr_lookback(1),
       hlc([](Series h, Series l, Series c, Output o) { atr(h, l, c, 1, o); })},
      {"ATR 7", atr_lookback(7),
       hlc([](Series h, Series l, Series c, Output o) { atr(h, l, c, 7, o); })},
      {"NATR 7", atr_lookback(7),
       hlc([](Series h, Series l, Series c, Output o) { natr(h, l, c, 7, o); })},
      {"PLUS_DI 1", di_lookback(1),
       hlc([](Series h, Series l, Series c, Output o) { plus_di(h, l, c, 1, o); })},
      {"PLUS_DI 6", di_lookback(6),
       hlc([](Series h, Series l, Series c, Output o) { plus_di(h, l, c, 6, o); })},
      {"MINUS_DI 6", di_lookback(6),
       hlc([](Series h, Series l, Series c, Output o) { minus_di(h, l, c, 6, o); })},
      {"ADX 2", adx_lookback(2),
       hlc([](Series h, Series l, Series c, Output o) { adx(h, l, c, 2, o); })},
      {"ADX 8", adx_lookback(8),
       hlc([](Series h, Series l, Series c, Output o) { adx(h, l, c, 8, o); })},
      {"ADXR 6", adxr_lookback(6),
       hlc([](Series h, Series l, Series c, Output o) { adxr(h, l, c, 6, o); })},
      {"SAR", 1,
       [](size_t n, Values& out) {
         sar(std::span(kHigh).first(n), std::span(kLow).first(n), out);
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
  EXPECT_EQ(atr_lookback(14), 14);
  EXPECT_EQ(di_lookback(14), 14);
  EXPECT_EQ(adx_lookback(14), 27);
  EXPECT_EQ(adxr_lookback(14), 40);
}

TEST(DirectionalErrorTest, ParametersOutsideTaLibsRangeAreInvalidInput) {
  Values out(kClose.size());
  expect_invalid_input([&] { atr(kHigh, kLow, kClose, 0, out); }, "ATR");
  expect_invalid_input([&] { natr(kHigh, kLow, kClose, 0, out); }, "NATR");
  expect_invalid_input([&] { plus_di(kHigh, kLow, kClose, 0, out); }, "DI");
  expect_invalid_input([&] { minus_di(kHigh, kLow, kClose, 100001, out); }, "DI");
  expect_invalid_input([&] { adx(kHigh, kLow, kClose, 1, out); }, "ADX");
  expect_invalid_input([&] { adxr(kHigh, kLow, kClose, 1, out); }, "ADXR");
  expect_invalid_input([&] { sar(kHigh, kLow, out, -0.01, 0.2); }, "acceleration");
  expect_invalid_input([&] { sar(kHigh, kLow, out, 0.02, -1.0); }, "maximum");
  expect_invalid_input([&] { sar(kHigh, kLow, out, std::nan(""), 0.2); }, "acceleration");
}

TEST(DirectionalErrorTest, InputsOfDifferentLengthsAreInvalidInput) {
  const Values short_close(kClose.begin(), kClose.end() - 1);
  Values out(kClose.size());
  Values short_out(kClose.size() - 1);
  expect_invalid_input([&] { trange(kHigh, kLow, short_close, out); }, "TRANGE");
  expect_invalid_input([&] { atr(kHigh, kLow, kClose, 14, short_out); }, "ATR");
  expect_invalid_input([&] { natr(kHigh, short_close, kClose, 14, out); }, "NATR");
  expect_invalid_input([&] { plus_di(kHigh, kLow, short_close, 14, out); }, "PLUS_DI");
  expect_invalid_input([&] { minus_di(short_close, kLow, kClose, 14, out); }, "MINUS_DI");
  expect_invalid_input([&] { adx(kHigh, kLow, kClose, 14, short_out); }, "ADX");
  expect_invalid_input([&] { adxr(kHigh, kLow, short_close, 14, out); }, "ADXR");
  expect_invalid_input([&] { sar(kHigh, short_close, out); }, "SAR");
}

}  // namespace
}  // namespace gogooku3::features::indicators
