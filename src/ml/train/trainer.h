// `gogooku3 train`'s engine: purged walk-forward training of ATFT-GAT-FAN, with its baselines,
// metrics, Variance Watchdog, checkpoints and resume. The header is free of LibTorch, so the
// CLI does not pay for its headers.
//
// Per fold (ml/cv/purged_walk_forward.h over the panel's labelled days):
//   1. the fold's training days are split in time into a training part and a validation tail
//      (TrainOptions::validation_fraction), with the longest horizon's days dropped between
//      them, so the tail's labels never overlap the days trained on;
//   2. the network (seeded with seed + fold) trains with AdamW and gradient clipping, one
//      trading day per batch (the GAT needs the day's graph), `days_per_epoch` days drawn per
//      epoch in an order that depends only on (seed, fold, epoch);
//   3. after each epoch the validation tail is scored: the mean daily RankIC of
//      `selection_horizon` keeps the best epoch, drives the LR plateau and early stopping, and
//      the Variance Watchdog sees std(predictions)/std(targets) per horizon;
//   4. the best epoch's weights predict the fold's test block; the baselines fit on the same
//      days and predict the same block.
//
// Output directory (`--out DIR`):
//   options.json          the TrainOptions of the run (resume refuses different ones)
//   model.pt, model.json  the last fold's best network (the one trained on the most recent
//                         data) with its config, feature names and manifest hash: what
//                         `gogooku3 predict` loads
//   metrics.json          per model (network, ridge, xgboost): per fold and overall, per horizon
//                         (evaluation.h), the watchdog's outcome, and oracle_rank_ic for the
//                         sample market
//   watchdog.json         each fold's ratio history
//   feature_weights.json  the variable-selection weight of each feature (last fold, validation)
//   folds/fold-K.json     each finished fold's test predictions (resume keeps them)
//   checkpoint/           the state to resume from; written every `checkpoint_every` day-batches
//                         and after each epoch, as a new directory renamed into place, so a
//                         kill -9 at any moment leaves the previous complete checkpoint
//
// Determinism: on CPU with the same seed and thread count the run is bit-for-bit repeatable,
// and a run killed and resumed from any checkpoint ends with the same metrics: the epoch order
// and every dropout mask are derived from (seed, fold, epoch, step), not from state that a
// restart would lose.
//
// Errors: InvalidInput for a panel too short for the folds (naming the day counts) or a resume
// with different options; the Variance Watchdog's stop is not an error: the result says so.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ml/dataset/day_batch.h"
#include "ml/train/evaluation.h"
#include "ml/train/train_options.h"

namespace gogooku3::ml {

struct TrainProgress {
  std::string phase{};  // "train", "validate", "baselines", "test"
  int fold = 0;
  int folds = 0;
  int epoch = 0;
  int epochs = 0;
  size_t step = 0;
  size_t steps = 0;
  double loss = 0;         // mean training loss of the epoch so far
  double val_rank_ic = 0;  // last validation RankIC (selection horizon)
  double learning_rate = 0;
  double samples_per_second = 0;  // stocks per second in training steps
  double eta_seconds = 0;
};

struct TrainContext {
  std::filesystem::path out{};
  std::string manifest_hash{};
  std::string model_name{};  // names predictions/<model_name>/; default: out's directory name
  bool resume = false;       // continue from out/checkpoint
  std::function<void(const TrainProgress&)> on_progress{};
  // The sample market's oracle: fills day.prediction[h] for the horizons it knows (others
  // stay NaN). Unset for real data.
  std::function<void(DayPredictions& day)> oracle{};
};

struct TrainResult {
  nlohmann::json metrics{};         // what metrics.json holds
  std::string early_stop_reason{};  // "" or "variance_collapse"
  int folds_completed = 0;
  double seconds = 0;
};

TrainResult train_model(const Dataset& dataset, const TrainOptions& options,
                        const TrainContext& context);

// The labelled days the folds are cut from: panel days (indices) on which at least
// options.dataset.min_stocks stocks have the longest horizon's label.
std::vector<size_t> labelled_days(const Dataset& dataset, const TrainOptions& options);

// The test days of every fold, ascending (what the run will be scored on).
std::vector<Date> test_days(const Dataset& dataset, const TrainOptions& options);

}  // namespace gogooku3::ml
