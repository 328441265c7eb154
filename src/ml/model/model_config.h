// The sizes and switches of the ATFT-GAT-FAN model and of its training loss.
//
// ModelConfig fixes every shape the model is built with (features F, lookback T, hidden size,
// heads, horizons, quantiles); a checkpoint only loads into a model built from the same config,
// so the trainer writes it next to the weights (to_json) and reads it back (from_json).
// cpu_profile() is the small model for CPUs (hidden 32, a 10-day window, 4-wide per-feature
// GRNs: about 0.45 s per 500-stock day-batch on two cores); gpu_profile() the
// production size (hidden 256, 60-day lookback).
//
// Conventions: horizons are business days, ascending; quantiles are probabilities, ascending,
// and must contain the median 0.5 (the point prediction and the one the correlation term and
// the metrics use). Plain values, no torch: any module may include this header cheaply.
//
// Errors: validate() and from_json() throw InvalidInput naming the field, the value given and
// the values allowed; from_json() refuses unknown keys (a typo must not silently train the
// default) and keeps the default for a key that is absent.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gogooku3::ml {

struct ModelConfig {
  int features = 127;  // F: feature columns per (stock, day)
  int lookback = 20;   // T: days per sample, ending at the batch day, oldest first
  int hidden = 32;     // model width; divisible by attention_heads and gat_heads
  int attention_heads = 4;
  double dropout = 0.1;  // in [0, 1)
  bool fan_enabled = true;
  int fan_top_k = 3;                    // frequencies kept as the main signal, 1..T/2+1
  std::string vsn_weights = "softmax";  // "softmax" (weights sum to 1) or "sigmoid"
  // Width of each feature's own GRN in the variable selection; the weighted sum is then
  // projected to `hidden`. Activation memory grows with B * T * F * vsn_feature_hidden, so
  // this, not `hidden`, decides whether a 4,000-stock day fits (8: ~4 GB at T 20 on CPU;
  // 16: ~23 GB at T 60 on a GPU).
  int vsn_feature_hidden = 8;
  bool gat_enabled = true;
  int gat_heads = 4;  // layer 1: concatenated, hidden/gat_heads each; layer 2: 2 heads averaged
  int edge_dim = 3;   // edge attribute columns [rho, same_market, same_sector33]
  std::vector<int> horizons = {1, 5, 10, 20};
  std::vector<double> quantiles = {0.05, 0.25, 0.5, 0.75, 0.95};

  static ModelConfig cpu_profile();  // hidden 32, lookback 10, heads 4, gat_heads 4, vsn 4
  static ModelConfig gpu_profile();  // hidden 256, lookback 60, heads 8, gat_heads 4, vsn 16

  void validate() const;
  int median_index() const;  // index of 0.5 in quantiles; validate() guarantees one exists

  nlohmann::json to_json() const;
  static ModelConfig from_json(const nlohmann::json& json);  // validated
};

struct LossConfig {
  std::vector<double> horizon_weights = {1.0, 0.8, 0.5, 0.3};  // one per horizon, >= 0
  double correlation_weight = 0.1;  // weight of (1 - Pearson(median, target)), >= 0

  // Weights non-negative, not all zero, one per horizon of `model`.
  void validate(const ModelConfig& model) const;

  nlohmann::json to_json() const;
  static LossConfig from_json(const nlohmann::json& json);  // values checked, not the count
};

}  // namespace gogooku3::ml
