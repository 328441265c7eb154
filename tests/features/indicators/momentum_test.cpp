// Momentum indicators against TA-Lib: golden values, the NaN prefix at the lookback boundary,
// the guards for flat input and zero prices, short and empty series, and bad parameters.
//
// The golden outputs come from TA-Lib's own C code (talib-web 0.1.3, TA-Lib compiled to
// WebAssembly) run on kClose; each case lists them from TA-Lib's first defined row on.
#include "features/indicators/momentum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace gogooku3::features::indicators {
namespace {

using Kernel = std::function<void(Series, Output)>;

// 60 daily closes: a random walk with a flat stretch at rows 22-28.
const std::vector<double> kClose = {
    100.72, 100.68, 99.1,   97.91,  99.25,  98.56,  100.04, 98.62,  97.34,  96.07,  97.46,  96.81,
    97.38,  94.39,  96.07,  97.74,  99.04,  100.42, 102.32, 105.26, 105.63, 105.46, 105.46, 105.46,
    105.46, 105.46, 105.46, 105.46, 105.46, 107.56, 108.33, 107.03, 107.54, 106.33, 108.07, 108.11,
    109.48, 109,    107.99, 107.57, 104.97, 101.48, 100.95, 101.43, 100.18, 98.04,  99.43,  98.06,
    96.59,  96.22,  96,     98.2,   97.57,  98.36,  97.82,  97.68,  98.23,  97.46,  99.31,  98.17};

// One of MACD's three outputs (0 line, 1 signal, 2 histogram) as a single-output kernel.
Kernel macd_output(int fast, int slow, int signal, int which) {
  return [=](Series in, Output out) {
    std::vector<double> other(in.size());
    std::vector<double> another(in.size());
    if (which == 0) macd(in, fast, slow, signal, out, other, another);
    if (which == 1) macd(in, fast, slow, signal, other, out, another);
    if (which == 2) macd(in, fast, slow, signal, other, another, out);
  };
}

struct GoldenCase {
  std::string name;
  Kernel kernel;
  int lookback;                  // ours
  size_t talib_first;            // TA-Lib's first defined row
  std::vector<double> expected;  // TA-Lib's outputs from talib_first on
};

std::vector<GoldenCase> golden_cases() {
  return {
      {"RSI 14",
       [](Series in, Output out) { rsi(in, 14, out); },
       rsi_lookback(14),
       14,
       {36.767216846898101, 42.638706858890338, 46.781384723092259, 50.840143616634549,
        55.834422547209506, 62.228839230199007, 62.955743105602672, 62.361905210563229,
        62.361905210563229, 62.361905210563236, 62.361905210563229, 62.361905210563236,
        62.361905210563236, 62.361905210563229, 62.361905210563236, 68.914810775234685,
        70.914398409567838, 63.48895463713535,  65.035718803750555, 58.683628395742829,
        64.111923714397861, 64.228276446149508, 68.049082536164022, 65.412850928692407,
        60.133923975933889, 58.036452642118128, 47.087125946566545, 36.997123410380702,
        35.744463994674618, 37.798536196547431, 34.688640042193022, 30.119749943525221,
        36.014814698792279, 33.055017396586429, 30.188203474244684, 29.494814616817187,
        29.067301013814774, 38.644575141959088, 37.099785379967251, 40.321379657742455,
        38.856396629642866, 38.466189379610789, 40.974004232723985, 38.602058013217466,
        46.600402416947027, 42.892365173098938}},
      {"CMO 14",
       [](Series in, Output out) { cmo(in, 14, out); },
       cmo_lookback(14),
       14,
       {-26.465566306203797, -14.722586282219332, -6.4372305538154926, 1.6802872332691015,
        11.668845094419012,  24.457678460398022,  25.911486211205347,  24.723810421126462,
        24.723810421126473,  24.723810421126473,  24.723810421126466,  24.723810421126473,
        24.723810421126476,  24.723810421126466,  24.723810421126466,  37.829621550469362,
        41.828796819135682,  26.977909274270718,  30.071437607501107,  17.367256791485662,
        28.223847428795708,  28.45655289229903,   36.09816507232803,   30.825701857384839,
        20.267847951867783,  16.072905284236278,  -5.8257481068669108, -26.005753179238599,
        -28.511072010650771, -24.402927606905124, -30.622719915613978, -39.760500112949565,
        -27.970370602415446, -33.889965206827142, -39.623593051510625, -41.010370766365625,
        -41.865397972370459, -22.710849716081825, -25.80042924006548,  -19.357240684515091,
        -22.287206740714272, -23.067621240778436, -18.051991534552041, -22.795883973565061,
        -6.7991951661059451, -14.215269653802121}},
      {"MACD 12,26,9 line",
       macd_output(12, 26, 9, 0),
       macd_lookback(12, 26, 9),
       33,
       {2.5070402385415917,   2.5043621157061153,   2.4769150152998947,  2.5364716743514322,
        2.515936616065872,    2.3906064522687416,   2.2316656521169307,  1.8742998895806977,
        1.2945483674844382,   0.78329519926106173,  0.41210488000614021, 0.01687480218527071,
        -0.46368294883889405, -0.72402098227561851, -1.0290263249137865, -1.3735287862409677,
        -1.657301041853529,   -1.8782929681385383,  -1.8545311671579867, -1.8650365234591675,
        -1.7889932952226815,  -1.7521048024992467,  -1.7144046466333123, -1.6214554687140321,
        -1.5915784151452073,  -1.402454473857432,   -1.3292382295566654}},
      {"MACD 12,26,9 signal",
       macd_output(12, 26, 9, 1),
       macd_lookback(12, 26, 9),
       33,
       {2.5753088008957485,   2.5611194638578221,   2.5442785741462366,   2.5427171941872757,
        2.537361078562995,    2.5080101533041441,   2.4527412530667014,   2.3370529803695006,
        2.1285520577924881,   1.8595006860862029,   1.5700215248701903,   1.2593921803332064,
        0.91477715449878638,  0.58701752714390532,  0.26380875673236692,  -0.063658751862300078,
        -0.38238720986054586, -0.68156836151614431, -0.91616092264451277, -1.1059360428074436,
        -1.2425474932904912,  -1.3444589551322423,  -1.4184480934324564,  -1.4590495684887714,
        -1.4855553378200586,  -1.4689351650275333,  -1.4409957779333598}},
      {"MACD 12,26,9 histogram",
       macd_output(12, 26, 9, 2),
       macd_lookback(12, 26, 9),
       33,
       {-0.068268562354156792, -0.056757348151706744, -0.067363558846341931, -0.0062455198358435382,
        -0.021424462497122931, -0.11740370103540254,  -0.22107560094977075,  -0.46275309078880289,
        -0.83400369030804988,  -1.0762054868251412,   -1.1579166448640501,   -1.2425173781479357,
        -1.3784601033376804,   -1.3110385094195238,   -1.2928350816461536,   -1.3098700343786676,
        -1.2749138319929831,   -1.196724606622394,    -0.93837024451347395,  -0.75910048065172386,
        -0.54644580193219028,  -0.40764584736700438,  -0.2959565532008559,   -0.16240590022526069,
        -0.10602307732514871,  0.066480691170101247,  0.11175754837669438}},
      {"APO 5,10",
       [](Series in, Output out) { apo(in, 5, 10, out); },
       apo_lookback(5, 10),
       9,
       {-0.70299999999998875, -0.5969999999999942,   -0.85599999999998033, -0.93199999999998795,
        -1.1699999999999875,  -0.85199999999997544,  -0.71399999999997021, -0.16799999999997794,
        0.26000000000003354,  1.3480000000000416,    2.2670000000000243,   3.0280000000000342,
        3.4470000000000312,   3.6470000000000056,    3.1680000000000064,   2.2690000000000055,
        1.4630000000000081,   0.82099999999999795,   0.31700000000000728,  0.0029999999999859028,
        0.19300000000001205,  0.49699999999999989,   0.65400000000002478,  0.8620000000000374,
        0.9490000000000407,   0.79000000000004889,   0.48100000000005139,  0.56900000000007367,
        0.50700000000009027,  0.58600000000008379,   0.48500000000007049,  0.19300000000009732,
        -0.85199999999990439, -1.8029999999998978,   -2.6249999999998863,  -3.3139999999998935,
        -3.6929999999998984,  -3.0979999999999137,   -2.5819999999998942,  -2.4099999999999113,
        -2.066999999999922,   -1.5779999999999177,   -1.4959999999999241,  -1.255999999999915,
        -0.59499999999989939, -0.038999999999902002, 0.33300000000008367,  0.45900000000008845,
        0.49700000000008515,  0.41500000000007731,   0.29000000000007731}},
      {"PPO 5,10",
       [](Series in, Output out) { ppo(in, 5, 10, out); },
       ppo_lookback(5, 10),
       9,
       {-0.71132967044085116, -0.60607291148492348,  -0.87243670757061087, -0.95156415911131675,
        -1.1988687597343919,  -0.87587639040234355,  -0.73462836447441182, -0.17303176368802575,
        0.26729171806895469,  1.3787460366165918,    2.2971151800099552,   3.0430325809499275,
        3.4342588994829502,   3.6045029106830531,    3.0971980525194129,   2.1981109227415896,
        1.4067713491735416,   0.78460229933389836,   0.30149415557859988,  0.0028447613719202163,
        0.18261470190279983,  0.46905820285587529,   0.61631829918768943,  0.81074471887289301,
        0.89184185548218731,  0.74060185619204,      0.44980595688974756,  0.53010611438746558,
        0.47079143103888949,  0.54287408285785599,   0.44930288572890881,  0.17935302809253631,
        -0.79586003325415666, -1.6946285069786162,   -2.4786365138566522,  -3.15270748506402,
        -3.5472437541421966,  -3.0047330850402649,   -2.5311243995685668,  -2.3892138395954317,
        -2.0724921040757232,  -1.5965519334668024,   -1.5186275505024105,  -1.279387197978971,
        -0.60798038113717845, -0.039947146851757181, 0.34121299683387518,  0.47089963374482025,
        0.51019884409687133,  0.42483492859710031,   0.29628116060490134}},
      {"ROC 10",
       [](Series in, Output out) { roc(in, 10, out); },
       roc_lookback(10),
       10,
       {-3.2366957903097737, -3.8438617401668651,   -1.7356205852674056,  -3.5951383924011759,
        -3.2040302267002607, -0.83198051948052409,  -0.99960015993602047, 1.8251875887243862,
        5.1160879391822345,  9.5659415009888846,    8.382926328750262,    8.9350273732052408,
        8.2973916615321386,  11.727937281491684,    9.7741230352867738,   7.8985062410476869,
        6.4822294022617077,  5.0189205337582088,    3.0688037529319701,   2.1850655519665585,
        2.5560920193127057,  1.4887161008913408,    1.9723117769770759,   0.82495732979328551,
        2.4748719893798565,  2.5128010620140362,    3.8118717997345009,   3.3567229281244115,
        2.3990138441115194,  0.0092971364819449676, -3.1016338964275803,  -5.1854620199943913,
        -6.1279523898084438, -4.6082949308755676,   -7.3008235402979409,  -9.3145869947275806,
        -9.1797588600657676, -10.036697247706417,   -10.556533012315949,  -10.551268941154589,
        -8.545298656759071,  -3.2321639731966889,   -3.3481921743437448,  -3.0267179335502381,
        -2.3557596326612251, -0.36719706242349659,  -1.2068792115055849,  -0.61187028349990458,
        2.8160265037788568,  2.026605695281658}},
      {"MOM 10",
       [](Series in, Output out) { mom(in, 10, out); },
       mom_lookback(10),
       10,
       {-3.2600000000000051,
        -3.8700000000000045,
        -1.7199999999999989,
        -3.519999999999996,
        -3.1800000000000068,
        -0.82000000000000739,
        -1,
        1.7999999999999972,
        4.9799999999999898,
        9.1900000000000119,
        8.1700000000000017,
        8.6499999999999915,
        8.0799999999999983,
        11.069999999999993,
        9.3900000000000006,
        7.7199999999999989,
        6.4199999999999875,
        5.039999999999992,
        3.1400000000000006,
        2.2999999999999972,
        2.7000000000000028,
        1.5700000000000074,
        2.0800000000000125,
        0.87000000000000455,
        2.6099999999999994,
        2.6500000000000057,
        4.0200000000000102,
        3.5400000000000063,
        2.5300000000000011,
        0.0099999999999909051,
        -3.3599999999999994,
        -5.5499999999999972,
        -6.5900000000000034,
        -4.8999999999999915,
        -7.8899999999999864,
        -10.069999999999993,
        -10.049999999999997,
        -10.939999999999998,
        -11.399999999999991,
        -11.349999999999994,
        -8.9699999999999989,
        -3.2800000000000011,
        -3.3800000000000097,
        -3.0700000000000074,
        -2.3600000000000136,
        -0.35999999999999943,
        -1.2000000000000028,
        -0.60000000000000853,
        2.7199999999999989,
        1.9500000000000028}},
      {"TRIX 5",
       [](Series in, Output out) { trix(in, 5, out); },
       trix_lookback(5),
       13,
       {-0.36900450431500698, -0.36670352726819733,  -0.27000530304974735, -0.1104328178944014,
        0.083316323017723626, 0.30577979641117636,   0.5778519852032149,   0.78332984454130283,
        0.87714527232543027,  0.87916561576608654,   0.82005513621830062,  0.72752902236259409,
        0.62214149882839909,  0.51729457719904559,   0.42070376479010907,  0.33607277937459656,
        0.33907803098658373,  0.38132237315104955,   0.36358703565007033,  0.33717626625093811,
        0.26009529187949187,  0.2394008975584283,    0.23305648981775118,  0.27144413289035274,
        0.28601125272458283,  0.24408112851805885,   0.17294608152012003,  0.015878067585006761,
        -0.24649061481246681, -0.48242821409133496,  -0.61709425139414575, -0.70910560574558579,
        -0.81525459506484044, -0.82144612082328816,  -0.81551410995979179, -0.83152719179045986,
        -0.83444628563319467, -0.81131331195659628,  -0.67614965704344554, -0.53996668103256651,
        -0.38901267892043068, -0.27821829406882159,  -0.20303024003242021, -0.12968034093099323,
        -0.10008632487285007, -0.017601623627649943, 0.016805503744210526}},
  };
}

double tolerance(double expected) { return std::max(1e-9 * std::abs(expected), 1e-9); }

template <typename Call>
void expect_invalid_input(Call call) {
  try {
    call();
    ADD_FAILURE() << "expected InvalidInput";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput) << error.what();
  }
}

std::vector<double> run(const Kernel& kernel, const std::vector<double>& in) {
  std::vector<double> out(in.size(), -1.0);
  kernel(in, out);
  return out;
}

void expect_same(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t row = 0; row < actual.size(); ++row) {
    if (std::isnan(expected[row])) {
      EXPECT_TRUE(std::isnan(actual[row])) << "row " << row;
    } else {
      EXPECT_NEAR(actual[row], expected[row], tolerance(expected[row])) << "row " << row;
    }
  }
}

TEST(MomentumGoldenTest, AgreesWithTaLibFromTheLookbackOn) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    EXPECT_EQ(static_cast<size_t>(golden.lookback), golden.talib_first);
    ASSERT_EQ(golden.expected.size(), kClose.size() - golden.talib_first);
    const std::vector<double> out = run(golden.kernel, kClose);
    for (size_t row = 0; row < out.size(); ++row) {
      if (row < golden.talib_first) {
        EXPECT_TRUE(std::isnan(out[row])) << "row " << row;
        continue;
      }
      const double expected = golden.expected[row - golden.talib_first];
      EXPECT_NEAR(out[row], expected, tolerance(expected)) << "row " << row;
    }
  }
}

TEST(MomentumBoundaryTest, FirstValueAppearsExactlyAtTheLookback) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const auto lookback = static_cast<size_t>(golden.lookback);
    for (const size_t n : {lookback, lookback + 1}) {
      const std::vector<double> in(kClose.begin(), kClose.begin() + static_cast<ptrdiff_t>(n));
      const std::vector<double> out = run(golden.kernel, in);
      for (size_t row = 0; row < lookback; ++row) EXPECT_TRUE(std::isnan(out[row])) << row;
      if (n > lookback) {
        EXPECT_NEAR(out[lookback], golden.expected[0], tolerance(golden.expected[0]));
      }
    }
  }
}

TEST(MomentumBoundaryTest, ShortAndEmptySeriesAreAllNan) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const std::vector<double> out = run(golden.kernel, {100.0, 101.0});
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](double x) { return std::isnan(x); }));
    std::vector<double> empty;
    EXPECT_NO_THROW(golden.kernel(empty, empty));
  }
}

TEST(MomentumFlatTest, ConstantInputGivesZero) {
  // RSI and CMO divide by gain + loss, PPO by the slow average, ROC and TRIX by an earlier
  // value: on a flat series every one of them is 0, the guards included.
  const std::vector<double> in(80, 1234.56);
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const std::vector<double> out = run(golden.kernel, in);
    for (size_t row = static_cast<size_t>(golden.lookback); row < out.size(); ++row) {
      EXPECT_NEAR(out[row], 0.0, 1e-9) << "row " << row;
    }
  }
}

TEST(MomentumFlatTest, ZeroPricesHitTheDivisionGuards) {
  const std::vector<double> zeros(40, 0.0);
  for (const Kernel& kernel : {Kernel([](Series in, Output out) { ppo(in, 3, 6, out); }),
                               Kernel([](Series in, Output out) { roc(in, 2, out); }),
                               Kernel([](Series in, Output out) { trix(in, 3, out); }),
                               Kernel([](Series in, Output out) { rsi(in, 5, out); })}) {
    const std::vector<double> out = run(kernel, zeros);
    for (const double x : out) EXPECT_TRUE(std::isnan(x) || x == 0.0) << x;
  }
  // ROC from a zero base is 0, not infinity.
  EXPECT_EQ(run([](Series in, Output out) { roc(in, 1, out); }, {0.0, 5.0})[1], 0.0);
}

TEST(MomentumFlatTest, OneWayMovesSaturate) {
  std::vector<double> rising(30);
  for (size_t i = 0; i < rising.size(); ++i) rising[i] = 50.0 + 0.5 * static_cast<double>(i);
  std::vector<double> falling(rising.rbegin(), rising.rend());
  EXPECT_DOUBLE_EQ(run([](Series in, Output out) { rsi(in, 14, out); }, rising).back(), 100.0);
  EXPECT_DOUBLE_EQ(run([](Series in, Output out) { rsi(in, 14, out); }, falling).back(), 0.0);
  EXPECT_DOUBLE_EQ(run([](Series in, Output out) { cmo(in, 14, out); }, rising).back(), 100.0);
  EXPECT_DOUBLE_EQ(run([](Series in, Output out) { cmo(in, 14, out); }, falling).back(), -100.0);
}

TEST(MomentumParameterTest, SwappedFastAndSlowAreSwappedBack) {
  // TA-Lib takes the shorter period as the fast one whichever way round they come.
  for (int which = 0; which < 3; ++which) {
    expect_same(run(macd_output(26, 12, 9, which), kClose),
                run(macd_output(12, 26, 9, which), kClose));
  }
  expect_same(run([](Series in, Output out) { apo(in, 10, 5, out); }, kClose),
              run([](Series in, Output out) { apo(in, 5, 10, out); }, kClose));
  expect_same(run([](Series in, Output out) { ppo(in, 10, 5, out); }, kClose),
              run([](Series in, Output out) { ppo(in, 5, 10, out); }, kClose));
  EXPECT_EQ(macd_lookback(26, 12, 9), 33);
  EXPECT_EQ(apo_lookback(10, 5), 9);
}

TEST(MomentumParameterTest, PeriodOneSmoothingIsTheIdentity) {
  // An EMA of period 1 has k = 1: MACD's signal line is the MACD line itself and TRIX 1 is the
  // 1-bar ROC of the input. (TA-Lib 0.4's EMA lookback is -1 for period 1, which shifts and
  // corrupts these outputs there; the definition is followed instead.)
  const std::vector<double> line = run(macd_output(3, 6, 1, 0), kClose);
  const std::vector<double> signal = run(macd_output(3, 6, 1, 1), kClose);
  const std::vector<double> histogram = run(macd_output(3, 6, 1, 2), kClose);
  EXPECT_EQ(macd_lookback(3, 6, 1), 5);
  expect_same(signal, line);
  for (size_t row = 5; row < histogram.size(); ++row) EXPECT_EQ(histogram[row], 0.0);
  EXPECT_EQ(trix_lookback(1), 1);
  expect_same(run([](Series in, Output out) { trix(in, 1, out); }, kClose),
              run([](Series in, Output out) { roc(in, 1, out); }, kClose));
}

TEST(MomentumParameterTest, RejectsPeriodsOutsideTaLibRange) {
  const std::vector<double> in(40, 1.0);
  std::vector<double> out(in.size());
  std::vector<double> out2(in.size());
  std::vector<double> out3(in.size());
  expect_invalid_input([&] { rsi(in, 1, out); });
  expect_invalid_input([&] { cmo(in, 100001, out); });
  expect_invalid_input([&] { macd(in, 1, 26, 9, out, out2, out3); });
  expect_invalid_input([&] { macd(in, 12, 100001, 9, out, out2, out3); });
  expect_invalid_input([&] { macd(in, 12, 26, 0, out, out2, out3); });
  expect_invalid_input([&] { apo(in, 1, 10, out); });
  expect_invalid_input([&] { ppo(in, 5, 1, out); });
  expect_invalid_input([&] { roc(in, 0, out); });
  expect_invalid_input([&] { mom(in, -1, out); });
  expect_invalid_input([&] { trix(in, 0, out); });
  expect_invalid_input([&] { rsi_lookback(1); });
  expect_invalid_input([&] { macd_lookback(12, 26, 0); });
  EXPECT_EQ(roc_lookback(1), 1);
  EXPECT_EQ(mom_lookback(1), 1);
}

TEST(MomentumParameterTest, RejectsSpansOfAnotherLength) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    std::vector<double> out(kClose.size() - 1);
    expect_invalid_input([&] { golden.kernel(kClose, out); });
  }
  std::vector<double> full(kClose.size());
  std::vector<double> full2(kClose.size());
  std::vector<double> short_histogram(kClose.size() - 1);
  expect_invalid_input([&] { macd(kClose, 12, 26, 9, full, full2, short_histogram); });
}

}  // namespace
}  // namespace gogooku3::features::indicators
