// TrainOptions: every knob of a `gogooku3 train` run, in one value that is written next to the
// model (DIR/options.json) so a run can be read back, resumed and repeated exactly.
//
// Two profiles (issue 8): `cpu` fits the 2-core CI machine (hidden 32, lookback 20, a sample of
// training days per epoch) and `gpu` is the production size (hidden 256, lookback 60, every
// training day each epoch). Any field can then be overridden; from_json() starts from the named
// profile and applies the keys given, refusing unknown ones, so a typo never silently trains
// the default.
//
// Validation split: each walk-forward fold's training days are split once more in time. The
// last `validation_fraction` of them drive the LR plateau, early stopping and the Variance
// Watchdog, and the `horizon` days before that tail are dropped (the same purge the folds
// use), so model selection never sees the fold's test block.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ml/baselines/gradient_boosting.h"
#include "ml/baselines/ridge.h"
#include "ml/cv/purged_walk_forward.h"
#include "ml/dataset/day_batch.h"
#include "ml/dataset/stock_graph.h"
#include "ml/model/model_config.h"
#include "ml/watchdog/variance_watchdog.h"

namespace gogooku3::ml {

struct TrainOptions {
  std::string profile = "cpu";
  ModelConfig model = ModelConfig::cpu_profile();
  LossConfig loss{};
  DatasetOptions dataset{};
  GraphOptions graph{};
  cv::WalkForwardOptions cv{};
  WatchdogOptions watchdog{};
  RidgeOptions ridge{};
  GradientBoostingOptions xgboost{};

  int epochs = 6;
  int days_per_epoch = 0;  // day-batches drawn (without replacement) per epoch; 0 = all
  double learning_rate = 1e-3;
  double weight_decay = 1e-5;
  double gradient_clip = 1.0;
  int plateau_patience = 1;     // epochs without a better validation RankIC before the LR drops
  double plateau_factor = 0.5;  // LR multiplier on a plateau
  int early_stopping_patience = 3;
  double validation_fraction = 0.15;
  int selection_horizon = 5;  // validation RankIC of this horizon picks the best epoch
  int checkpoint_every = 25;  // day-batches between mid-epoch checkpoints
  uint64_t seed = 42;
  int threads = 0;              // 0: every core
  bool baselines = true;        // fit Ridge and XGBoost on the same folds
  int baseline_day_stride = 1;  // XGBoost trains on every n-th training day (speed)

  static TrainOptions cpu_profile();
  static TrainOptions gpu_profile();
  // InvalidInput naming the field and the allowed range.
  void validate() const;
  nlohmann::json to_json() const;
  // Starts from json["profile"] (default "cpu") and applies the other keys; InvalidInput for an
  // unknown key, naming it.
  static TrainOptions from_json(const nlohmann::json& json);
};

}  // namespace gogooku3::ml
