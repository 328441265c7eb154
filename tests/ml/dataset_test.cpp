// Tests for src/ml/dataset: Panel (panel.h) and Dataset (day_batch.h).
//
// Panels are built from hand-made feature and price tables, so every expected value is either
// written out or recomputed here from its definition: features copied raw, NaN and listing
// kept apart, labels equal to compute_labels', returns skipping halted days. Batches are checked
// against the normalisation's definition (per-day mean/std over observed values, clipped),
// the mask's three reasons for a 0, and the targets' z-scores. The look-ahead test rebuilds the
// panel from tables whose every value after a day is changed and requires that day's batch and
// graph to be unchanged except for the targets. load_panel is exercised on a lake in a
// temporary directory, including its NotFound for a missing feature partition.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/trading_calendar.h"
#include "features/labels.h"
#include "features/manifest.h"
#include "ml/dataset/day_batch.h"
#include "ml/dataset/panel.h"
#include "ml/dataset/stock_graph.h"
#include "storage/lake/lake.h"
#include "storage/object_store/object_store.h"

namespace gogooku3::ml {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<Date> weekdays_from(Date start, size_t count) {
  std::vector<Date> days;
  for (Date day = start; days.size() < count; ++day) {
    if (!day.is_weekend()) days.push_back(day);
  }
  return days;
}

std::string code_name(size_t i) { return fmt::format("{}0", 1300 + i); }

// Feature rows: row(d, c) gives the F values, or nullopt when the code is not listed that day.
using FeatureRow = std::function<std::optional<std::vector<float>>(size_t d, size_t c)>;

Table feature_table(const std::vector<Date>& days, size_t num_codes,
                    const std::vector<std::string>& names, const FeatureRow& row) {
  std::vector<std::string> codes;
  std::vector<Date> dates;
  std::vector<std::vector<float>> values(names.size());
  // Day-major, as the lake's read_range returns partitions; the panel accepts any order.
  for (size_t d = 0; d < days.size(); ++d) {
    for (size_t c = 0; c < num_codes; ++c) {
      const std::optional<std::vector<float>> v = row(d, c);
      if (!v.has_value()) continue;
      codes.push_back(code_name(c));
      dates.push_back(days[d]);
      for (size_t f = 0; f < names.size(); ++f) values[f].push_back((*v)[f]);
    }
  }
  Table table({Column::of<std::string>("code", std::move(codes)),
               Column::of<Date>("date", std::move(dates))});
  for (size_t f = 0; f < names.size(); ++f) {
    table.add_column(Column::of<float>(names[f], std::move(values[f])));
  }
  return table;
}

// Clean prices: close(d, c) for every day and code (NaN = halted), sector and market per code
// and day.
Table price_table(const std::vector<Date>& days, size_t num_codes,
                  const std::function<double(size_t d, size_t c)>& close,
                  const std::function<std::string(size_t d, size_t c)>& sector,
                  const std::function<std::string(size_t d, size_t c)>& market) {
  std::vector<std::string> codes, sectors, markets;
  std::vector<Date> dates;
  std::vector<double> closes;
  for (size_t c = 0; c < num_codes; ++c) {
    for (size_t d = 0; d < days.size(); ++d) {
      codes.push_back(code_name(c));
      dates.push_back(days[d]);
      closes.push_back(close(d, c));
      sectors.push_back(sector(d, c));
      markets.push_back(market(d, c));
    }
  }
  return Table({Column::of<std::string>("code", std::move(codes)),
                Column::of<Date>("date", std::move(dates)),
                Column::of<double>("adj_close", std::move(closes)),
                Column::of<std::string>("sector33_code", std::move(sectors)),
                Column::of<std::string>("market_code", std::move(markets))})
      .sort_by_code_date();
}

bool same_float(float a, float b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_same_floats(const std::vector<float>& actual, const std::vector<float>& expected,
                        const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_TRUE(same_float(actual[i], expected[i]))
        << what << "[" << i << "]: " << actual[i] << " vs " << expected[i];
  }
}

ErrorCategory category_of(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const Error& error) {
    if (message != nullptr) *message = error.what();
    return error.category();
  }
  ADD_FAILURE() << "expected an Error, nothing was thrown";
  return ErrorCategory::kInternal;
}

// ---------------------------------------------------------------------------------------------
// Panel from hand-made tables.

class SmallPanelTest : public ::testing::Test {
 protected:
  // Price days 0..29; feature days are price days 2, 3, 4. Codes: 0 listed throughout, 1 halted
  // on price day 3 (NaN close) and missing feature b on feature day 0, 2 not listed on feature
  // day 1.
  void SetUp() override {
    price_days_ = weekdays_from(Date::from_ymd(2024, 3, 1), 30);
    feature_days_ = {price_days_[2], price_days_[3], price_days_[4]};
    features_ = feature_table(feature_days_, 3, {"a", "b"}, [](size_t d, size_t c) {
      if (c == 2 && d == 1) return std::optional<std::vector<float>>();
      const float b = (c == 1 && d == 0) ? kNaN : static_cast<float>(100 * c + d) + 0.5f;
      return std::optional<std::vector<float>>({static_cast<float>(10 * c + d), b});
    });
    prices_ = price_table(
        price_days_, 3,
        [](size_t d, size_t c) {
          if (c == 1 && d == 3) return std::nan("");
          return 100.0 * static_cast<double>(c + 1) + static_cast<double>(d * d) * 0.25;
        },
        // Sector of code 0 changes on day 4 (inside) and on day 10 (after the last feature day).
        [](size_t d, size_t c) -> std::string {
          if (c == 0) return d < 4 ? "3050" : (d < 10 ? "3100" : "9999");
          return c == 2 && d < 3 ? "" : "3650";
        },
        [](size_t, size_t c) -> std::string { return c == 1 ? "0112" : "0111"; });
  }

  std::vector<Date> price_days_;
  std::vector<Date> feature_days_;
  Table features_;
  Table prices_;
};

TEST_F(SmallPanelTest, HasTheShapesAndCopiesFeaturesRaw) {
  const Panel panel = build_panel(features_, prices_, {"a", "b"});
  EXPECT_EQ(panel.days, feature_days_);
  EXPECT_EQ(panel.codes, (std::vector<std::string>{"13000", "13010", "13020"}));
  EXPECT_EQ(panel.feature_names, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(panel.num_days(), 3u);
  ASSERT_EQ(panel.num_codes(), 3u);
  ASSERT_EQ(panel.num_features(), 2u);
  EXPECT_EQ(panel.features.size(), 3u * 3u * 2u);
  EXPECT_EQ(panel.listed.size(), 9u);
  EXPECT_EQ(panel.labels.size(), 3u * 3u * kNumHorizons);
  EXPECT_EQ(panel.returns.size(), 9u);
  EXPECT_FLOAT_EQ(panel.feature(2, 1, 0), 12.0f);
  EXPECT_TRUE(std::isnan(panel.feature(1, 2, 1))) << "not listed";
  EXPECT_FLOAT_EQ(panel.feature(0, 2, 1), 200.5f);
  EXPECT_EQ(panel.code_index("13010"), std::optional<size_t>(1));
  EXPECT_EQ(panel.code_index("99990"), std::nullopt);
  EXPECT_EQ(panel.day_index(feature_days_[2]), std::optional<size_t>(2));
  EXPECT_EQ(panel.day_index(price_days_[0]), std::nullopt);
}

TEST_F(SmallPanelTest, KeepsMissingValuesApartFromUnlistedCodes) {
  const Panel panel = build_panel(features_, prices_, {"a", "b"});
  EXPECT_TRUE(panel.is_listed(0, 1));
  EXPECT_FLOAT_EQ(panel.feature(0, 1, 0), 10.0f);
  EXPECT_TRUE(std::isnan(panel.feature(0, 1, 1))) << "listed, feature b missing";
  EXPECT_FALSE(panel.is_listed(1, 2));
  EXPECT_TRUE(std::isnan(panel.feature(1, 2, 0)));
  EXPECT_TRUE(std::isnan(panel.feature(1, 2, 1)));
  for (size_t d = 0; d < 3; ++d) {
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(panel.is_listed(d, c), !(c == 2 && d == 1));
  }
}

TEST_F(SmallPanelTest, LabelsEqualComputeLabels) {
  const Panel panel = build_panel(features_, prices_, {"a", "b"});
  const Table labels = features::compute_labels(prices_);
  const auto& codes = labels.column("code").as<std::string>();
  const auto& dates = labels.column("date").as<Date>();
  int checked = 0;
  for (size_t row = 0; row < labels.num_rows(); ++row) {
    const std::optional<size_t> d = panel.day_index(dates[row]);
    if (!d.has_value()) continue;
    const size_t c = *panel.code_index(codes[row]);
    for (size_t h = 0; h < kNumHorizons; ++h) {
      const double expected =
          labels.column(fmt::format("label_ret_{}d", features::kLabelHorizons[h]))
              .as<double>()[row];
      EXPECT_TRUE(same_float(panel.label(*d, c, h), static_cast<float>(expected)))
          << codes[row] << " " << dates[row].to_string() << " h" << h;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3 * 3 * 4);
  // Spot check by definition: code 0 on feature day 0 (price day 2), 5 traded days ahead.
  const auto close = [](size_t d) { return 100.0 + static_cast<double>(d * d) * 0.25; };
  EXPECT_FLOAT_EQ(panel.label(0, 0, 1), static_cast<float>(close(7) / close(2) - 1));
  // Code 1 is halted on price day 3 = feature day 1: no label there; day 0's 1-day label
  // skips the halt.
  EXPECT_TRUE(std::isnan(panel.label(1, 1, 0)));
  const auto close1 = [](size_t d) { return 200.0 + static_cast<double>(d * d) * 0.25; };
  EXPECT_FLOAT_EQ(panel.label(0, 1, 0), static_cast<float>(close1(4) / close1(2) - 1));
  // 20 traded days after price day 4 is day 24 (< 30): known; code 1 (one halt) too.
  EXPECT_FALSE(std::isnan(panel.label(2, 1, 3)));
}

TEST_F(SmallPanelTest, ReturnsSkipHaltedDaysAndReachBeforeTheFirstFeatureDay) {
  const Panel panel = build_panel(features_, prices_, {"a", "b"});
  const std::vector<Date> expected_return_days = {price_days_[0], price_days_[1], price_days_[2],
                                                  price_days_[3], price_days_[4]};
  EXPECT_EQ(panel.return_days, expected_return_days);
  EXPECT_EQ(panel.return_day_of, (std::vector<size_t>{2, 3, 4}));
  const auto close = [](size_t d, size_t c) {
    return 100.0 * static_cast<double>(c + 1) + static_cast<double>(d * d) * 0.25;
  };
  EXPECT_TRUE(std::isnan(panel.history_return(0, 0))) << "first traded day: no return";
  EXPECT_FLOAT_EQ(panel.history_return(1, 0), static_cast<float>(close(1, 0) / close(0, 0) - 1));
  EXPECT_FLOAT_EQ(panel.daily_return(0, 2), static_cast<float>(close(2, 2) / close(1, 2) - 1));
  EXPECT_TRUE(std::isnan(panel.daily_return(1, 1))) << "halted";
  EXPECT_FLOAT_EQ(panel.daily_return(2, 1), static_cast<float>(close(4, 1) / close(2, 1) - 1))
      << "the return after a halt spans it";
  for (size_t d = 0; d < 3; ++d) {
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_TRUE(same_float(panel.daily_return(d, c), panel.history_return(d + 2, c)));
    }
  }
}

TEST_F(SmallPanelTest, SectorAndMarketAreTheLatestKnownUpToTheLastFeatureDay) {
  const Panel panel = build_panel(features_, prices_, {"a", "b"});
  EXPECT_EQ(panel.sector33, (std::vector<std::string>{"3100", "3650", "3650"}));
  EXPECT_EQ(panel.market, (std::vector<std::string>{"0111", "0112", "0111"}));
}

TEST_F(SmallPanelTest, AcceptsUnsortedPrices) {
  std::vector<size_t> reversed(prices_.num_rows());
  for (size_t i = 0; i < reversed.size(); ++i) reversed[i] = reversed.size() - 1 - i;
  const Panel sorted = build_panel(features_, prices_, {"a", "b"});
  const Panel shuffled = build_panel(features_, prices_.take(reversed), {"a", "b"});
  expect_same_floats(shuffled.labels, sorted.labels, "labels");
  expect_same_floats(shuffled.return_history, sorted.return_history, "returns");
  EXPECT_EQ(shuffled.sector33, sorted.sector33);
}

TEST_F(SmallPanelTest, RejectsMalformedTables) {
  std::string message;
  const std::vector<size_t> twice = {0, 1, 0};
  EXPECT_EQ(category_of(
                [&] {
                  build_panel(features_.take(twice), prices_, {"a", "b"});
                },
                &message),
            ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("two rows for code 13000"), std::string::npos) << message;
  EXPECT_EQ(category_of(
                [&] {
                  build_panel(features_, prices_, {"a", "missing"});
                },
                &message),
            ErrorCategory::kNotFound);
  EXPECT_NE(message.find("missing"), std::string::npos) << message;
  EXPECT_EQ(category_of([&] { build_panel(features_, prices_, {}); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { build_panel(features_.slice(0, 0), prices_, {"a"}); }),
            ErrorCategory::kInvalidInput);
  Table doubles = features_;
  std::vector<double> a(doubles.num_rows(), 1.0);
  doubles.replace_column(Column::of<double>("a", a));
  EXPECT_EQ(category_of([&] { build_panel(doubles, prices_, {"a"}); }, &message),
            ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("a"), std::string::npos) << message;
}

// ---------------------------------------------------------------------------------------------
// A random market for the Dataset tests.

constexpr size_t kCodes = 25;
constexpr size_t kPriceDays = 70;
constexpr size_t kFirstFeatureDay = 12;  // price day index of feature day 0
constexpr size_t kFeatureDays = 30;
const std::vector<std::string> kNames = {"f_a", "f_b", "f_c"};

// Base values are drawn once; tables() can change every value after a cut-off day.
struct RandomMarket {
  std::vector<Date> price_days = weekdays_from(Date::from_ymd(2023, 1, 2), kPriceDays);
  std::vector<Date> feature_days;
  std::vector<float> values;  // [feature day][code][F], NaN = missing
  std::vector<double> close;  // [price day][code], NaN = halted

  explicit RandomMarket(uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uniform(-1, 1);
    std::bernoulli_distribution missing(0.05);
    for (size_t d = 0; d < kFeatureDays; ++d)
      feature_days.push_back(price_days[kFirstFeatureDay + d]);
    for (size_t d = 0; d < kFeatureDays; ++d) {
      for (size_t c = 0; c < kCodes; ++c) {
        // f_c sits far from zero, as prices or volumes would.
        values.push_back(missing(rng) ? kNaN : uniform(rng));
        values.push_back(missing(rng) ? kNaN : 3.0f * uniform(rng));
        values.push_back(missing(rng) ? kNaN : 1000.0f + 50.0f * uniform(rng));
      }
    }
    std::vector<double> level(kCodes, 100.0);
    for (size_t d = 0; d < kPriceDays; ++d) {
      for (size_t c = 0; c < kCodes; ++c) {
        level[c] *= 1.0 + 0.02 * uniform(rng);
        close.push_back((c == 6 && d % 9 == 4) ? std::nan("") : level[c]);
      }
    }
  }

  // Code 3 lists on feature day 5; code 4 delists after feature day 20; code 5 has no observed
  // feature on feature day 7.
  static bool listed(size_t d, size_t c) { return !(c == 3 && d < 5) && !(c == 4 && d > 20); }

  Table features_table(std::optional<Date> change_after = std::nullopt) const {
    return feature_table(feature_days, kCodes, kNames, [&](size_t d, size_t c) {
      if (!listed(d, c)) return std::optional<std::vector<float>>();
      std::vector<float> row(kNames.size());
      for (size_t f = 0; f < kNames.size(); ++f) {
        row[f] = (c == 5 && d == 7) ? kNaN : values[(d * kCodes + c) * kNames.size() + f];
        if (change_after.has_value() && feature_days[d] > *change_after) {
          row[f] = (f == 1 && c % 4 == 0) ? kNaN : -7.0f * row[f] + 3.0f * static_cast<float>(c);
        }
      }
      return std::optional<std::vector<float>>(row);
    });
  }

  Table prices_table(std::optional<Date> change_after = std::nullopt) const {
    return price_table(
        price_days, kCodes,
        [&](size_t d, size_t c) {
          double value = close[d * kCodes + c];
          if (change_after.has_value() && price_days[d] > *change_after) {
            value *= 1.0 + 0.05 * static_cast<double>((d * 7 + c * 3) % 11);
          }
          return value;
        },
        [](size_t, size_t c) { return fmt::format("{}", 3050 + 50 * (c % 4)); },
        [](size_t, size_t c) { return c % 2 == 0 ? std::string("0111") : std::string("0112"); });
  }
};

class DatasetTest : public ::testing::Test {
 protected:
  DatasetTest()
      : market_(20240101),
        panel_(build_panel(market_.features_table(), market_.prices_table(), kNames)) {}

  // The definition: z-score of feature f of code c on day d over that day's observed values.
  double reference_z(size_t d, size_t c, size_t f) const {
    double sum = 0, count = 0;
    for (size_t k = 0; k < panel_.num_codes(); ++k) {
      const float v = panel_.feature(d, k, f);
      if (std::isfinite(v)) sum += v, count += 1;
    }
    const double mean = sum / count;
    double squares = 0;
    for (size_t k = 0; k < panel_.num_codes(); ++k) {
      const float v = panel_.feature(d, k, f);
      if (std::isfinite(v)) squares += (v - mean) * (v - mean);
    }
    return (panel_.feature(d, c, f) - mean) / std::sqrt(squares / count);
  }

  RandomMarket market_;
  Panel panel_;
};

TEST_F(DatasetTest, BatchHoldsTheListedStocksWithAnObservedFeatureInAscendingOrder) {
  const Dataset dataset(panel_, {.lookback = 5});
  for (const size_t d : {size_t{0}, size_t{7}, size_t{25}}) {
    const DayBatch batch = dataset.batch(d);
    EXPECT_EQ(batch.date, panel_.days[d]);
    EXPECT_EQ(batch.day_index, d);
    std::vector<int32_t> expected;
    for (size_t c = 0; c < kCodes; ++c) {
      if (RandomMarket::listed(d, c) && !(c == 5 && d == 7))
        expected.push_back(static_cast<int32_t>(c));
    }
    EXPECT_EQ(batch.codes, expected) << "day " << d;
    EXPECT_EQ(dataset.num_stocks(d), expected.size());
    const size_t b = batch.num_stocks();
    EXPECT_EQ(batch.lookback, 5);
    EXPECT_EQ(batch.num_features, 3);
    EXPECT_EQ(batch.x.size(), b * 5 * 3);
    EXPECT_EQ(batch.mask.size(), b * 5 * 3);
    EXPECT_EQ(batch.target.size(), b * 4);
    EXPECT_EQ(batch.target_mask.size(), b * 4);
    EXPECT_EQ(batch.raw_target.size(), b * 4);
  }
}

TEST_F(DatasetTest, FeaturesAreZScoredPerDayAndFeatureOverObservedValues) {
  const Dataset dataset(panel_, {.lookback = 4});
  const size_t d = 10;
  const DayBatch batch = dataset.batch(d);
  const size_t t_last = 3;
  for (size_t f = 0; f < 3; ++f) {
    double sum = 0, squares = 0, count = 0;
    for (size_t b = 0; b < batch.num_stocks(); ++b) {
      const size_t at = (b * 4 + t_last) * 3 + f;
      if (batch.mask[at] == 0) continue;
      sum += batch.x[at];
      squares += static_cast<double>(batch.x[at]) * batch.x[at];
      count += 1;
    }
    EXPECT_GT(count, 15);
    EXPECT_NEAR(sum / count, 0.0, 1e-5) << "feature " << f;
    EXPECT_NEAR(squares / count, 1.0, 1e-4) << "feature " << f;
  }
  // Every window position, by the definition, on its own day's statistics.
  for (size_t b = 0; b < batch.num_stocks(); ++b) {
    const auto c = static_cast<size_t>(batch.codes[b]);
    for (size_t t = 0; t < 4; ++t) {
      const size_t day = d - 3 + t;
      for (size_t f = 0; f < 3; ++f) {
        const size_t at = (b * 4 + t) * 3 + f;
        if (std::isfinite(panel_.feature(day, c, f))) {
          EXPECT_EQ(batch.mask[at], 1.0f);
          EXPECT_NEAR(batch.x[at], reference_z(day, c, f), 1e-5) << b << " " << t << " " << f;
        } else {
          EXPECT_EQ(batch.mask[at], 0.0f);
          EXPECT_EQ(batch.x[at], 0.0f);
        }
      }
    }
  }
}

TEST_F(DatasetTest, MaskMarksMissingUnlistedAndDaysBeforeThePanel) {
  const Dataset dataset(panel_, {.lookback = 8});
  // Day 6: code 3 listed since day 5, so window days 0..4 (t = 0..4) are not listed; the
  // window starts at day -1 (t = 0), before the panel.
  const DayBatch batch = dataset.batch(6);
  const auto position = std::find(batch.codes.begin(), batch.codes.end(), 3) - batch.codes.begin();
  const auto b3 = static_cast<size_t>(position);
  ASSERT_LT(b3, batch.num_stocks());
  for (size_t t = 0; t < 8; ++t) {
    for (size_t f = 0; f < 3; ++f) {
      const size_t at = (b3 * 8 + t) * 3 + f;
      const bool expected = t >= 6 && std::isfinite(panel_.feature(t - 1, 3, f));
      EXPECT_EQ(batch.mask[at], expected ? 1.0f : 0.0f) << "t " << t << " f " << f;
      if (!expected) {
        EXPECT_EQ(batch.x[at], 0.0f);
      }
    }
  }
  for (size_t b = 0; b < batch.num_stocks(); ++b) {
    for (size_t f = 0; f < 3; ++f) {
      EXPECT_EQ(batch.mask[(b * 8 + 0) * 3 + f], 0.0f) << "day -1 is before the panel";
      EXPECT_EQ(batch.x[(b * 8 + 0) * 3 + f], 0.0f);
    }
  }
  // A NaN value inside the window: mask 0 there, 1 for the stock's other features.
  size_t missing_seen = 0;
  for (size_t b = 0; b < batch.num_stocks(); ++b) {
    const auto c = static_cast<size_t>(batch.codes[b]);
    for (size_t f = 0; f < 3; ++f) {
      const bool observed = std::isfinite(panel_.feature(6, c, f));
      EXPECT_EQ(batch.mask[(b * 8 + 7) * 3 + f], observed ? 1.0f : 0.0f);
      missing_seen += observed ? 0 : 1;
    }
  }
  EXPECT_GT(missing_seen, 0u) << "the fixture should have a missing value on day 6";
}

TEST_F(DatasetTest, ClipBoundsTheZScores) {
  // One outlier per feature on day 3: with 24 other stocks its z is about sqrt(24) ~ 4.9.
  Table features = market_.features_table();
  for (const std::string& name : kNames) {
    auto values = features.column(name).as<float>();
    const auto& dates = features.column("date").as<Date>();
    const auto& codes = features.column("code").as<std::string>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (dates[row] == market_.feature_days[3] && codes[row] == code_name(0)) values[row] = 1e6f;
    }
    features.replace_column(Column::of<float>(name, values));
  }
  const Panel panel = build_panel(features, market_.prices_table(), kNames);
  const Dataset dataset(panel, {.lookback = 1, .clip = 2.0});
  const DayBatch batch = dataset.batch(3);
  ASSERT_EQ(batch.codes.front(), 0);
  float largest = 0;
  for (size_t b = 0; b < batch.num_stocks(); ++b) {
    for (size_t f = 0; f < 3; ++f) {
      largest = std::max(largest, std::abs(batch.x[b * 3 + f]));
      if (b == 0) {
        EXPECT_EQ(batch.x[f], 2.0f);
      }
    }
  }
  EXPECT_EQ(largest, 2.0f);
  const Dataset unclipped(panel, {.lookback = 1, .clip = 100.0});
  EXPECT_GT(unclipped.batch(3).x[0], 4.0f);
  const std::vector<float> last = dataset.last_day_features(batch);
  ASSERT_EQ(last.size(), batch.num_stocks() * 3);
  EXPECT_EQ(last[0], 2.0f);
}

TEST_F(DatasetTest, TargetsAreZScoredAcrossTheBatchAndMasked) {
  const Dataset dataset(panel_, {.lookback = 2});
  const DayBatch batch = dataset.batch(4);
  for (size_t h = 0; h < kNumHorizons; ++h) {
    double sum = 0, squares = 0, count = 0;
    for (size_t b = 0; b < batch.num_stocks(); ++b) {
      const size_t at = b * kNumHorizons + h;
      const float raw = panel_.label(4, static_cast<size_t>(batch.codes[b]), h);
      EXPECT_TRUE(same_float(batch.raw_target[at], raw));
      if (!std::isfinite(raw)) {
        EXPECT_EQ(batch.target_mask[at], 0.0f);
        EXPECT_EQ(batch.target[at], 0.0f);
        continue;
      }
      EXPECT_EQ(batch.target_mask[at], 1.0f);
      sum += batch.target[at];
      squares += static_cast<double>(batch.target[at]) * batch.target[at];
      count += 1;
    }
    EXPECT_GT(count, 15) << "h " << h;
    EXPECT_NEAR(sum / count, 0.0, 1e-5);
    EXPECT_NEAR(squares / count, 1.0, 1e-4);
  }
  // Code 6 is halted on price days 4, 13, 22, ...: feature day 1 is price day 13.
  const DayBatch halted = dataset.batch(1);
  const auto b6 = static_cast<size_t>(std::find(halted.codes.begin(), halted.codes.end(), 6) -
                                      halted.codes.begin());
  for (size_t h = 0; h < kNumHorizons; ++h) {
    EXPECT_EQ(halted.target_mask[b6 * kNumHorizons + h], 0.0f);
    EXPECT_TRUE(std::isnan(halted.raw_target[b6 * kNumHorizons + h]));
  }
  // The last feature day is price day 41 and prices end at day 69: 20-day labels are known up
  // to price day 49, so every horizon is still known at the end; drop the later prices to see
  // the 20-day target masked.
  const Table prices = market_.prices_table();
  std::vector<size_t> rows;
  const auto& dates = prices.column("date").as<Date>();
  for (size_t row = 0; row < prices.num_rows(); ++row) {
    if (dates[row] <= market_.price_days[50]) rows.push_back(row);
  }
  const Panel short_panel = build_panel(market_.features_table(), prices.take(rows), kNames);
  const DayBatch last = Dataset(short_panel, {.lookback = 2}).batch(kFeatureDays - 1);
  for (size_t b = 0; b < last.num_stocks(); ++b) {
    EXPECT_EQ(last.target_mask[b * kNumHorizons + 3], 0.0f);
    EXPECT_EQ(last.target[b * kNumHorizons + 3], 0.0f);
    if (last.codes[b] != 6) {
      EXPECT_EQ(last.target_mask[b * kNumHorizons + 0], 1.0f);
    }
  }
}

TEST_F(DatasetTest, NothingAfterTheBatchDayChangesItExceptTheTargets) {
  const Dataset dataset(panel_, {.lookback = 6});
  const GraphOptions graph_options{.window = 10, .min_observations = 5, .threshold = 0.05};
  for (const size_t d : {size_t{5}, size_t{14}, size_t{28}}) {
    const Date cut = panel_.days[d];
    const Panel changed_panel =
        build_panel(market_.features_table(cut), market_.prices_table(cut), kNames);
    ASSERT_EQ(changed_panel.days, panel_.days);
    const Dataset changed(changed_panel, {.lookback = 6});
    const DayBatch before = dataset.batch(d);
    const DayBatch after = changed.batch(d);
    EXPECT_EQ(after.codes, before.codes) << "day " << d;
    expect_same_floats(after.x, before.x, fmt::format("x of day {}", d));
    expect_same_floats(after.mask, before.mask, fmt::format("mask of day {}", d));
    expect_same_floats(changed.last_day_features(after), dataset.last_day_features(before),
                       "last-day features");
    bool labels_differ = false;
    for (size_t i = 0; i < after.raw_target.size(); ++i) {
      labels_differ = labels_differ || !same_float(after.raw_target[i], before.raw_target[i]);
    }
    EXPECT_TRUE(labels_differ) << "the change must reach day " << d << "'s labels";
    const StockGraph graph_before = build_stock_graph(panel_, d, before.codes, graph_options);
    const StockGraph graph_after = build_stock_graph(changed_panel, d, after.codes, graph_options);
    EXPECT_EQ(graph_after.source, graph_before.source);
    EXPECT_EQ(graph_after.target, graph_before.target);
    expect_same_floats(graph_after.edge_attr, graph_before.edge_attr, "edge attributes");
    // And the change is visible on the next day, so the test could fail.
    if (d + 1 < panel_.num_days()) {
      EXPECT_NE(changed.batch(d + 1).x, dataset.batch(d + 1).x);
    }
  }
}

TEST_F(DatasetTest, DaysWithTooFewStocksAreNotBatches) {
  // 25 stocks only while code 3 is listed (day 5 on) and code 4 not yet delisted (to day 20),
  // except on day 7 when code 5 has no observed feature.
  const Dataset dataset(panel_, {.min_stocks = 25});
  std::vector<size_t> expected;
  for (size_t d = 5; d <= 20; ++d) {
    if (d != 7) expected.push_back(d);
  }
  EXPECT_EQ(dataset.usable_days(), expected);
  std::string message;
  EXPECT_EQ(category_of([&] { dataset.batch(0); }, &message), ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("min_stocks"), std::string::npos) << message;
  EXPECT_EQ(category_of([&] { dataset.batch(kFeatureDays); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { Dataset(panel_, {.lookback = 0}); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([&] { Dataset(panel_, {.clip = 0}); }), ErrorCategory::kInvalidInput);
}

// ---------------------------------------------------------------------------------------------
// load_panel on a lake in a temporary directory.

class LoadPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() / ("g3_ml_panel_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    lake_ = std::make_unique<storage::Lake>(
        storage::open_object_store("file://" + (root_ / "lake").string()));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write_by_day(std::string_view dataset, const Table& table) {
    std::map<Date, std::vector<size_t>> rows;
    const auto& dates = table.column("date").as<Date>();
    for (size_t row = 0; row < dates.size(); ++row) rows[dates[row]].push_back(row);
    for (const auto& [day, members] : rows)
      lake_->write_partition(dataset, day, table.take(members));
  }

  std::filesystem::path root_;
  std::unique_ptr<storage::Lake> lake_;
  TradingCalendar calendar_;
};

TEST_F(LoadPanelTest, ReadsFeaturesAndSurroundingPricesLikeBuildPanel) {
  const features::FeatureManifest manifest =
      features::FeatureManifest::from_names({"ret_1d", "ret_5d"}, "test");
  const Date from = Date::from_ymd(2024, 3, 4);
  const Date to = Date::from_ymd(2024, 3, 8);
  const std::vector<Date> feature_days = calendar_.business_days(from, to);
  const std::vector<Date> price_days = calendar_.business_days(
      calendar_.add_business_days(from, -12), calendar_.add_business_days(to, 25));
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> uniform(-0.02, 0.02);
  std::vector<double> closes(price_days.size() * 4);
  for (size_t c = 0; c < 4; ++c) {
    double level = 500;
    for (size_t d = 0; d < price_days.size(); ++d) closes[d * 4 + c] = level *= 1 + uniform(rng);
  }
  const Table features =
      feature_table(feature_days, 4, {"ret_1d", "ret_5d"}, [](size_t d, size_t c) {
        if (c == 3 && d == 0) return std::optional<std::vector<float>>();
        return std::optional<std::vector<float>>(
            {0.01f * static_cast<float>(c + d), c == 2 ? kNaN : 0.5f * static_cast<float>(d)});
      });
  Table prices = price_table(
      price_days, 4, [&](size_t d, size_t c) { return closes[d * 4 + c]; },
      [](size_t, size_t c) { return fmt::format("{}", 3050 + 50 * c); },
      [](size_t, size_t) { return std::string("0111"); });
  write_by_day(manifest.dataset(), features);
  write_by_day("clean/prices", prices.select({"code", "date", "adj_close"}));
  write_by_day("raw/equities_master",
               prices.select({"code", "date", "sector33_code", "market_code"}));

  const Panel loaded = load_panel(*lake_, calendar_, manifest, from, to);
  const Panel built = build_panel(features, prices, manifest.names());
  EXPECT_EQ(loaded.days, feature_days);
  EXPECT_EQ(loaded.codes, built.codes);
  EXPECT_EQ(loaded.listed, built.listed);
  EXPECT_FALSE(loaded.is_listed(0, 3));
  expect_same_floats(loaded.features, built.features, "features");
  expect_same_floats(loaded.labels, built.labels, "labels");
  expect_same_floats(loaded.returns, built.returns, "returns");
  EXPECT_EQ(loaded.return_days, built.return_days);
  EXPECT_EQ(loaded.return_days.front(), price_days.front()) << "the history before `from`";
  EXPECT_EQ(loaded.sector33, (std::vector<std::string>{"3050", "3100", "3150", "3200"}));
  EXPECT_EQ(loaded.market, built.market);
  EXPECT_FALSE(std::isnan(loaded.label(4, 0, 3))) << "prices after `to` feed the labels";
}

TEST_F(LoadPanelTest, AMissingFeatureDayIsNotFoundAndSaysHowToBuildIt) {
  const features::FeatureManifest manifest =
      features::FeatureManifest::from_names({"ret_1d"}, "test");
  const Date from = Date::from_ymd(2024, 3, 4);
  const Date to = Date::from_ymd(2024, 3, 8);
  const std::vector<Date> present = {from, Date::from_ymd(2024, 3, 5)};
  const Table features = feature_table(present, 2, {"ret_1d"}, [](size_t, size_t) {
    return std::optional<std::vector<float>>(std::vector<float>{0.0f});
  });
  write_by_day(manifest.dataset(), features);
  std::string message;
  EXPECT_EQ(category_of([&] { load_panel(*lake_, calendar_, manifest, from, to); }, &message),
            ErrorCategory::kNotFound);
  EXPECT_NE(message.find(manifest.dataset()), std::string::npos) << message;
  EXPECT_NE(message.find("2024-03-06"), std::string::npos) << message;
  EXPECT_NE(message.find("gogooku3 features compute --from 2024-03-06 --to 2024-03-08"),
            std::string::npos)
      << message;
  // A weekend-only range has no business day.
  EXPECT_EQ(category_of([&] {
              load_panel(*lake_, calendar_, manifest, Date::from_ymd(2024, 3, 9),
                         Date::from_ymd(2024, 3, 10));
            }),
            ErrorCategory::kInvalidInput);
}

}  // namespace
}  // namespace gogooku3::ml
