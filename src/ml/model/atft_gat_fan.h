// ATFT-GAT-FAN: the assembled model. One forward scores the B stocks of one trading day.
//
//   x, mask [B, T, F] --FAN--> residual [B, T, F] + main contribution [B, hidden]
//   residual, mask --VSN--> [B, T, hidden] --TemporalBlock--> temporal [B, hidden]
//   temporal + day graph --GAT stack--> graph [B, hidden]   (when gat_enabled and E > 0)
//   GatedFusion(temporal, graph) + main contribution --QuantileHeads--> [B, horizons, quantiles]
//
// Inputs follow the data layer's contract: features z-scored per day and clipped, a missing
// value is 0 with mask 0; edge_index [2, E] int64 (row 0 source j, row 1 target i, local rows
// 0..B-1; the builder adds a self-loop per node), edge_attr [E, edge_dim]. Without a graph
// (gat disabled, or E = 0) the temporal representation goes to the heads unfused.
//
// Parameters are registered under stable names ("fan", "vsn", "temporal", "gat", "fusion",
// "heads"), so torch::save(model, path) / torch::load(model, path) round-trip between models
// built from the same ModelConfig. Nothing assumes CPU: move the module with ->to(device) and
// pass inputs on that device. Not thread-safe (VSN and GAT keep their last weights for
// inspection).
//
// Errors: the constructor throws InvalidInput for an invalid config; forward throws
// InvalidInput naming the tensor and the expected shape ("x has 126 features, the model was
// built for 127"), a non-int64 edge_index or an edge index outside 0..B-1.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "ml/model/blocks.h"
#include "ml/model/model_config.h"

namespace gogooku3::ml {

struct ModelOutput {
  torch::Tensor quantiles;        // [B, H, Q], ascending along Q
  torch::Tensor feature_weights;  // [F], mean VSN weight over B and T (detached)
};

class AtftGatFanImpl : public torch::nn::Module {
 public:
  explicit AtftGatFanImpl(ModelConfig config);

  ModelOutput forward(const torch::Tensor& x, const torch::Tensor& mask,
                      const torch::Tensor& edge_index, const torch::Tensor& edge_attr);

  torch::Tensor median(const ModelOutput& output) const;  // [B, H]
  const ModelConfig& config() const { return config_; }

  // The Variance Watchdog's "perturb" action: adds N(0, scale * std(w)) noise to the weight of
  // the heads' output layer; the same seed gives the same noise on any device.
  void perturb_heads(double scale, uint64_t seed);

  // Blocks, for inspection and tests. gat() and fusion() are null when gat_enabled is false.
  FrequencyAdaptiveNorm& fan() { return fan_; }
  VariableSelection& vsn() { return vsn_; }
  TemporalBlock& temporal() { return temporal_; }
  GraphAttentionStack& gat() { return gat_; }
  GatedFusion& fusion() { return fusion_; }
  QuantileHeads& heads() { return heads_; }

 private:
  void check_inputs(const torch::Tensor& x, const torch::Tensor& mask,
                    const torch::Tensor& edge_index, const torch::Tensor& edge_attr) const;

  ModelConfig config_;
  FrequencyAdaptiveNorm fan_{nullptr};
  VariableSelection vsn_{nullptr};
  TemporalBlock temporal_{nullptr};
  GraphAttentionStack gat_{nullptr};
  GatedFusion fusion_{nullptr};
  QuantileHeads heads_{nullptr};
};
TORCH_MODULE(AtftGatFan);

// Sends LibTorch's own warnings to spdlog (debug) instead of stderr. Idempotent; every model
// constructor calls it.
void route_torch_warnings_to_log();

}  // namespace gogooku3::ml
