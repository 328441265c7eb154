// The three correctness guards of the feature engine, over every active feature:
//   no look-ahead          changing everything after day t changes nothing at or before t
//   incremental == full    one day from the trailing window equals the same day from all history
//   splits                 a split (raw prices halved, volume doubled) changes no feature
#include <gtest/gtest.h>

#include <cmath>

#include "features/engine.h"
#include "features/manifest.h"
#include "market/ingest/clean_prices.h"
#include "sample_features_fixture.h"

namespace gogooku3::features {
namespace {

using testing::filter_by_date;
using testing::sample_feature_data;

Table compute(const Table& prices, const Table& topix, const Table& flows, Date from, Date to) {
  return compute_features({prices, topix, flows}, FeatureManifest::built_in().features(), from, to);
}

// Multiplies every double column of rows after `t` by a factor that differs per row, and
// shifts dates-only columns alone: the future becomes a different future.
Table perturb_after(const Table& table, std::string_view date_column, Date t) {
  Table out = table;
  const auto& dates = table.column(date_column).as<Date>();
  for (const Column& column : table.columns()) {
    if (column.type() == ColumnType::kDouble) {
      std::vector<double> values = column.as<double>();
      for (size_t i = 0; i < values.size(); ++i) {
        if (dates[i] > t) values[i] *= 1.0 + 0.37 * std::sin(static_cast<double>(i));
      }
      out.replace_column(Column::of<double>(column.name(), std::move(values)));
    } else if (column.type() == ColumnType::kInt64) {
      std::vector<int64_t> values = column.as<int64_t>();
      for (size_t i = 0; i < values.size(); ++i) {
        if (dates[i] > t) values[i] = values[i] * 3 - 1000;
      }
      out.replace_column(Column::of<int64_t>(column.name(), std::move(values)));
    } else if (column.name() == "sector33_code") {
      std::vector<std::string> values = column.as<std::string>();
      for (size_t i = 0; i < values.size(); ++i) {
        if (dates[i] > t) values[i] = "9999";
      }
      out.replace_column(Column::of<std::string>(column.name(), std::move(values)));
    }
  }
  return out;
}

// Rows of a feature table on or before `t`.
Table through(const Table& features, Date t) {
  return filter_by_date(features, kDateColumn, [t](Date d) { return d <= t; });
}

TEST(FeatureGuards, NoLookAheadForEveryActiveFeature) {
  const auto& data = sample_feature_data();
  const Date t = data.calendar.add_business_days(data.last, -40);
  const Date from = data.calendar.add_business_days(t, -10);
  const Table honest = compute(data.prices, data.topix, data.investor_types, from, data.last);
  const Table future_changed =
      compute(perturb_after(data.prices, kDateColumn, t).sort_by_code_date(),
              perturb_after(data.topix, kDateColumn, t),
              perturb_after(data.investor_types, "published_date", t), from, data.last);
  // The perturbation reached the output after t (so the test can fail) ...
  EXPECT_FALSE(honest.equals(future_changed));
  // ... and nothing at or before t moved, bit for bit.
  const Table a = through(honest, t);
  const Table b = through(future_changed, t);
  ASSERT_GT(a.num_rows(), 500u);
  EXPECT_EQ(a.first_difference(b), std::nullopt);
}

// Regression: a range ending before the data's last day wrote the later days' values past
// the end of the output (heap corruption).
TEST(FeatureGuards, RangeEndingBeforeTheDataEqualsTheSameDaysOfALongerRange) {
  const auto& data = sample_feature_data();
  const Date t = data.calendar.add_business_days(data.last, -60);
  const Date from = data.calendar.add_business_days(t, -5);
  const Table shorter = compute(data.prices, data.topix, data.investor_types, from, t);
  const Table longer = compute(data.prices, data.topix, data.investor_types, from, data.last);
  EXPECT_EQ(shorter.first_difference(through(longer, t)), std::nullopt);
}

// Within 1e-5 of max(1, |value|): both sides are float32 (ulp 6e-8 relative) and recursive
// smoothers differ by up to 1e-8 after their memory, so a difference of two float32 values
// (sector-relative RSI, around 50) can move by one ulp of its inputs.
void expect_close_tables(const Table& full, const Table& incremental) {
  ASSERT_EQ(full.num_rows(), incremental.num_rows());
  ASSERT_EQ(full.schema(), incremental.schema());
  for (size_t c = 2; c < full.num_columns(); ++c) {
    const auto& x = full.columns()[c].as<float>();
    const auto& y = incremental.columns()[c].as<float>();
    for (size_t r = 0; r < x.size(); ++r) {
      if (std::isnan(x[r]) || std::isnan(y[r])) {
        EXPECT_EQ(std::isnan(x[r]), std::isnan(y[r]))
            << full.columns()[c].name() << " row " << r << ": " << x[r] << " vs " << y[r];
        continue;
      }
      EXPECT_NEAR(x[r], y[r], 1e-5 * std::max(1.0f, std::abs(x[r])))
          << full.columns()[c].name() << " row " << r;
    }
  }
}

TEST(FeatureGuards, IncrementalDayEqualsFullHistory) {
  const auto& data = sample_feature_data();
  const FeatureManifest manifest = FeatureManifest::built_in();
  for (const Date day : {data.last, data.calendar.add_business_days(data.last, -7)}) {
    // Full: every day from the first one, so each feature runs over all history.
    const Table full = through(
        filter_by_date(compute(data.prices, data.topix, data.investor_types, data.first, day),
                       kDateColumn, [day](Date d) { return d == day; }),
        day);
    const Date start = data.calendar.add_business_days(day, -manifest.window_business_days());
    const auto in_window = [start, day](Date d) { return d >= start && d <= day; };
    const Table incremental =
        compute(filter_by_date(data.prices, kDateColumn, in_window).sort_by_code_date(),
                filter_by_date(data.topix, kDateColumn, in_window),
                filter_by_date(data.investor_types, "published_date", in_window), day, day);
    ASSERT_GT(full.num_rows(), 40u);
    expect_close_tables(full, incremental);
  }
}

// Raw bars of one code from `ex_date` on as if it split 1:2 that day: prices halved, volume
// doubled, AdjustmentFactor 0.5 on the ex-date. Turnover (yen) is unchanged by a split.
Table split_bars(Table bars, std::string_view code, Date ex_date, Date day) {
  if (day < ex_date) return bars;
  const auto& codes = bars.column("code").as<std::string>();
  for (const char* price :
       {"open", "high", "low", "close", "upper_limit_price", "lower_limit_price"}) {
    if (!bars.has_column(price)) continue;
    std::vector<double> values = bars.column(price).as<double>();
    for (size_t i = 0; i < values.size(); ++i) {
      if (codes[i] == code) values[i] *= 0.5;
    }
    bars.replace_column(Column::of<double>(price, std::move(values)));
  }
  std::vector<double> volume = bars.column("volume").as<double>();
  std::vector<double> factor = bars.column("adjustment_factor").as<double>();
  for (size_t i = 0; i < volume.size(); ++i) {
    if (codes[i] != code) continue;
    volume[i] *= 2;
    if (day == ex_date) factor[i] *= 0.5;
  }
  bars.replace_column(Column::of<double>("volume", std::move(volume)));
  bars.replace_column(Column::of<double>("adjustment_factor", std::move(factor)));
  return bars;
}

TEST(FeatureGuards, SplitChangesNoFeature) {
  TradingCalendar calendar;
  const Date first = Date::from_ymd(2016, 1, 4);
  const Date last = Date::from_ymd(2017, 6, 30);
  const Date ex_date = Date::from_ymd(2017, 3, 1);
  // Two runs of the same market; in the second, the first stock splits on ex_date.
  Table clean[2], topix;
  std::string code;
  for (int run = 0; run < 2; ++run) {
    market::sample::SampleMarket sample({.seed = 11, .stocks = 20, .start_date = first}, calendar,
                                        last);
    std::vector<Table> days, topix_days;
    Table previous, previous_quarantine;
    while (auto day = sample.next_day()) {
      if (code.empty()) code = day->bars.column("code").as<std::string>().front();
      const Table bars = run == 0 ? day->bars : split_bars(day->bars, code, ex_date, day->date);
      auto built =
          market::clean_prices_from(bars, previous, previous_quarantine, day->date, calendar);
      days.push_back(built.clean);
      topix_days.push_back(day->topix);
      previous = std::move(built.clean);
      previous_quarantine = std::move(built.quarantine);
    }
    clean[run] = Table::concat(days).sort_by_code_date();
    topix = Table::concat(topix_days);
  }
  // The raw closes differ by half after the ex-date (the test has teeth) ...
  const RowRange rows = clean[1].rows_of(code);
  ASSERT_FALSE(rows.empty());
  EXPECT_NE(clean[0].column("close").as<double>()[rows.end - 1],
            clean[1].column("close").as<double>()[rows.end - 1]);
  // ... and no feature of the stock-level stages sees it.
  std::vector<const FeatureDef*> stock_features;
  const FeatureManifest manifest = FeatureManifest::built_in();
  for (const FeatureDef* f : manifest.features()) {
    if (f->stage == FeatureStage::kStock) stock_features.push_back(f);
  }
  const Table empty_flows;
  const Date from = calendar.add_business_days(ex_date, -5);
  const Table a = compute_features({clean[0], topix, empty_flows}, stock_features, from, last);
  const Table b = compute_features({clean[1], topix, empty_flows}, stock_features, from, last);
  expect_close_tables(a, b);
}

}  // namespace
}  // namespace gogooku3::features
