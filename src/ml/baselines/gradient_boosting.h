// Gradient-boosted trees (XGBoost) regression: the strong tree baseline (Qlib's LightGBM on
// Alpha158 reaches a daily RankIC of about 0.05; a deep model that cannot beat this is not worth
// its complexity).
//
// GradientBoosting owns an XGBoost booster through the C API (libxgboost 1.7): RAII over the
// BoosterHandle and every temporary DMatrixHandle, move-only. Objective reg:squarederror,
// tree_method hist, metric rmse.
//
// Data: X row-major [rows, cols] float; NaN means missing and is routed by XGBoost's learned
// default directions. Rows whose y is NaN are dropped before training (also in the validation
// set). With a validation set and early_stopping_rounds > 0, training stops once the validation
// rmse has not improved for early_stopping_rounds rounds; best_iteration() is the 0-based round
// with the lowest validation rmse and predict() uses the trees up to and including it. Without
// a validation set (or with early_stopping_rounds = 0) all `rounds` rounds are used and
// best_iteration() = rounds - 1.
//
// Determinism: the same data, options (seed and threads included) give identical predictions.
// Results with a different thread count may differ in the last bits (hist sums in parallel).
//
// Files: save() writes XGBoost's JSON model format (with best_iteration as a booster attribute),
// whatever the file extension; load() restores a model that predicts identically.
//
// Errors (gogooku3::Error): InvalidInput for sizes that do not match, cols of 0, an option out of
// range, +-Inf values, fewer than 2 usable training rows, no usable validation row, predict or
// save before fit, or a column count at predict that differs from fit. NotFound when load()'s
// file does not exist, Corruption when XGBoost cannot read it, Internal for any other XGBoost
// failure; every message names the XGBoost call and XGBGetLastError().
//
// Thread-safety: none; use one object per thread (XGBoost itself trains with `threads` threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace gogooku3::ml {

struct GradientBoostingOptions {
  int rounds = 200;                // boosting rounds (trees), >= 1
  int max_depth = 6;               // >= 1
  double learning_rate = 0.05;     // eta, in (0, 1]
  double subsample = 0.8;          // row fraction per tree, in (0, 1]
  double colsample_bytree = 0.8;   // column fraction per tree, in (0, 1]
  double min_child_weight = 1;     // >= 0
  double lambda = 1;               // L2 on leaf weights, >= 0
  int threads = 0;                 // 0 = all cores, else >= 1
  uint64_t seed = 42;              // row/column sampling seed
  int early_stopping_rounds = 20;  // >= 0; 0 = no early stopping; needs a validation set
};

class GradientBoosting {
 public:
  GradientBoosting() = default;
  ~GradientBoosting();
  GradientBoosting(GradientBoosting&& other) noexcept;
  GradientBoosting& operator=(GradientBoosting&& other) noexcept;
  GradientBoosting(const GradientBoosting&) = delete;
  GradientBoosting& operator=(const GradientBoosting&) = delete;

  // Trains a new booster (replacing any previous one). X_valid [valid_rows, cols] and y_valid
  // [valid_rows] are optional (all three empty/0 = no validation set).
  void fit(std::span<const float> X, size_t rows, size_t cols, std::span<const float> y,
           const GradientBoostingOptions& options, std::span<const float> X_valid = {},
           size_t valid_rows = 0, std::span<const float> y_valid = {});

  // Predictions for X row-major [rows, cols()] with trees 0..best_iteration().
  std::vector<float> predict(std::span<const float> X, size_t rows) const;

  bool fitted() const { return booster_ != nullptr; }
  size_t cols() const { return cols_; }
  // 0-based round whose trees end the model used by predict().
  int best_iteration() const;
  // Validation rmse of every trained round (empty without a validation set).
  const std::vector<double>& validation_rmse() const { return validation_rmse_; }

  void save(const std::filesystem::path& path) const;
  static GradientBoosting load(const std::filesystem::path& path);

 private:
  void require_fitted(const char* what) const;

  void* booster_ = nullptr;  // BoosterHandle (kept opaque so callers need no XGBoost headers)
  size_t cols_ = 0;
  int best_iteration_ = -1;
  std::vector<double> validation_rmse_;
};

}  // namespace gogooku3::ml
