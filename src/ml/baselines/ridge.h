// Ridge regression: the linear baseline every gogooku3 model has to beat.
//
// What it fits: y ~ intercept + w . z(x), where z standardises every column with the mean and
// standard deviation seen in training, by solving (Z'Z + lambda * n * I) w = Z'(y - mean(y))
// with Eigen's LDLT. n is the number of usable training rows, so lambda is a penalty per sample
// and means the same thing for a week and for ten years of data. The intercept is mean(y) and is
// never penalised. A column that is constant in training gets scale 1 and, being all zero after
// centring, weight 0.
//
// Missing values: X is row-major [rows, cols] float and may hold NaN. A NaN is replaced by 0
// (the cross-sectional mean of the z-scored features of the data layer) and, for every feature
// that has at least one NaN in training, a missing-indicator column (1 where the value was NaN,
// 0 otherwise) is appended after the `cols` feature columns, in feature order, so that the model
// can learn that "missing" is informative. Predict builds the same indicators; a NaN at predict
// time in a feature that was complete in training is simply replaced by 0. +-Inf is rejected.
// Rows whose y is NaN are skipped in training.
//
// Errors (gogooku3::Error, InvalidInput): X or y sizes that do not match rows/cols, cols of 0,
// an infinite value, fewer than 2 rows with a known y, a negative or non-finite lambda, predict
// before fit, and from_json on a document that is not a saved ridge model.
//
// Thread-safety: const methods may be called concurrently; fit() needs exclusive access.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace gogooku3::ml {

struct RidgeOptions {
  // L2 penalty per sample on the standardised weights, >= 0 (0 = ordinary least squares, which
  // needs linearly independent columns).
  double lambda = 1.0;
};

class RidgeRegression {
 public:
  // Fits on X row-major [rows, cols] and y [rows]. Refitting replaces the previous model.
  void fit(std::span<const float> X, size_t rows, size_t cols, std::span<const float> y,
           const RidgeOptions& options = {});

  // Predictions for X row-major [rows, cols()]; cols must match fit.
  std::vector<float> predict(std::span<const float> X, size_t rows) const;

  bool fitted() const { return fitted_; }
  // Feature columns the model was fitted on (without indicator columns).
  size_t cols() const { return cols_; }
  // Features (0-based) that received a missing-indicator column, ascending.
  const std::vector<size_t>& indicator_features() const { return indicator_features_; }
  // Weights in the original (unstandardised) units: the cols() features first, then one per
  // indicator feature; prediction = intercept() + coefficients() . [x with NaN -> 0, indicators].
  std::vector<double> coefficients() const;
  double intercept() const;

  // {"model": "ridge", "version": 1, "lambda", "cols", "indicator_features", "mean", "scale",
  //  "weights" (standardised), "y_mean"}; from_json(to_json()) predicts identically.
  nlohmann::json to_json() const;
  static RidgeRegression from_json(const nlohmann::json& json);

 private:
  void require_fitted(const char* what) const;
  // Expanded row (features with NaN -> 0, then indicators) standardised into `out`.
  void standardise_row(const float* row, double* out) const;

  bool fitted_ = false;
  double lambda_ = 0.0;
  size_t cols_ = 0;
  std::vector<size_t> indicator_features_;
  std::vector<double> mean_;     // per expanded column
  std::vector<double> scale_;    // per expanded column, > 0
  std::vector<double> weights_;  // per expanded column, on standardised values
  double y_mean_ = 0.0;
};

}  // namespace gogooku3::ml
