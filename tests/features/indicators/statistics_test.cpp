// Rolling statistics and price transforms against TA-Lib: golden values, the NaN prefix at the
// lookback boundary, flat windows, long series against a direct computation, short and empty
// series, and bad parameters.
//
// The golden outputs come from TA-Lib's own C code (talib-web 0.1.3, TA-Lib compiled to
// WebAssembly) run on kBars; each case lists them from TA-Lib's first defined row on.
#include "features/indicators/statistics.h"

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

struct Bars {
  std::vector<double> open, high, low, close;

  size_t size() const { return close.size(); }
  Bars first_rows(size_t n) const {
    auto cut = [n](const std::vector<double>& v) {
      return std::vector<double>(v.begin(), v.begin() + static_cast<ptrdiff_t>(n));
    };
    return {cut(open), cut(high), cut(low), cut(close)};
  }
};

// 60 daily bars: a random walk with a flat stretch (open = high = low = close) at rows 22-28.
const Bars kBars = {
    // open
    {100,    100.72, 100.68, 99.1,   97.91,  99.25,  98.56,  100.04, 98.62,  97.34,  96.07,  97.46,
     96.81,  97.38,  94.39,  96.07,  97.74,  99.04,  100.42, 102.32, 105.26, 105.63, 105.46, 105.46,
     105.46, 105.46, 105.46, 105.46, 105.46, 105.46, 107.56, 108.33, 107.03, 107.54, 106.33, 108.07,
     108.11, 109.48, 109,    107.99, 107.57, 104.97, 101.48, 100.95, 101.43, 100.18, 98.04,  99.43,
     98.06,  96.59,  96.22,  96,     98.2,   97.57,  98.36,  97.82,  97.68,  98.23,  97.46,  99.31},
    // high
    {100.91, 100.87, 100.98, 99.19,  99.47,  100.59, 100.92, 100.08, 99.23,  97.56,  97.58,  97.64,
     98.16,  98.77,  96.32,  98.38,  99.13,  100.81, 103.13, 105.43, 105.96, 106.33, 105.46, 105.46,
     105.46, 105.46, 105.46, 105.46, 105.46, 107.95, 108.87, 109.31, 108.26, 108.11, 108.18, 108.36,
     109.99, 109.6,  109.07, 108.17, 107.79, 105.33, 101.6,  102.52, 102,    100.48, 99.73,  100.6,
     98.95,  96.83,  96.34,  98.72,  98.23,  98.53,  98.61,  98.33,  98.48,  99.38,  99.48,  99.65},
    // low
    {99.82,  100.59, 98.36,  97.76,  96.76,  98.43,  98.27,  97.97,  97.3,   95.83,  95.24,  96.61,
     96.28,  94.3,   93.48,  95.9,   97.65,  98.61,  99.92,  101.41, 104.57, 105.16, 105.46, 105.46,
     105.46, 105.46, 105.46, 105.46, 105.46, 104.72, 106.88, 106.71, 106.76, 105.56, 105.55, 106.96,
     107.93, 108.02, 107.96, 107.14, 104.46, 101.42, 100.17, 100.85, 100,    97.53,  97.29,  97.66,
     95.08,  96.12,  94.6,   95.99,  96.81,  96.74,  97.53,  97.3,   97.56,  97.09,  96.99,  97.6},
    // close
    {100.72, 100.68, 99.1,   97.91,  99.25,  98.56,  100.04, 98.62,  97.34,  96.07,  97.46,  96.81,
     97.38,  94.39,  96.07,  97.74,  99.04,  100.42, 102.32, 105.26, 105.63, 105.46, 105.46, 105.46,
     105.46, 105.46, 105.46, 105.46, 105.46, 107.56, 108.33, 107.03, 107.54, 106.33, 108.07, 108.11,
     109.48, 109,    107.99, 107.57, 104.97, 101.48, 100.95, 101.43, 100.18, 98.04,  99.43,  98.06,
     96.59,  96.22,  96,     98.2,   97.57,  98.36,  97.82,  97.68,  98.23,  97.46,  99.31,  98.17},
};

using Kernel = std::function<void(const Bars&, Output)>;

// One of BBANDS' three outputs (0 upper, 1 middle, 2 lower) as a single-output kernel.
Kernel bbands_output(int period, double up, double down, int which) {
  return [=](const Bars& bars, Output out) {
    std::vector<double> other(bars.size());
    std::vector<double> another(bars.size());
    if (which == 0) bbands(bars.close, period, up, down, out, other, another);
    if (which == 1) bbands(bars.close, period, up, down, other, out, another);
    if (which == 2) bbands(bars.close, period, up, down, other, another, out);
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
      {"VAR 5",
       [](const Bars& b, Output out) { var(b.close, 5, out); },
       var_lookback(5),
       4,
       {1.1252560000011727,
        0.84532000000035623,
        0.50637600000118255,
        0.51866399999744317,
        0.79089599999861093,
        1.7881440000001021,
        1.7907839999988937,
        0.70291999999790278,
        0.27437599999757367,
        1.2797359999985929,
        1.2797359999985929,
        1.4085359999971843,
        2.500343999998222,
        4.5334959999981947,
        4.628655999997136,
        6.9371839999967051,
        6.7478239999963989,
        4.3698559999975259,
        1.5837440000013885,
        0.013743999999860534,
        0.0046239999992394587,
        0,
        0,
        0,
        0,
        0.7055999999956839,
        1.5413439999956609,
        1.3114959999929852,
        0.91546399999060668,
        0.4366159999917727,
        0.5194399999891175,
        0.45062399999369518,
        1.0327439999891794,
        1.1600559999860707,
        0.36059999998724379,
        0.49259999999048887,
        2.4720559999859688,
        7.3424559999893972,
        8.7012959999847226,
        6.6703199999865319,
        2.7270159999861789,
        1.6293039999854955,
        1.4292239999867888,
        1.6742959999864979,
        1.5465199999853212,
        1.3310959999889747,
        1.6933999999873777,
        0.86782399999174231,
        0.70122399999127083,
        0.97167999998600862,
        0.70927999998821178,
        0.09238399998866953,
        0.095815999988190015,
        0.11367999998765299,
        0.42907999998897139,
        0.40947999999116291}},
      {"STDDEV 5 nbdev 2",
       [](const Bars& b, Output out) { stddev(b.close, 5, out, 2.0); },
       stddev_lookback(5),
       4,
       {2.1215616889463034,
        1.8388257122417624,
        1.4232020236089922,
        1.4403666199929006,
        1.7786466765477746,
        2.6744300327360238,
        2.6764035570136979,
        1.6768064885345628,
        1.0476182510773162,
        2.262508342524812,
        2.262508342524812,
        2.373635186794453,
        3.1624952173865637,
        4.258401578056346,
        4.3028623031638533,
        5.2677069014882383,
        5.1953148124041144,
        4.1808401069629655,
        2.5169378220380323,
        0.23446961423485591,
        0.13599999998881557,
        0,
        0,
        0,
        0,
        1.6799999999948618,
        2.4830175190647856,
        2.2904113167664755,
        1.9135976588516268,
        1.3215384973458362,
        1.4414437207038193,
        1.3425706685216912,
        2.0324802581960588,
        2.1541179169080515,
        1.2009995836589515,
        1.4037093716157756,
        3.1445546584443202,
        5.4193933239761796,
        5.8995918502841267,
        5.165392531061519,
        3.3027358356285044,
        2.5528838594699099,
        2.3910031367497524,
        2.5878918060742016,
        2.487183145637105,
        2.3074626757449184,
        2.602614070497105,
        1.8631414331625415,
        1.6747823739116325,
        1.9714766039555311,
        1.6843752550880244,
        0.60789472769113417,
        0.6190831930788947,
        0.67432929637574845,
        1.3100839667578126,
        1.2798124862512679}},
      {"LINEARREG_SLOPE 10",
       [](const Bars& b, Output out) { linearreg_slope(b.close, 10, out); },
       linearreg_slope_lookback(10),
       9,
       {-0.37533333333333507, -0.32393939393939392,  -0.27115151515151165,  -0.24569696969698382,
        -0.44181818181818183, -0.41430303030304266,  -0.30315151515152222,  -0.012484848484852012,
        0.27090909090909093,  0.55078787878787172,   0.8460000000000053,    1.1426666666666543,
        1.287696969696968,    1.365878787878795,     1.1467878787878769,    0.90551515151515505,
        0.66175757575757221,  0.41109090909091084,   0.17460606060606412,   0.0036969696969732248,
        0.10527272727273433,  0.24563636363633895,   0.27103030303030129,   0.30521212121211594,
        0.24818181818180937,  0.27551515151515504,   0.27339393939393408,   0.31387878787878437,
        0.27945454545454901,  0.14703030303029774,   0.10103030303031009,   -0.035575757575755811,
        -0.40848484848485728, -0.70903030303029946,  -0.98418181818179706,  -1.1521212121211946,
        -1.3384848484848484,  -1.235636363636339,    -1.1176969696969592,   -1.0146666666666648,
        -0.82163636363637071, -0.67636363636365404,  -0.5350303030302872,   -0.42363636363637247,
        -0.1961818181818076,  -0.044303030303016189, -0.014121212121196247, 0.1430909090909038,
        0.18151515151516034,  0.23012121212121917,   0.15890909090909797}},
      {"BBANDS 5 upper",
       bbands_output(5, 2.0, 1.5, 0),
       bbands_lookback(5),
       4,
       {101.6535616889463,  100.93882571224175, 100.39520202360899, 100.31636661999291,
        100.54064667654779, 100.80043003273603, 100.58240355701371, 98.936806488534572,
        98.05961825107731,  98.684508342524808, 98.684508342524808, 98.851635186794468,
        100.08649521738657, 101.79040157805636, 103.42086230316387, 106.22370690148826,
        107.72931481240414, 107.99884010696297, 107.34293782203802, 105.68846961423485,
        105.62999999998881, 105.46000000000001, 105.46000000000001, 105.46000000000001,
        105.46000000000001, 107.55999999999489, 108.93701751906481, 109.05841131676651,
        109.09759765885167, 108.67953849734587, 108.90144372070385, 108.75857066852171,
        109.93848025819609, 110.3521179169081,  109.730999583659,   109.83370937161581,
        110.94655465844437, 111.62139332397622, 110.49159185028418, 108.44539253106157,
        105.10473583562857, 102.96888385946998, 102.39700313674982, 102.01589180607426,
        100.94718314563717, 99.975462675744964, 99.862614070497159, 98.877141433162578,
        98.590782373911665, 99.24147660395559,  99.274375255088074, 98.533894727691177,
        98.551083193078938, 98.584329296375799, 99.410083966757867, 99.449812486251318}},
      {"BBANDS 5 middle",
       bbands_output(5, 2.0, 1.5, 1),
       bbands_lookback(5),
       4,
       {99.531999999999996, 99.099999999999994, 98.971999999999994,
        98.876000000000005, 98.762000000000015, 98.126000000000005,
        97.906000000000006, 97.260000000000005, 97.012,
        96.421999999999997, 96.421999999999997, 96.478000000000009,
        96.924000000000007, 97.532000000000011, 99.118000000000023,
        100.95600000000002, 102.53400000000002, 103.81800000000001,
        104.82599999999999, 105.45399999999999, 105.494,
        105.46000000000001, 105.46000000000001, 105.46000000000001,
        105.46000000000001, 105.88000000000002, 106.45400000000002,
        106.76800000000003, 107.18400000000004, 107.35800000000003,
        107.46000000000004, 107.41600000000003, 107.90600000000003,
        108.19800000000005, 108.53000000000004, 108.43000000000004,
        107.80200000000005, 106.20200000000004, 104.59200000000006,
        103.28000000000006, 101.80200000000006, 100.41600000000007,
        100.00600000000006, 99.428000000000068, 98.460000000000065,
        97.668000000000049, 97.260000000000048, 97.014000000000038,
        96.916000000000039, 97.270000000000053, 97.590000000000046,
        97.926000000000045, 97.932000000000045, 97.910000000000053,
        98.100000000000051, 98.170000000000044}},
      {"BBANDS 5 lower",
       bbands_output(5, 2.0, 1.5, 2),
       bbands_lookback(5),
       4,
       {97.940828733290274, 97.720880715818666, 97.904598482293252, 97.795725035005333,
        97.428014992589183, 96.120177475447989, 95.898697332239735, 96.00239513359908,
        96.226286311692007, 94.725118743106393, 94.725118743106393, 94.697773609904175,
        94.55212858696008,  94.338198816457748, 95.89085327262714,  97.005219823883834,
        98.637513890696937, 100.68236991977778, 102.93829663347147, 105.27814778932385,
        105.39200000000839, 105.46000000000001, 105.46000000000001, 105.46000000000001,
        105.46000000000001, 104.62000000000388, 104.59173686070143, 105.05019151242517,
        105.74880175586132, 106.36684612699065, 106.37891720947218, 106.40907199860875,
        106.38163980635299, 106.58241156231901, 107.62925031225583, 107.3772179712882,
        105.44358400616682, 102.13745500701791, 100.16730611228697, 99.405955601703923,
        99.324948123278688, 98.501337105397639, 98.212747647437737, 97.487081145444421,
        96.59461264077224,  95.937402993191355, 95.308039447127214, 95.61664392512813,
        95.65991321956632,  95.791392547033411, 96.326718558684021, 97.470078954231695,
        97.467687605190875, 97.404253027718241, 97.117437024931689, 97.210140635311589}},
      {"MIDPRICE 5",
       [](const Bars& b, Output out) { midprice(b.high, b.low, 5, out); },
       midprice_lookback(5),
       4,
       {98.870000000000005,
        98.870000000000005,
        98.870000000000005,
        98.840000000000003,
        98.840000000000003,
        98.375,
        98.079999999999998,
        97.659999999999997,
        97.234999999999999,
        96.534999999999997,
        96.125,
        96.125,
        96.305000000000007,
        97.14500000000001,
        98.305000000000007,
        100.66500000000001,
        101.80500000000001,
        102.47,
        103.125,
        103.87,
        105.44999999999999,
        105.745,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        106.33500000000001,
        106.795,
        107.015,
        107.015,
        107.015,
        107.43000000000001,
        107.43000000000001,
        107.77,
        107.77,
        107.77,
        108.47499999999999,
        107.22499999999999,
        105.50999999999999,
        104.62,
        104.17,
        103.89500000000001,
        101.43000000000001,
        99.905000000000001,
        99.905000000000001,
        98.539999999999992,
        97.840000000000003,
        97.599999999999994,
        97.599999999999994,
        96.775000000000006,
        96.659999999999997,
        96.659999999999997,
        97.35499999999999,
        97.674999999999997,
        98.060000000000002,
        98.234999999999999,
        98.319999999999993}},
      {"MEDPRICE",
       [](const Bars& b, Output out) { medprice(b.high, b.low, out); },
       0,
       0,
       {100.36499999999999,
        100.73,
        99.670000000000002,
        98.474999999999994,
        98.115000000000009,
        99.510000000000005,
        99.594999999999999,
        99.025000000000006,
        98.265000000000001,
        96.694999999999993,
        96.409999999999997,
        97.125,
        97.219999999999999,
        96.534999999999997,
        94.900000000000006,
        97.140000000000001,
        98.390000000000001,
        99.710000000000008,
        101.52500000000001,
        103.42,
        105.26499999999999,
        105.745,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        105.45999999999999,
        106.33500000000001,
        107.875,
        108.00999999999999,
        107.51000000000001,
        106.83500000000001,
        106.86500000000001,
        107.66,
        108.96000000000001,
        108.81,
        108.51499999999999,
        107.655,
        106.125,
        103.375,
        100.88499999999999,
        101.685,
        101,
        99.004999999999995,
        98.510000000000005,
        99.129999999999995,
        97.015000000000001,
        96.474999999999994,
        95.469999999999999,
        97.35499999999999,
        97.52000000000001,
        97.634999999999991,
        98.069999999999993,
        97.814999999999998,
        98.02000000000001,
        98.234999999999999,
        98.234999999999999,
        98.625}},
      {"TYPPRICE",
       [](const Bars& b, Output out) { typprice(b.high, b.low, b.close, out); },
       0,
       0,
       {100.48333333333333, 100.71333333333332, 99.480000000000004,
        98.286666666666676, 98.493333333333339, 99.193333333333342,
        99.743333333333339, 98.890000000000001, 97.956666666666663,
        96.486666666666665, 96.759999999999991, 97.019999999999996,
        97.273333333333326, 95.819999999999993, 95.290000000000006,
        97.339999999999989, 98.606666666666669, 99.946666666666673,
        101.79000000000001, 104.03333333333335, 105.38666666666666,
        105.64999999999999, 105.45999999999999, 105.45999999999999,
        105.45999999999999, 105.45999999999999, 105.45999999999999,
        105.45999999999999, 105.45999999999999, 106.74333333333334,
        108.02666666666666, 107.68333333333332, 107.52,
        106.66666666666667, 107.26666666666667, 107.81,
        109.13333333333334, 108.87333333333333, 108.33999999999999,
        107.62666666666667, 105.74000000000001, 102.74333333333334,
        100.90666666666665, 101.60000000000001, 100.72666666666667,
        98.683333333333337, 98.816666666666677, 98.773333333333326,
        96.873333333333335, 96.389999999999986, 95.646666666666661,
        97.636666666666656, 97.536666666666676, 97.876666666666665,
        97.986666666666665, 97.769999999999996, 98.090000000000018,
        97.976666666666674, 98.59333333333332,  98.473333333333343}},
      {"BOP",
       [](const Bars& b, Output out) { bop(b.open, b.high, b.low, b.close, out); },
       0,
       0,
       {0.66055045871559326,
        -0.14285714285711384,
        -0.6030534351145076,
        -0.83216783216783485,
        0.4944649446494489,
        -0.31944444444444392,
        0.55849056603773617,
        -0.67298578199052228,
        -0.66321243523315887,
        -0.73410404624277881,
        0.59401709401709335,
        -0.6310679611650396,
        0.30319148936169921,
        -0.66890380313199005,
        0.59154929577464754,
        0.67338709677419706,
        0.87837837837839217,
        0.62727272727272443,
        0.59190031152647826,
        0.73134328358209066,
        0.26618705035970519,
        -0.14529914529914653,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0.65015479876161175,
        0.38693467336683041,
        -0.49999999999999728,
        0.34000000000000341,
        -0.47450980392157227,
        0.66159695817490061,
        0.028571428571432921,
        0.66504854368932642,
        -0.30379746835443322,
        -0.90990990990991494,
        -0.40776699029126334,
        -0.78078078078077617,
        -0.89258312020460306,
        -0.37062937062937334,
        0.2874251497006009,
        -0.625,
        -0.72542372881355877,
        0.56967213114754178,
        -0.46598639455782503,
        -0.37984496124030936,
        -0.52112676056339124,
        -0.12643678160919408,
        0.80586080586080577,
        -0.44366197183099221,
        0.441340782122907,
        -0.50000000000000655,
        -0.135922330097074,
        0.59782608695651751,
        -0.33624454148472177,
        0.74297188755020149,
        -0.55609756097560692}},
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

std::vector<double> run(const Kernel& kernel, const Bars& bars) {
  std::vector<double> out(bars.size(), -1.0);
  kernel(bars, out);
  return out;
}

Bars flat_bars(size_t n, double price) {
  const std::vector<double> v(n, price);
  return {v, v, v, v};
}

// A deterministic random walk around `level`, rounded to 0.1, as highs, lows and closes.
Bars random_walk(size_t n, double level) {
  Bars bars;
  unsigned state = 12345;
  auto uniform = [&state] {
    state = state * 1103515245u + 12345u;
    return static_cast<double>((state >> 8) & 0xffff) / 65536.0 - 0.5;
  };
  double price = level;
  for (size_t i = 0; i < n; ++i) {
    price = std::round((price * (1 + 0.03 * uniform())) * 10) / 10;
    bars.open.push_back(price);
    bars.close.push_back(price);
    bars.high.push_back(price + std::abs(uniform()) * level * 0.01);
    bars.low.push_back(price - std::abs(uniform()) * level * 0.01);
  }
  return bars;
}

TEST(StatisticsGoldenTest, AgreesWithTaLibFromTheLookbackOn) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    EXPECT_EQ(static_cast<size_t>(golden.lookback), golden.talib_first);
    ASSERT_EQ(golden.expected.size(), kBars.size() - golden.talib_first);
    const std::vector<double> out = run(golden.kernel, kBars);
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

TEST(StatisticsBoundaryTest, FirstValueAppearsExactlyAtTheLookback) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const auto lookback = static_cast<size_t>(golden.lookback);
    for (const size_t n : {lookback, lookback + 1}) {
      const std::vector<double> out = run(golden.kernel, kBars.first_rows(n));
      for (size_t row = 0; row < lookback; ++row) EXPECT_TRUE(std::isnan(out[row])) << row;
      if (n > lookback) {
        EXPECT_NEAR(out[lookback], golden.expected[0], tolerance(golden.expected[0]));
      }
    }
  }
}

TEST(StatisticsBoundaryTest, ShortAndEmptySeriesAreAllNan) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    if (golden.lookback == 0) continue;  // price transforms are defined from the first bar
    const std::vector<double> out = run(golden.kernel, kBars.first_rows(2));
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](double x) { return std::isnan(x); }));
  }
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    EXPECT_NO_THROW(run(golden.kernel, Bars{}));
  }
}

TEST(StatisticsFlatTest, FlatWindowsHaveNoSpread) {
  // 100.25 and its square are exact in binary, so TA-Lib's running sums cancel exactly. (For a
  // price that is not, TA-Lib's mean(x^2) - mean(x)^2 leaves rounding residue on a flat
  // window; we reproduce it rather than hide it.)
  const Bars flat = flat_bars(40, 100.25);
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    const std::vector<double> out = run(golden.kernel, flat);
    const bool is_spread = golden.name.rfind("VAR", 0) == 0 ||
                           golden.name.rfind("STDDEV", 0) == 0 ||
                           golden.name.rfind("LINEARREG", 0) == 0 || golden.name == "BOP";
    const double expected = is_spread ? 0.0 : 100.25;
    for (size_t row = static_cast<size_t>(golden.lookback); row < out.size(); ++row) {
      EXPECT_NEAR(out[row], expected, 1e-12) << "row " << row;
    }
  }
}

TEST(StatisticsFlatTest, VarianceGuardAndPeriodOne) {
  std::vector<double> out(kBars.size(), -1.0);
  var(kBars.close, 1, out);
  EXPECT_EQ(var_lookback(1), 0);
  for (const double x : out) EXPECT_EQ(x, 0.0);
  // The 5-bar windows ending at rows 26-28 lie inside the flat stretch (rows 22-28); there
  // TA-Lib's running sums cancel exactly and both VAR and STDDEV are 0.
  std::vector<double> deviation(kBars.size());
  var(kBars.close, 5, out);
  stddev(kBars.close, 5, deviation);
  for (const size_t row : {26, 27, 28}) {
    EXPECT_EQ(out[row], 0.0) << row;
    EXPECT_EQ(deviation[row], 0.0) << row;
  }
}

TEST(StatisticsFlatTest, BopIsZeroWhenHighEqualsLow) {
  std::vector<double> out(1);
  bop(std::vector<double>{10.0}, std::vector<double>{12.0}, std::vector<double>{12.0},
      std::vector<double>{11.0}, out);
  EXPECT_EQ(out[0], 0.0);
}

TEST(StatisticsSlopeTest, StraightLineHasItsSlope) {
  std::vector<double> line(50);
  for (size_t i = 0; i < line.size(); ++i) line[i] = 3.0 + 0.5 * static_cast<double>(i);
  std::vector<double> out(line.size());
  linearreg_slope(line, 7, out);
  for (size_t row = 6; row < out.size(); ++row) EXPECT_NEAR(out[row], 0.5, 1e-12) << row;
}

TEST(StatisticsSlopeTest, LongSeriesMatchesTheDirectFormula) {
  // The kernel slides its sums in O(1) per bar; a direct least-squares fit of every window
  // (what TA-Lib does) must agree however long the series and however high the price.
  const Bars bars = random_walk(3000, 30000.0);
  for (const int period : {2, 7, 60}) {
    SCOPED_TRACE(period);
    std::vector<double> out(bars.size());
    linearreg_slope(bars.close, period, out);
    for (size_t last = static_cast<size_t>(period - 1); last < out.size(); ++last) {
      long double sum_t = 0;
      long double sum_y = 0;
      long double sum_ty = 0;
      long double sum_tt = 0;
      for (int t = 0; t < period; ++t) {
        const long double y =
            bars.close[last + 1 - static_cast<size_t>(period) + static_cast<size_t>(t)];
        sum_t += t;
        sum_y += y;
        sum_ty += t * y;
        sum_tt += static_cast<long double>(t) * t;
      }
      const auto expected = static_cast<double>((period * sum_ty - sum_t * sum_y) /
                                                (period * sum_tt - sum_t * sum_t));
      ASSERT_NEAR(out[last], expected, tolerance(expected)) << "row " << last;
    }
  }
}

TEST(StatisticsMidpriceTest, LongSeriesMatchesTheWindowScan) {
  const Bars bars = random_walk(2000, 500.0);
  for (const int period : {2, 3, 20, 250}) {
    SCOPED_TRACE(period);
    std::vector<double> out(bars.size());
    midprice(bars.high, bars.low, period, out);
    const auto n = static_cast<size_t>(period);
    for (size_t last = n - 1; last < out.size(); ++last) {
      const auto begin = static_cast<ptrdiff_t>(last + 1 - n);
      const auto end = static_cast<ptrdiff_t>(last + 1);
      const double highest = *std::max_element(bars.high.begin() + begin, bars.high.begin() + end);
      const double lowest = *std::min_element(bars.low.begin() + begin, bars.low.begin() + end);
      ASSERT_EQ(out[last], (highest + lowest) / 2.0) << "row " << last;
    }
  }
}

TEST(StatisticsParameterTest, RejectsParametersOutsideTaLibRange) {
  const std::vector<double> in(20, 1.0);
  std::vector<double> a(in.size());
  std::vector<double> b(in.size());
  std::vector<double> c(in.size());
  expect_invalid_input([&] { var(in, 0, a); });
  expect_invalid_input([&] { var(in, 100001, a); });
  expect_invalid_input([&] { stddev(in, 1, a); });
  expect_invalid_input([&] { stddev(in, 5, a, 4e37); });
  expect_invalid_input([&] { stddev(in, 5, a, std::nan("")); });
  expect_invalid_input([&] { linearreg_slope(in, 1, a); });
  expect_invalid_input([&] { bbands(in, 1, 2.0, 2.0, a, b, c); });
  expect_invalid_input([&] { bbands(in, 5, -4e37, 2.0, a, b, c); });
  expect_invalid_input([&] { bbands(in, 5, 2.0, std::nan(""), a, b, c); });
  expect_invalid_input([&] { midprice(in, in, 1, a); });
  expect_invalid_input([&] { stddev_lookback(1); });
  expect_invalid_input([&] { midprice_lookback(100001); });
  EXPECT_NO_THROW(bbands(in, 5, -2.0, 0.0, a, b, c));
}

TEST(StatisticsParameterTest, RejectsSpansOfAnotherLength) {
  for (const GoldenCase& golden : golden_cases()) {
    SCOPED_TRACE(golden.name);
    std::vector<double> out(kBars.size() - 1);
    expect_invalid_input([&] { golden.kernel(kBars, out); });
  }
  std::vector<double> out(kBars.size());
  const std::vector<double> short_low(kBars.low.begin(), kBars.low.end() - 1);
  expect_invalid_input([&] { midprice(kBars.high, short_low, 5, out); });
  expect_invalid_input([&] { medprice(kBars.high, short_low, out); });
  expect_invalid_input([&] { typprice(kBars.high, kBars.low, short_low, out); });
  expect_invalid_input([&] { bop(kBars.open, kBars.high, short_low, kBars.close, out); });
}

}  // namespace
}  // namespace gogooku3::features::indicators
