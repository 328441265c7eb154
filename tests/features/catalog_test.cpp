// The catalog: its size, its names, and every feature's declared lookback checked at the
// boundary on a well-behaved random walk (TA-Lib's habit: the lookback is a promise).
#include "features/catalog/catalog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/error.h"
#include "features/labels.h"

namespace gogooku3::features {
namespace {

TEST(FeatureCatalog, HasAtLeast713UniqueFeaturesInEveryFamily) {
  const Catalog& c = catalog();
  EXPECT_GE(c.size(), 713u);
  std::set<std::string> names;
  for (const FeatureDef& f : c.all()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_FALSE(is_label_name(f.name)) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
    EXPECT_FALSE(f.inputs.empty()) << f.name;
    EXPECT_GE(f.lookback, 0) << f.name;
  }
  const std::vector<std::string> families = c.families();
  for (const char* family : {"returns", "volatility", "moving_average", "momentum", "bands",
                             "volume", "position_52w", "gaps", "limits", "market", "beta", "flows",
                             "margin", "cross_section", "sector_relative"}) {
    EXPECT_NE(std::find(families.begin(), families.end(), family), families.end()) << family;
  }
}

TEST(FeatureCatalog, UnknownNameSuggestsSimilarOnes) {
  EXPECT_EQ(catalog().find("rsi_13"), nullptr);
  try {
    catalog().get("rsi_13");
    FAIL() << "expected NotFound";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find("rsi_14"), std::string::npos) << e.what();
  }
}

// A deterministic random walk with positive volume, a market series, and a few limit hits.
struct Walk {
  std::vector<Date> dates;
  std::vector<double> open, high, low, close, volume, turnover, upper, lower, market;
  PriceSeries series() const {
    return {dates, open, high, low, close, volume, turnover, upper, lower, market};
  }
};

Walk random_walk(size_t n) {
  Walk w;
  double price = 1000, index = 2000;
  uint64_t state = 12345;
  const auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (size_t i = 0; i < n; ++i) {
    const double m = 0.01 * (uniform() - 0.5);
    index *= 1 + m;
    const double open = price * (1 + 0.01 * (uniform() - 0.5));
    price *= 1 + m + 0.03 * (uniform() - 0.5);
    w.dates.push_back(Date(static_cast<int32_t>(17000 + i)));
    w.open.push_back(open);
    w.close.push_back(price);
    w.high.push_back(std::max(open, price) * (1 + 0.01 * uniform()));
    w.low.push_back(std::min(open, price) * (1 - 0.01 * uniform()));
    w.volume.push_back(1000 + 1000 * uniform());
    w.turnover.push_back(w.volume.back() * price);
    w.upper.push_back(i % 97 == 50 ? 1 : 0);
    w.lower.push_back(i % 89 == 40 ? 1 : 0);
    w.market.push_back(index);
  }
  return w;
}

TEST(FeatureCatalog, EveryPriceFeatureIsNaNBeforeItsLookbackAndDefinedAtIt) {
  const Walk walk = random_walk(1200);
  const PriceSeries series = walk.series();
  for (const FeatureDef& f : catalog().all()) {
    if (f.stage != FeatureStage::kStock && f.stage != FeatureStage::kMarket) continue;
    std::vector<double> out(series.size(), -12345.0);
    f.price(series, out);
    const auto lookback = static_cast<size_t>(f.lookback);
    for (size_t i = 0; i < lookback; ++i) {
      ASSERT_TRUE(std::isnan(out[i]))
          << f.name << " is defined at " << i << " < lookback " << lookback << ": " << out[i];
    }
    EXPECT_TRUE(std::isfinite(out[lookback])) << f.name << " at its lookback " << lookback;
    for (size_t i = lookback; i < out.size(); ++i) {
      ASSERT_NE(out[i], -12345.0) << f.name << " left row " << i << " unwritten";
    }
  }
}

TEST(FeatureCatalog, PriceFeaturesSurviveVeryShortSeries) {
  const Walk walk = random_walk(3);
  for (const FeatureDef& f : catalog().all()) {
    if (f.stage != FeatureStage::kStock && f.stage != FeatureStage::kMarket) continue;
    for (size_t n : {0u, 1u, 3u}) {
      PriceSeries s = walk.series();
      const auto cut = [n](Series x) { return x.subspan(0, n); };
      s = {std::span<const Date>(walk.dates).subspan(0, n),
           cut(s.open),
           cut(s.high),
           cut(s.low),
           cut(s.close),
           cut(s.volume),
           cut(s.turnover),
           cut(s.upper_limit),
           cut(s.lower_limit),
           cut(s.market_close)};
      std::vector<double> out(n);
      EXPECT_NO_THROW(f.price(s, out)) << f.name << " with " << n << " bars";
    }
  }
}

TEST(FeatureCatalog, FlowFeaturesRespectTheirLookbackInWeeks) {
  std::vector<Date> published;
  std::vector<double> foreign, individual, total;
  for (int w = 0; w < 80; ++w) {
    published.push_back(Date(17000 + 7 * w));
    foreign.push_back(1e6 * std::sin(w * 0.7));
    individual.push_back(-8e5 * std::cos(w * 0.3));
    total.push_back(5e8 + 1e7 * w);
  }
  const FlowSeries s{published, foreign, individual, total};
  for (const FeatureDef& f : catalog().all()) {
    if (f.stage != FeatureStage::kFlow) continue;
    std::vector<double> out(s.size());
    f.flow(s, out);
    const auto lookback = static_cast<size_t>(f.lookback);
    if (lookback > 0) {
      EXPECT_TRUE(std::isnan(out[lookback - 1])) << f.name;
    }
    EXPECT_TRUE(std::isfinite(out[lookback])) << f.name;
  }
}

TEST(FeatureCatalog, MarginFeaturesRespectTheirLookbackInWeeks) {
  std::vector<Date> available;
  std::vector<double> longs, shorts;
  for (int w = 0; w < 70; ++w) {
    available.push_back(Date(17000 + 7 * w));
    longs.push_back(1e5 * (2 + std::sin(w * 0.4)));
    shorts.push_back(w % 9 == 0 ? 0.0 : 3e4 * (2 + std::cos(w * 0.9)));  // empty weeks happen
  }
  const MarginSeries s{available, longs, shorts};
  size_t count = 0;
  for (const FeatureDef& f : catalog().all()) {
    if (f.stage != FeatureStage::kMargin) continue;
    ++count;
    std::vector<double> out(s.size());
    f.margin(s, out);
    const auto lookback = static_cast<size_t>(f.lookback);
    if (lookback > 0) {
      EXPECT_TRUE(std::isnan(out[lookback - 1])) << f.name;
    }
    for (size_t i = lookback; i < out.size(); ++i) ASSERT_TRUE(std::isfinite(out[i])) << f.name;
  }
  EXPECT_GE(count, 6u);
}

}  // namespace
}  // namespace gogooku3::features
