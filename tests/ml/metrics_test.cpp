#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "ml/metrics/correlation.h"
#include "ml/metrics/daily_metrics.h"
#include "ml/metrics/long_short.h"
#include "ml/metrics/summary.h"

namespace gogooku3::ml::metrics {
namespace {

// Owns one day's columns; DayCrossSection only views them.
struct OwnedDay {
  std::vector<std::string> codes;
  std::vector<double> prediction;
  std::vector<double> target;
};

std::vector<DayCrossSection> views(const std::vector<OwnedDay>& days) {
  std::vector<DayCrossSection> out;
  for (const OwnedDay& day : days) out.push_back({day.codes, day.prediction, day.target});
  return out;
}

const std::vector<std::string> kFiveCodes = {"A", "B", "C", "D", "E"};

// 50 stocks x 40 days of noisy forward returns; prediction = sign * target.
std::vector<OwnedDay> synthetic_market(double sign) {
  std::mt19937 rng(20240501);
  std::normal_distribution<double> noise(0.0, 0.02);
  std::vector<OwnedDay> days(40);
  for (OwnedDay& day : days) {
    for (int i = 0; i < 50; ++i) {
      day.codes.push_back(std::to_string(1300 + i));
      day.target.push_back(noise(rng));
      day.prediction.push_back(sign * day.target.back());
    }
  }
  return days;
}

TEST(CorrelationTest, PearsonMatchesHandComputation) {
  // dx = {-1.5, -0.5, 0.5, 1.5}, dy = {-3, -1, 0, 4}: sxy = 11, sxx = 5, syy = 26.
  const std::vector<double> x = {1, 2, 3, 4};
  const std::vector<double> y = {2, 4, 5, 9};
  EXPECT_NEAR(pearson(x, y), 11 / std::sqrt(130.0), 1e-12);
}

TEST(CorrelationTest, AverageRanksShareTiedPositions) {
  EXPECT_EQ(average_ranks(std::vector<double>{1, 2, 2, 3}), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_EQ(average_ranks(std::vector<double>{3, 1, 2, 2}), (std::vector<double>{4, 1, 2.5, 2.5}));
  EXPECT_EQ(average_ranks(std::vector<double>{7, 7, 7}), (std::vector<double>{2, 2, 2}));
  const std::vector<double> with_nan = average_ranks(std::vector<double>{NAN, 5, 1});
  EXPECT_TRUE(std::isnan(with_nan[0]));
  EXPECT_EQ(with_nan[1], 2);
  EXPECT_EQ(with_nan[2], 1);
}

TEST(CorrelationTest, SpearmanWithTiesMatchesHandComputation) {
  // Ranks {1, 2.5, 2.5, 4} vs {1, 2, 3, 4}: sxy = 4.5, sxx = 4.5, syy = 5 -> 3 / sqrt(10).
  const std::vector<double> x = {1, 2, 2, 3};
  const std::vector<double> y = {10, 20, 30, 40};
  EXPECT_NEAR(spearman(x, y), 3 / std::sqrt(10.0), 1e-12);
}

TEST(CorrelationTest, SpearmanIsOneForAnyMonotoneRelation) {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const std::vector<double> y = {std::exp(1.0), std::exp(2.0), std::exp(3.0), std::exp(4.0),
                                 std::exp(5.0)};
  EXPECT_DOUBLE_EQ(spearman(x, y), 1.0);
  EXPECT_LT(pearson(x, y), 1.0);
}

TEST(CorrelationTest, SkipsPairsWithNaNOnEitherSide) {
  // The valid pairs are those of PearsonMatchesHandComputation.
  const std::vector<double> x = {1, NAN, 2, 3, 4, 7};
  const std::vector<double> y = {2, 9, 4, 5, 9, NAN};
  EXPECT_NEAR(pearson(x, y), 11 / std::sqrt(130.0), 1e-12);
  // Ranking happens over the valid pairs only: 7 and the NaN-paired 9 do not shift ranks.
  EXPECT_DOUBLE_EQ(spearman(x, y), 1.0);
}

TEST(CorrelationTest, UndefinedCorrelationIsNaNNotZero) {
  EXPECT_TRUE(std::isnan(pearson(std::vector<double>{1, 2, 3}, std::vector<double>{5, 5, 5})));
  EXPECT_TRUE(std::isnan(spearman(std::vector<double>{4, 4, 4}, std::vector<double>{1, 2, 3})));
  EXPECT_TRUE(std::isnan(pearson(std::vector<double>{1, NAN}, std::vector<double>{1, 2})));
  EXPECT_TRUE(std::isnan(pearson(std::vector<double>{}, std::vector<double>{})));
}

TEST(CorrelationTest, MismatchedLengthsThrowInvalidInput) {
  try {
    pearson(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2});
    FAIL() << "expected InvalidInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("3 and 2"), std::string::npos) << e.what();
  }
}

TEST(CorrelationTest, SampleMomentsSkipNonFiniteValues) {
  const std::vector<double> values = {1, NAN, 3, INFINITY};
  EXPECT_DOUBLE_EQ(mean_of_finite(values), 2.0);
  EXPECT_DOUBLE_EQ(sample_std_of_finite(values), std::sqrt(2.0));
  EXPECT_TRUE(std::isnan(sample_std_of_finite(std::vector<double>{1})));
}

TEST(DailyMetricsTest, PerfectPredictorScoresOne) {
  const std::vector<double> target = {0.01, -0.02, 0.03, -0.005, 0.015};
  const DailyMetrics day = daily_metrics(target, target);
  EXPECT_DOUBLE_EQ(day.ic, 1.0);
  EXPECT_DOUBLE_EQ(day.rank_ic, 1.0);
  EXPECT_DOUBLE_EQ(day.rmse, 0.0);
  EXPECT_DOUBLE_EQ(day.hit_rate, 1.0);
  EXPECT_EQ(day.valid_pairs, 5u);
}

TEST(DailyMetricsTest, ReversedPredictorScoresMinusOne) {
  const std::vector<double> target = {0.01, -0.02, 0.03, -0.005, 0.015};
  std::vector<double> reversed;
  for (const double t : target) reversed.push_back(-t);
  const DailyMetrics day = daily_metrics(reversed, target);
  EXPECT_DOUBLE_EQ(day.ic, -1.0);
  EXPECT_DOUBLE_EQ(day.rank_ic, -1.0);
  EXPECT_DOUBLE_EQ(day.hit_rate, 0.0);
}

TEST(DailyMetricsTest, RmseAndHitRateMatchHandComputation) {
  // Errors {-0.01, -0.03, 0, 0.01}: RMSE = sqrt(11e-4 / 4). The zero prediction takes no side
  // and the NaN target drops its pair: hits 2 of 3 signed pairs.
  const std::vector<double> prediction = {0.01, -0.02, 0.03, 0.0, 0.5};
  const std::vector<double> target = {0.02, 0.01, 0.03, -0.01, NAN};
  const DailyMetrics day = daily_metrics(prediction, target);
  EXPECT_NEAR(day.rmse, std::sqrt(11e-4 / 4), 1e-12);
  EXPECT_DOUBLE_EQ(day.hit_rate, 2.0 / 3.0);
  EXPECT_EQ(day.valid_pairs, 4u);
}

TEST(DailyMetricsTest, ConstantPredictionHasNaNIcNotZero) {
  const std::vector<double> prediction = {0.001, 0.001, 0.001, 0.001};
  const std::vector<double> target = {0.01, -0.02, 0.03, 0.0};
  const DailyMetrics day = daily_metrics(prediction, target);
  EXPECT_TRUE(std::isnan(day.ic));
  EXPECT_TRUE(std::isnan(day.rank_ic));
  EXPECT_FALSE(std::isnan(day.rmse));
}

TEST(DailyMetricsTest, AllZeroSignsGiveNaNHitRate) {
  const DailyMetrics day =
      daily_metrics(std::vector<double>{0, 0, 0}, std::vector<double>{0.01, -0.02, 0.03});
  EXPECT_TRUE(std::isnan(day.hit_rate));
}

TEST(DailyMetricsTest, MismatchedLengthsThrowInvalidInput) {
  EXPECT_THROW(daily_metrics(std::vector<double>{1, 2}, std::vector<double>{1}), Error);
}

TEST(LongShortTest, HandComputedReturnDrawdownAndTurnover) {
  // One name per leg (5 stocks). Day 0 and 1: long A, short E; day 2: long B, short E.
  // Period returns: 0.03 - (-0.01) = 0.04, -0.02 - 0.03 = -0.05, 0.02 - 0 = 0.02.
  // Summed equity 0.04, -0.01, 0.01: drawdown 0.04 - (-0.01) = 0.05.
  // Turnover: day 0 -> 1 nothing changes (0); day 1 -> 2 A (1) out, B (1) in: 2 / 4 = 0.5.
  const std::vector<OwnedDay> days = {
      {kFiveCodes, {5, 4, 3, 2, 1}, {0.03, 0, 0, 0, -0.01}},
      {kFiveCodes, {5, 4, 3, 2, 1}, {-0.02, 0, 0, 0, 0.03}},
      {kFiveCodes, {4, 5, 3, 2, 1}, {0, 0.02, 0, 0, 0}},
  };
  const LongShortResult result = long_short(views(days), 1);
  ASSERT_EQ(result.period_returns.size(), 3u);
  EXPECT_NEAR(result.period_returns[0], 0.04, 1e-15);
  EXPECT_NEAR(result.period_returns[1], -0.05, 1e-15);
  EXPECT_NEAR(result.period_returns[2], 0.02, 1e-15);
  EXPECT_NEAR(result.annual_return, 0.01 / 3 * 245, 1e-12);
  EXPECT_NEAR(result.max_drawdown, 0.05, 1e-15);
  EXPECT_NEAR(result.turnover, 0.25, 1e-15);
  // mean 0.01/3, sample variance (0.036667^2 + 0.053333^2 + 0.016667^2) / 2 = 0.0022333...
  EXPECT_NEAR(result.sharpe, (0.01 / 3) / std::sqrt(0.0067 / 3) * std::sqrt(245.0), 1e-9);
  EXPECT_EQ(result.skipped_rebalances, 0);
}

TEST(LongShortTest, SharpeIsAnnualisedBySqrt245ForHorizonOneAndFewerPeriodsOtherwise) {
  // Returns {0.01, 0.03}: mean / sample std = 0.02 / (0.01 * sqrt(2)) = sqrt(2).
  const std::vector<double> returns = {0.01, 0.03};
  EXPECT_DOUBLE_EQ(periods_per_year(1), 245.0);
  EXPECT_DOUBLE_EQ(periods_per_year(5), 49.0);
  EXPECT_NEAR(annualised_sharpe(returns, 1), std::sqrt(2.0) * std::sqrt(245.0), 1e-12);
  EXPECT_NEAR(annualised_sharpe(returns, 5), std::sqrt(2.0) * std::sqrt(49.0), 1e-12);
  EXPECT_NEAR(annualised_return(returns, 5), 0.02 * 49, 1e-12);
  EXPECT_TRUE(std::isnan(annualised_sharpe(std::vector<double>{0.01}, 1)));
  EXPECT_TRUE(std::isnan(annualised_sharpe(std::vector<double>{0.01, 0.01}, 1)));
}

TEST(LongShortTest, HorizonRebalancesOnlyEveryHorizonDays) {
  // Horizon 5 over 7 days: books on days 0 and 5; the days between are never read.
  std::vector<OwnedDay> days(7, OwnedDay{kFiveCodes, {NAN, NAN, NAN, NAN, NAN}, {0, 0, 0, 0, 0}});
  days[0] = {kFiveCodes, {5, 4, 3, 2, 1}, {0.01, 0, 0, 0, 0}};
  days[5] = {kFiveCodes, {5, 4, 3, 2, 1}, {0.03, 0, 0, 0, 0}};
  const LongShortResult result = long_short(views(days), 5);
  ASSERT_EQ(result.period_returns.size(), 2u);
  EXPECT_EQ(result.skipped_rebalances, 0);
  EXPECT_NEAR(result.sharpe, std::sqrt(2.0) * std::sqrt(49.0), 1e-9);
  EXPECT_DOUBLE_EQ(result.turnover, 0.0);
}

TEST(LongShortTest, TurnoverIsZeroWhenLegsKeepTheirCodes) {
  // The prediction values change but the top and bottom fifth stay {J, I} and {A, B}.
  const std::vector<std::string> codes = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"};
  const std::vector<OwnedDay> days = {
      {codes, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {0, 0, 0, 0, 0, 0, 0, 0, 0.01, 0.02}},
      {codes, {-5, -4, 0, 1, 2, 3, 4, 5, 50, 60}, {0, 0, 0, 0, 0, 0, 0, 0, 0.01, 0.02}},
  };
  EXPECT_DOUBLE_EQ(long_short(views(days), 1).turnover, 0.0);
}

TEST(LongShortTest, TurnoverIsOneWhenEveryNameChanges) {
  const std::vector<std::string> codes = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"};
  const std::vector<double> target(10, 0.0);
  // Day 0: long {I, J}, short {A, B}; day 1: long {E, F}, short {C, D}.
  const std::vector<OwnedDay> replaced = {
      {codes, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, target},
      {codes, {5, 6, 1, 2, 9, 10, 7, 8, 4, 3}, target},
  };
  EXPECT_DOUBLE_EQ(long_short(views(replaced), 1).turnover, 1.0);
  // Swapping the legs trades the whole book too.
  const std::vector<OwnedDay> flipped = {
      {kFiveCodes, {5, 4, 3, 2, 1}, {0, 0, 0, 0, 0}},
      {kFiveCodes, {1, 2, 3, 4, 5}, {0, 0, 0, 0, 0}},
  };
  EXPECT_DOUBLE_EQ(long_short(views(flipped), 1).turnover, 1.0);
}

TEST(LongShortTest, DayWithFewerThanFiveValidStocksIsSkipped) {
  const std::vector<OwnedDay> days = {
      {kFiveCodes, {5, 4, 3, 2, 1}, {0.01, 0, 0, 0, 0}},
      {kFiveCodes, {5, 4, 3, 2, NAN}, {0.01, 0, 0, 0, 0}},
      {kFiveCodes, {5, 4, 3, 2, 1}, {0.03, 0, 0, 0, 0}},
  };
  const LongShortResult result = long_short(views(days), 1);
  EXPECT_EQ(result.period_returns, (std::vector<double>{0.01, 0.03}));
  EXPECT_EQ(result.skipped_rebalances, 1);
  EXPECT_DOUBLE_EQ(result.turnover, 0.0);
}

TEST(LongShortTest, DrawdownIsZeroForARisingCurveAndCountsAFirstLoss) {
  EXPECT_DOUBLE_EQ(max_drawdown(std::vector<double>{0.01, 0.02}), 0.0);
  EXPECT_NEAR(max_drawdown(std::vector<double>{-0.03, 0.01, -0.01}), 0.03, 1e-15);
  EXPECT_TRUE(std::isnan(max_drawdown(std::vector<double>{})));
}

TEST(LongShortTest, PerfectPredictorEarnsAndReversedLoses) {
  const std::vector<OwnedDay> perfect = synthetic_market(1.0);
  const LongShortResult good = long_short(views(perfect), 1);
  EXPECT_GT(good.sharpe, 0);
  EXPECT_GT(good.annual_return, 0);
  EXPECT_DOUBLE_EQ(good.max_drawdown, 0.0);

  const std::vector<OwnedDay> reversed = synthetic_market(-1.0);
  const LongShortResult bad = long_short(views(reversed), 1);
  EXPECT_LT(bad.sharpe, 0);
  EXPECT_LT(bad.annual_return, 0);
  EXPECT_NEAR(bad.sharpe, -good.sharpe, 1e-9);
}

TEST(LongShortTest, RejectsBadHorizonMismatchedColumnsAndDuplicateCodes) {
  const std::vector<OwnedDay> fine = {{kFiveCodes, {5, 4, 3, 2, 1}, {0, 0, 0, 0, 0}}};
  EXPECT_THROW(long_short(views(fine), 0), Error);
  const std::vector<OwnedDay> short_target = {{kFiveCodes, {5, 4, 3, 2, 1}, {0, 0, 0, 0}}};
  EXPECT_THROW(long_short(views(short_target), 1), Error);
  try {
    const std::vector<OwnedDay> duplicate = {
        {{"A", "B", "C", "D", "A"}, {5, 4, 3, 2, 1}, {0, 0, 0, 0, 0}}};
    long_short(views(duplicate), 1);
    FAIL() << "expected InvalidInput";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("'A' appears twice"), std::string::npos) << e.what();
  }
}

TEST(MetricsSummaryTest, PerfectAndReversedPredictorsHaveOppositeSigns) {
  const std::vector<OwnedDay> perfect = synthetic_market(1.0);
  const HorizonMetrics good = summarize_horizon(views(perfect), 1);
  EXPECT_DOUBLE_EQ(good.rank_ic, 1.0);
  EXPECT_DOUBLE_EQ(good.ic, 1.0);
  EXPECT_DOUBLE_EQ(good.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(good.rmse, 0.0);
  EXPECT_GT(good.ls_sharpe, 0);
  EXPECT_GT(good.ls_annual_return, 0);
  EXPECT_EQ(good.days, 40);
  EXPECT_EQ(good.ic_days, 40);

  const std::vector<OwnedDay> reversed = synthetic_market(-1.0);
  const HorizonMetrics bad = summarize_horizon(views(reversed), 1);
  EXPECT_DOUBLE_EQ(bad.rank_ic, -1.0);
  EXPECT_DOUBLE_EQ(bad.ic, -1.0);
  EXPECT_DOUBLE_EQ(bad.hit_rate, 0.0);
  EXPECT_LT(bad.ls_sharpe, 0);
  EXPECT_LT(bad.ls_annual_return, 0);
}

TEST(MetricsSummaryTest, IcirIsMeanOverSampleStdOfDailyIcs) {
  // Daily ICs {1, 1, -1}: mean 1/3, sample std 2/sqrt(3) -> ICIR sqrt(3)/6.
  const std::vector<double> target = {0.01, -0.02, 0.03, -0.005, 0.015};
  const std::vector<double> reversed = {-0.01, 0.02, -0.03, 0.005, -0.015};
  const std::vector<OwnedDay> days = {
      {kFiveCodes, target, target}, {kFiveCodes, target, target}, {kFiveCodes, reversed, target}};
  const HorizonMetrics metrics = summarize_horizon(views(days), 1);
  EXPECT_NEAR(metrics.ic, 1.0 / 3, 1e-12);
  EXPECT_NEAR(metrics.icir, std::sqrt(3.0) / 6, 1e-12);
  EXPECT_NEAR(metrics.rank_icir, std::sqrt(3.0) / 6, 1e-12);
  EXPECT_NEAR(metrics.hit_rate, 2.0 / 3, 1e-12);
}

TEST(MetricsSummaryTest, ConstantPredictionDayIsLeftOutOfIcMeansAndCounted) {
  const std::vector<double> target = {0.01, -0.02, 0.03, -0.005, 0.015};
  const std::vector<OwnedDay> days = {{kFiveCodes, target, target},
                                      {kFiveCodes, {0.1, 0.1, 0.1, 0.1, 0.1}, target}};
  const HorizonMetrics metrics = summarize_horizon(views(days), 1);
  EXPECT_DOUBLE_EQ(metrics.rank_ic, 1.0);
  EXPECT_EQ(metrics.days, 2);
  EXPECT_EQ(metrics.ic_days, 1);
  EXPECT_TRUE(std::isnan(metrics.icir));
}

TEST(MetricsSummaryTest, JsonUsesFieldNamesAndWritesNaNAsNull) {
  HorizonMetrics metrics;
  metrics.rank_ic = 0.05;
  metrics.days = 63;
  const nlohmann::json json = to_json(metrics);
  for (const char* key :
       {"ic", "rank_ic", "icir", "rank_icir", "rmse", "hit_rate", "ls_annual_return", "ls_sharpe",
        "ls_max_drawdown", "turnover", "days", "ic_days"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json.size(), 12u);
  EXPECT_DOUBLE_EQ(json["rank_ic"].get<double>(), 0.05);
  EXPECT_TRUE(json["ic"].is_null());
  EXPECT_TRUE(json["ls_sharpe"].is_null());
  EXPECT_EQ(json["days"].get<int>(), 63);
  EXPECT_EQ(json.dump().find("NaN"), std::string::npos);
}

}  // namespace
}  // namespace gogooku3::ml::metrics
