// What `gogooku3 train` and the demo share around a training run: the progress lines, the
// summary table of out-of-sample RankIC per model and horizon, and the sample market's oracle
// for the run's test days.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/command.h"
#include "ml/train/sample_oracle.h"
#include "ml/train/trainer.h"

namespace gogooku3::cli {

// One line per validated epoch ("fold 1/5 epoch 2/6: loss .., validation RankIC .., lr ..,
// samples/s, ETA") and per fold's baselines, on stdout.
void print_training_progress(const ml::TrainProgress& progress);

// The overall RankIC of the model, the baselines and the oracle per horizon.
void print_training_summary(const nlohmann::json& metrics, const ml::TrainOptions& options);

// The sample market's oracle for every test day of the run's folds. `stocks` overrides
// sample.stocks (the universe size the lake was built with).
std::unique_ptr<ml::SampleOracle> sample_oracle_for(CommandContext& context,
                                                    const ml::Dataset& dataset,
                                                    const ml::TrainOptions& options,
                                                    std::optional<int> stocks);

// Points `train_context.oracle` at `oracle` (which must outlive the training run).
void attach_oracle(ml::TrainContext& train_context, const ml::SampleOracle& oracle,
                   const ml::TrainOptions& options);

}  // namespace gogooku3::cli
