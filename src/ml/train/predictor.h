// Scoring one day with a trained model directory (what `gogooku3 predict` and the demo do).
//
// A model directory is what `gogooku3 train --out DIR` wrote: model.pt (weights) and
// model.json (name, model config, dataset and graph options, feature names, manifest hash).
// The features of the day must come from the same manifest the model was trained on: a model
// never scores features it was not trained on (the predecessor's feature count silently
// changed between training and inference), so a different manifest hash or feature list is an
// InvalidInput naming both.
//
// Output, one row per (code, horizon), rows by code then horizon:
//   code (string), date (date), horizon (int32, business days), q05 q25 q50 q75 q95 (float,
//   the predicted quantiles of the day-z-scored forward return), rank (int32: 1 = highest
//   median among the day's stocks for that horizon)
// written by the CLI to the lake as predictions/<model name>/date=D.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/table.h"
#include "ml/dataset/day_batch.h"
#include "ml/dataset/stock_graph.h"
#include "ml/model/model_config.h"

namespace gogooku3::ml {

struct ModelInfo {
  std::string name;
  std::string manifest_hash;
  std::vector<std::string> feature_names;
  ModelConfig config;
  DatasetOptions dataset;
  GraphOptions graph;
  std::string trained_through;
};

// Reads DIR/model.json; NotFound naming the file when DIR holds no trained model.
ModelInfo read_model_info(const std::filesystem::path& dir);

// Predicts panel day `day_index` with the model in `dir`. InvalidInput when the dataset's
// features are not the model's.
Table predict_day(const std::filesystem::path& dir, const Dataset& dataset, size_t day_index);

// The dataset name of a model's predictions in the lake: "predictions/<name>".
std::string predictions_dataset(const std::string& model_name);

}  // namespace gogooku3::ml
