// Tests for src/ml/baselines: ridge regression and gradient-boosted trees.
//
// Ridge: exact recovery of known weights on noiseless data, the shrinkage lambda promises, the
// missing-indicator columns, the JSON round trip and every documented error. Gradient boosting:
// it must beat the mean predictor on a nonlinear target, handle NaN features, stop early on a
// noisy target at the best validation round, be deterministic for a fixed seed and thread count,
// survive save/load bit for bit, and reject bad input. Data come from fixed-seed generators so
// that every run sees the same numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "ml/baselines/gradient_boosting.h"
#include "ml/baselines/ridge.h"

namespace gogooku3::ml {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Dataset {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> X;
  std::vector<float> y;
};

// Standard-normal features, row-major.
Dataset normal_features(size_t rows, size_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Dataset data;
  data.rows = rows;
  data.cols = cols;
  data.X.resize(rows * cols);
  for (float& value : data.X) value = normal(rng);
  data.y.assign(rows, 0.0f);
  return data;
}

double rmse(const std::vector<float>& predicted, const std::vector<float>& actual) {
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double error = static_cast<double>(predicted[i]) - actual[i];
    sum += error * error;
  }
  return std::sqrt(sum / static_cast<double>(actual.size()));
}

double rmse_of_mean(const std::vector<float>& train_y, const std::vector<float>& actual) {
  const double mean =
      std::accumulate(train_y.begin(), train_y.end(), 0.0) / static_cast<double>(train_y.size());
  return rmse(std::vector<float>(actual.size(), static_cast<float>(mean)), actual);
}

double norm(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value * value;
  return std::sqrt(sum);
}

template <typename Fn>
void expect_invalid_input(Fn&& fn, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "expected InvalidInput mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// ----- Ridge ---------------------------------------------------------------------------------

const std::vector<double> kTrueWeights = {1.5, -2.0, 0.25, 3.0};
constexpr double kTrueIntercept = 0.7;

Dataset linear_data(size_t rows, uint32_t seed) {
  Dataset data = normal_features(rows, kTrueWeights.size(), seed);
  for (size_t r = 0; r < rows; ++r) {
    double value = kTrueIntercept;
    for (size_t c = 0; c < data.cols; ++c) value += kTrueWeights[c] * data.X[r * data.cols + c];
    data.y[r] = static_cast<float>(value);
  }
  return data;
}

TEST(RidgeTest, RecoversKnownWeightsOnNoiselessData) {
  const Dataset data = linear_data(500, 1);
  RidgeRegression ridge;
  ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = 0.0});
  const std::vector<double> coefficients = ridge.coefficients();
  ASSERT_EQ(coefficients.size(), kTrueWeights.size());
  for (size_t c = 0; c < kTrueWeights.size(); ++c) {
    EXPECT_NEAR(coefficients[c], kTrueWeights[c], 1e-4) << "feature " << c;
  }
  EXPECT_NEAR(ridge.intercept(), kTrueIntercept, 1e-4);

  const Dataset test = linear_data(50, 2);
  const std::vector<float> predicted = ridge.predict(test.X, test.rows);
  for (size_t r = 0; r < test.rows; ++r) EXPECT_NEAR(predicted[r], test.y[r], 1e-4);
}

TEST(RidgeTest, TinyLambdaStillRecoversWeights) {
  const Dataset data = linear_data(500, 3);
  RidgeRegression ridge;
  ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = 1e-9});
  const std::vector<double> coefficients = ridge.coefficients();
  for (size_t c = 0; c < kTrueWeights.size(); ++c) {
    EXPECT_NEAR(coefficients[c], kTrueWeights[c], 1e-4) << "feature " << c;
  }
}

TEST(RidgeTest, LambdaShrinksTheWeights) {
  const Dataset data = linear_data(300, 4);
  double previous_norm = std::numeric_limits<double>::infinity();
  for (double lambda : {0.0, 0.1, 1.0, 10.0, 1000.0}) {
    RidgeRegression ridge;
    ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = lambda});
    const double current = norm(ridge.coefficients());
    EXPECT_LT(current, previous_norm) << "lambda " << lambda;
    previous_norm = current;
  }
  RidgeRegression huge;
  huge.fit(data.X, data.rows, data.cols, data.y, {.lambda = 1e9});
  EXPECT_LT(norm(huge.coefficients()), 1e-6);
  // The intercept is not penalised: with every weight shrunk away it is the mean of y.
  const double mean_y =
      std::accumulate(data.y.begin(), data.y.end(), 0.0) / static_cast<double>(data.rows);
  EXPECT_NEAR(huge.intercept(), mean_y, 1e-5);
}

TEST(RidgeTest, PenaltyActsOnStandardisedColumns) {
  // Rescaling a feature must not change how hard it is penalised: the predictions stay the same
  // and its coefficient scales inversely.
  const Dataset data = linear_data(300, 9);
  Dataset rescaled = data;
  for (size_t r = 0; r < rescaled.rows; ++r) rescaled.X[r * rescaled.cols + 1] *= 100.0f;
  RidgeRegression original;
  RidgeRegression scaled;
  original.fit(data.X, data.rows, data.cols, data.y, {.lambda = 0.5});
  scaled.fit(rescaled.X, rescaled.rows, rescaled.cols, rescaled.y, {.lambda = 0.5});
  const std::vector<float> a = original.predict(data.X, data.rows);
  const std::vector<float> b = scaled.predict(rescaled.X, rescaled.rows);
  for (size_t r = 0; r < data.rows; ++r) EXPECT_NEAR(a[r], b[r], 1e-4) << "row " << r;
  EXPECT_NEAR(scaled.coefficients()[1] * 100.0, original.coefficients()[1], 1e-6);
}

TEST(RidgeTest, NaNFeaturesGetAMissingIndicator) {
  // y = 2 x0 - x1 + 5 * [x1 missing]; x1 is missing in every fourth row.
  Dataset data = normal_features(400, 3, 5);
  for (size_t r = 0; r < data.rows; ++r) {
    const bool missing = r % 4 == 0;
    if (missing) data.X[r * 3 + 1] = kNaN;
    const float x1 = missing ? 0.0f : data.X[r * 3 + 1];
    data.y[r] = 2.0f * data.X[r * 3] - x1 + (missing ? 5.0f : 0.0f);
  }
  RidgeRegression ridge;
  ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = 0.0});
  ASSERT_EQ(ridge.indicator_features(), std::vector<size_t>{1});
  const std::vector<double> coefficients = ridge.coefficients();
  ASSERT_EQ(coefficients.size(), 4u);
  EXPECT_NEAR(coefficients[0], 2.0, 1e-4);
  EXPECT_NEAR(coefficients[1], -1.0, 1e-4);
  EXPECT_NEAR(coefficients[2], 0.0, 1e-4);
  EXPECT_NEAR(coefficients[3], 5.0, 1e-4);

  const std::vector<float> row_missing = {1.0f, kNaN, 0.0f};
  const std::vector<float> row_present = {1.0f, 0.0f, 0.0f};
  EXPECT_NEAR(ridge.predict(row_missing, 1)[0], 7.0f, 1e-3);
  EXPECT_NEAR(ridge.predict(row_present, 1)[0], 2.0f, 1e-3);
  // A NaN in a feature that was complete in training is read as 0, without an indicator.
  const std::vector<float> row_new_nan = {kNaN, 0.0f, 0.0f};
  EXPECT_NEAR(ridge.predict(row_new_nan, 1)[0], 0.0f, 1e-3);
}

TEST(RidgeTest, RowsWithNaNTargetAreSkipped) {
  Dataset data = linear_data(200, 6);
  Dataset poisoned = data;
  for (size_t r = 0; r < poisoned.rows; r += 7) {
    poisoned.y[r] = kNaN;
    for (size_t c = 0; c < poisoned.cols; ++c) poisoned.X[r * poisoned.cols + c] = 100.0f;
  }
  RidgeRegression ridge;
  ridge.fit(poisoned.X, poisoned.rows, poisoned.cols, poisoned.y, {.lambda = 0.0});
  EXPECT_TRUE(ridge.indicator_features().empty());
  const std::vector<double> coefficients = ridge.coefficients();
  for (size_t c = 0; c < kTrueWeights.size(); ++c) {
    EXPECT_NEAR(coefficients[c], kTrueWeights[c], 1e-4);
  }
}

TEST(RidgeTest, JsonRoundTripPredictsIdentically) {
  Dataset data = normal_features(150, 3, 7);
  for (size_t r = 0; r < data.rows; ++r) {
    if (r % 5 == 0) data.X[r * 3 + 2] = kNaN;
    data.y[r] = data.X[r * 3] + 0.5f * static_cast<float>(r % 3);
  }
  RidgeRegression ridge;
  ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = 0.3});
  const nlohmann::json json = ridge.to_json();
  const RidgeRegression restored = RidgeRegression::from_json(nlohmann::json::parse(json.dump()));
  EXPECT_EQ(restored.cols(), 3u);
  EXPECT_EQ(restored.indicator_features(), ridge.indicator_features());
  EXPECT_EQ(restored.predict(data.X, data.rows), ridge.predict(data.X, data.rows));
  EXPECT_EQ(restored.to_json(), json);
}

TEST(RidgeTest, Errors) {
  const Dataset data = linear_data(20, 8);
  RidgeRegression ridge;
  expect_invalid_input([&] { (void)ridge.predict(data.X, data.rows); }, "not fitted");
  expect_invalid_input([&] { (void)ridge.to_json(); }, "not fitted");
  expect_invalid_input([&] { ridge.fit(data.X, data.rows + 1, data.cols, data.y); }, "X has");
  expect_invalid_input(
      [&] { ridge.fit(data.X, data.rows, data.cols, std::span(data.y).first(19)); }, "y has");
  expect_invalid_input([&] { ridge.fit({}, 0, 0, {}); }, "cols");
  expect_invalid_input([&] { ridge.fit(data.X, data.rows, data.cols, data.y, {.lambda = -1}); },
                       "lambda");

  std::vector<float> nan_y(data.rows, kNaN);
  nan_y[3] = 1.0f;
  expect_invalid_input([&] { ridge.fit(data.X, data.rows, data.cols, nan_y); }, "at least 2");

  std::vector<float> inf_X = data.X;
  inf_X[5] = std::numeric_limits<float>::infinity();
  expect_invalid_input([&] { ridge.fit(inf_X, data.rows, data.cols, data.y); }, "row 1, col 1");

  ridge.fit(data.X, data.rows, data.cols, data.y);
  const std::vector<float> wrong_cols(3 * 5, 0.0f);
  expect_invalid_input([&] { (void)ridge.predict(wrong_cols, 3); }, "fitted on 4 columns");
  EXPECT_TRUE(ridge.predict({}, 0).empty());

  expect_invalid_input(
      [] {
        (void)RidgeRegression::from_json({{"model", "xgboost"}});
      },
      "not a saved ridge model");
  nlohmann::json truncated = ridge.to_json();
  truncated["weights"].erase(0);
  expect_invalid_input([&] { (void)RidgeRegression::from_json(truncated); }, "'weights'");
  nlohmann::json missing = ridge.to_json();
  missing.erase("y_mean");
  expect_invalid_input([&] { (void)RidgeRegression::from_json(missing); }, "malformed");
}

// ----- Gradient boosting -----------------------------------------------------------------------

// y = sign(x0) + 0.5 * x1^2 - 0.5 (nonlinear in both), features 2..4 are noise.
Dataset step_data(size_t rows, uint32_t seed, double noise) {
  Dataset data = normal_features(rows, 5, seed);
  std::mt19937 rng(seed + 1000);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (size_t r = 0; r < rows; ++r) {
    const double x0 = data.X[r * 5];
    const double x1 = data.X[r * 5 + 1];
    data.y[r] =
        static_cast<float>((x0 > 0 ? 1.0 : -1.0) + 0.5 * x1 * x1 - 0.5 + noise * normal(rng));
  }
  return data;
}

GradientBoostingOptions small_options() {
  GradientBoostingOptions options;
  options.rounds = 120;
  options.max_depth = 4;
  options.learning_rate = 0.1;
  options.threads = 1;
  return options;
}

TEST(GradientBoostingTest, LearnsANonlinearTargetBetterThanTheMean) {
  const Dataset train = step_data(2000, 11, 0.0);
  const Dataset test = step_data(500, 12, 0.0);
  GradientBoosting model;
  model.fit(train.X, train.rows, train.cols, train.y, small_options());
  EXPECT_EQ(model.best_iteration(), 119);
  EXPECT_TRUE(model.validation_rmse().empty());
  const std::vector<float> predicted = model.predict(test.X, test.rows);
  ASSERT_EQ(predicted.size(), test.rows);
  const double model_rmse = rmse(predicted, test.y);
  const double mean_rmse = rmse_of_mean(train.y, test.y);
  EXPECT_LT(model_rmse, 0.3 * mean_rmse) << "model " << model_rmse << " mean " << mean_rmse;
  // The step is learned: far from the split, the sign of x0 sets the prediction's side.
  const std::vector<float> left = {-2.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  const std::vector<float> right = {2.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  EXPECT_LT(model.predict(left, 1)[0], -1.0f);
  EXPECT_GT(model.predict(right, 1)[0], 0.0f);
}

TEST(GradientBoostingTest, HandlesNaNFeaturesAndNaNTargets) {
  Dataset train = step_data(2000, 13, 0.0);
  // x1 missing in a third of the rows; NaN targets in some others.
  for (size_t r = 0; r < train.rows; r += 3) train.X[r * 5 + 1] = kNaN;
  for (size_t r = 1; r < train.rows; r += 10) train.y[r] = kNaN;
  Dataset test = step_data(600, 14, 0.0);
  for (size_t r = 0; r < test.rows; r += 3) test.X[r * 5 + 1] = kNaN;
  GradientBoosting model;
  model.fit(train.X, train.rows, train.cols, train.y, small_options());
  const std::vector<float> predicted = model.predict(test.X, test.rows);
  for (float value : predicted) ASSERT_TRUE(std::isfinite(value));
  std::vector<float> known_y;
  for (float value : train.y) {
    if (!std::isnan(value)) known_y.push_back(value);
  }
  EXPECT_LT(rmse(predicted, test.y), 0.6 * rmse_of_mean(known_y, test.y));
}

TEST(GradientBoostingTest, EarlyStoppingKeepsTheBestIteration) {
  // A small, very noisy problem with a high learning rate overfits after a few rounds.
  const Dataset train = step_data(200, 15, 3.0);
  const Dataset valid = step_data(400, 16, 3.0);
  GradientBoostingOptions options = small_options();
  options.rounds = 300;
  options.max_depth = 6;
  options.learning_rate = 0.3;
  options.early_stopping_rounds = 10;
  GradientBoosting model;
  model.fit(train.X, train.rows, train.cols, train.y, options, valid.X, valid.rows, valid.y);
  const int best = model.best_iteration();
  const std::vector<double>& history = model.validation_rmse();
  EXPECT_LT(best, options.rounds - 1);
  // Training ran exactly early_stopping_rounds past the best round, which has the lowest rmse.
  ASSERT_EQ(history.size(), static_cast<size_t>(best + 1 + options.early_stopping_rounds));
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_GE(history[i], history[static_cast<size_t>(best)]) << "round " << i;
  }
  // predict() uses the trees up to the best round: its rmse on the validation set is that one.
  const double valid_rmse = rmse(model.predict(valid.X, valid.rows), valid.y);
  EXPECT_NEAR(valid_rmse, history[static_cast<size_t>(best)], 1e-5);
}

TEST(GradientBoostingTest, DeterministicForAFixedSeedAndThreadCount) {
  const Dataset train = step_data(1500, 17, 0.5);
  const Dataset test = step_data(300, 18, 0.5);
  for (int threads : {1, 2}) {
    GradientBoostingOptions options = small_options();
    options.threads = threads;
    options.seed = 7;
    GradientBoosting first;
    GradientBoosting second;
    first.fit(train.X, train.rows, train.cols, train.y, options);
    second.fit(train.X, train.rows, train.cols, train.y, options);
    EXPECT_EQ(first.predict(test.X, test.rows), second.predict(test.X, test.rows))
        << "threads " << threads;
  }
  // The seed matters (row and column subsampling).
  GradientBoostingOptions seeded = small_options();
  GradientBoosting a;
  GradientBoosting b;
  seeded.seed = 1;
  a.fit(train.X, train.rows, train.cols, train.y, seeded);
  seeded.seed = 2;
  b.fit(train.X, train.rows, train.cols, train.y, seeded);
  EXPECT_NE(a.predict(test.X, test.rows), b.predict(test.X, test.rows));
}

TEST(GradientBoostingTest, SaveLoadPredictsIdentically) {
  const Dataset train = step_data(400, 19, 1.0);
  const Dataset valid = step_data(200, 20, 1.0);
  GradientBoostingOptions options = small_options();
  options.learning_rate = 0.3;
  options.early_stopping_rounds = 5;
  GradientBoosting model;
  model.fit(train.X, train.rows, train.cols, train.y, options, valid.X, valid.rows, valid.y);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("gogooku3_gbm_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       ".model");
  model.save(path);
  const GradientBoosting loaded = GradientBoosting::load(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.best_iteration(), model.best_iteration());
  EXPECT_EQ(loaded.cols(), 5u);
  EXPECT_EQ(loaded.predict(valid.X, valid.rows), model.predict(valid.X, valid.rows));

  // Moving keeps the booster; the moved-from object is unfitted.
  GradientBoosting moved = std::move(model);
  EXPECT_TRUE(moved.fitted());
  EXPECT_FALSE(model.fitted());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(moved.predict(valid.X, valid.rows), loaded.predict(valid.X, valid.rows));
}

TEST(GradientBoostingTest, Errors) {
  const Dataset data = step_data(50, 21, 0.0);
  GradientBoosting model;
  expect_invalid_input([&] { (void)model.predict(data.X, data.rows); }, "not fitted");
  expect_invalid_input([&] { (void)model.best_iteration(); }, "not fitted");
  expect_invalid_input([&] { model.save("/tmp/never_written.model"); }, "not fitted");
  const GradientBoostingOptions options = small_options();
  expect_invalid_input([&] { model.fit(data.X, data.rows, 4, data.y, options); }, "rows x cols");
  expect_invalid_input(
      [&] { model.fit(data.X, data.rows, data.cols, std::span(data.y).first(3), options); },
      "y has 3 values");
  expect_invalid_input(
      [&] {
        model.fit(data.X, data.rows, data.cols, data.y, options, std::span(data.X).first(9), 2,
                  std::span(data.y).first(2));
      },
      "X_valid");
  const std::vector<float> nan_valid_y(2, kNaN);
  expect_invalid_input(
      [&] {
        model.fit(data.X, data.rows, data.cols, data.y, options, std::span(data.X).first(10), 2,
                  nan_valid_y);
      },
      "validation rows have NaN y");
  const std::vector<float> nan_y(data.rows, kNaN);
  expect_invalid_input([&] { model.fit(data.X, data.rows, data.cols, nan_y, options); },
                       "at least 2 rows");

  const auto with = [&](auto change) {
    GradientBoostingOptions changed = options;
    change(changed);
    return changed;
  };
  expect_invalid_input(
      [&] { model.fit(data.X, data.rows, data.cols, data.y, with([](auto& o) { o.rounds = 0; })); },
      "rounds");
  expect_invalid_input(
      [&] {
        model.fit(data.X, data.rows, data.cols, data.y, with([](auto& o) { o.learning_rate = 0; }));
      },
      "learning_rate");
  expect_invalid_input(
      [&] {
        model.fit(data.X, data.rows, data.cols, data.y, with([](auto& o) { o.subsample = 1.5; }));
      },
      "subsample");
  expect_invalid_input(
      [&] {
        model.fit(data.X, data.rows, data.cols, data.y, with([](auto& o) { o.threads = -1; }));
      },
      "threads");

  model.fit(data.X, data.rows, data.cols, data.y, options);
  const std::vector<float> wrong_cols(2 * 3, 0.0f);
  expect_invalid_input([&] { (void)model.predict(wrong_cols, 2); }, "fitted on 5 columns");

  try {
    (void)GradientBoosting::load("/nonexistent/gogooku3/model.json");
    ADD_FAILURE() << "expected NotFound";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound) << e.what();
  }
  const std::filesystem::path garbage =
      std::filesystem::temp_directory_path() / "gogooku3_gbm_garbage.model";
  std::ofstream(garbage) << "this is not a model";
  try {
    (void)GradientBoosting::load(garbage);
    ADD_FAILURE() << "expected Corruption";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kCorruption) << e.what();
    EXPECT_NE(std::string(e.what()).find("XGBoosterLoadModelFromBuffer"), std::string::npos);
  }
  std::filesystem::remove(garbage);
}

}  // namespace
}  // namespace gogooku3::ml
