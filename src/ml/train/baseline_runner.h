// The baselines a user would pick instead of the network, fitted on exactly the same folds and
// scored by exactly the same metrics (issue 8): Ridge regression (Eigen) and gradient-boosted
// trees (XGBoost), both on the batch day's cross-sectionally z-scored features (the last step
// of the network's lookback window), one model per horizon, trained on the per-day z-scored
// targets the network learns.
//
//   Ridge    fits on every training day of the fold (train + validation tail); NaN features
//            become 0 plus a missing indicator (ml/baselines/ridge.h).
//   XGBoost  fits on every `baseline_day_stride`-th training day, with early stopping on the
//            fold's validation tail; NaN features are XGBoost's native missing values.
//
// Days are indices into the panel (Dataset::panel().days). Thread-safe for distinct calls.
#pragma once

#include <span>
#include <vector>

#include "ml/dataset/day_batch.h"
#include "ml/train/evaluation.h"
#include "ml/train/train_options.h"

namespace gogooku3::ml {

struct BaselinePredictions {
  std::vector<DayPredictions> ridge;
  std::vector<DayPredictions> xgboost;
};

BaselinePredictions run_baselines(const Dataset& dataset, std::span<const size_t> train_days,
                                  std::span<const size_t> valid_days,
                                  std::span<const size_t> test_days, const TrainOptions& options);

// The raw targets of a batch as DayPredictions.target ([H][B]) with its codes, and empty
// predictions: what every model's predictions of that day are filled into.
DayPredictions empty_predictions(const Dataset& dataset, const DayBatch& batch, size_t horizons);

}  // namespace gogooku3::ml
