#include "ml/train/baseline_runner.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "ml/baselines/gradient_boosting.h"
#include "ml/baselines/ridge.h"

namespace gogooku3::ml {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Rows of last-day features and, per horizon, z-scored targets (NaN where unknown).
struct Design {
  size_t cols = 0;
  std::vector<float> x;
  std::vector<std::vector<float>> y;  // [H][rows]
  size_t rows() const { return cols == 0 ? 0 : x.size() / cols; }
};

Design design(const Dataset& dataset, std::span<const size_t> days, size_t stride,
              size_t horizons) {
  Design out;
  out.cols = dataset.panel().num_features();
  out.y.resize(horizons);
  for (size_t i = 0; i < days.size(); i += stride) {
    const DayBatch batch = dataset.batch(days[i]);
    const std::vector<float> features = dataset.last_day_features(batch);
    out.x.insert(out.x.end(), features.begin(), features.end());
    const size_t b_count = batch.codes.size();
    for (size_t b = 0; b < b_count; ++b) {
      for (size_t h = 0; h < horizons; ++h) {
        const size_t k = b * horizons + h;
        out.y[h].push_back(batch.target_mask[k] > 0 ? batch.target[k] : kNaN);
      }
    }
  }
  return out;
}

}  // namespace

DayPredictions empty_predictions(const Dataset& dataset, const DayBatch& batch, size_t horizons) {
  DayPredictions day;
  day.date = batch.date;
  const size_t b_count = batch.codes.size();
  day.codes.reserve(b_count);
  for (int32_t code : batch.codes) day.codes.push_back(dataset.panel().codes[code]);
  day.prediction.assign(horizons,
                        std::vector<double>(b_count, std::numeric_limits<double>::quiet_NaN()));
  day.target.assign(horizons, std::vector<double>(b_count));
  for (size_t b = 0; b < b_count; ++b) {
    for (size_t h = 0; h < horizons; ++h) {
      day.target[h][b] = batch.raw_target[b * horizons + h];
    }
  }
  return day;
}

BaselinePredictions run_baselines(const Dataset& dataset, std::span<const size_t> train_days,
                                  std::span<const size_t> valid_days,
                                  std::span<const size_t> test_days, const TrainOptions& options) {
  const size_t horizons = options.model.horizons.size();
  std::vector<size_t> all_train(train_days.begin(), train_days.end());
  all_train.insert(all_train.end(), valid_days.begin(), valid_days.end());
  const Design ridge_design = design(dataset, all_train, 1, horizons);
  const Design boost_design =
      design(dataset, train_days, static_cast<size_t>(options.baseline_day_stride), horizons);
  const Design valid_design = design(dataset, valid_days, 1, horizons);

  std::vector<RidgeRegression> ridges(horizons);
  std::vector<GradientBoosting> boosts(horizons);
  for (size_t h = 0; h < horizons; ++h) {
    ridges[h].fit(ridge_design.x, ridge_design.rows(), ridge_design.cols, ridge_design.y[h],
                  options.ridge);
    boosts[h].fit(boost_design.x, boost_design.rows(), boost_design.cols, boost_design.y[h],
                  options.xgboost, valid_design.x, valid_design.rows(), valid_design.y[h]);
  }

  BaselinePredictions out;
  for (size_t day : test_days) {
    const DayBatch batch = dataset.batch(day);
    const std::vector<float> features = dataset.last_day_features(batch);
    const size_t rows = batch.codes.size();
    DayPredictions ridge = empty_predictions(dataset, batch, horizons);
    DayPredictions boost = ridge;
    for (size_t h = 0; h < horizons; ++h) {
      const std::vector<float> r = ridges[h].predict(features, rows);
      const std::vector<float> g = boosts[h].predict(features, rows);
      for (size_t b = 0; b < rows; ++b) {
        ridge.prediction[h][b] = r[b];
        boost.prediction[h][b] = g[b];
      }
    }
    out.ridge.push_back(std::move(ridge));
    out.xgboost.push_back(std::move(boost));
  }
  return out;
}

}  // namespace gogooku3::ml
