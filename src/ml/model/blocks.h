// The building blocks of ATFT-GAT-FAN, one LibTorch module each (an `*Impl` class and its
// TORCH_MODULE holder), small enough to be tested by their shapes alone:
//
//   FrequencyAdaptiveNorm  FAN (Ye et al. 2024): per stock and feature, the top-K amplitude
//                          frequencies of the window are the non-stationary main signal;
//                          the rest (the residual) goes on, the main signal's contribution is
//                          predicted by a small MLP and added back before the heads.
//   GatedResidualNetwork   the TFT paper's GRN: LN(skip(a) + GLU(W1 ELU(W2 a + W3 c))).
//   VariableSelection      one GRN per feature over (value, mask), batched as tensor ops over a
//                          [F, ...] parameter tensor, mixed by per-(stock, step) weights.
//   TemporalBlock          LSTM, causal multi-head self-attention, position-wise FFN.
//   GatV2Layer             GATv2 with edge attributes over one day's stock graph.
//   GraphAttentionStack    two GATv2 layers + residual + LayerNorm.
//   GatedFusion            adds the graph view to the temporal view through a learned gate.
//   QuantileHeads          per horizon, quantiles that cannot cross by construction.
//
// Shapes: B = stocks of the day, T = lookback steps (oldest first), F = features, N = graph
// nodes (= B), E = edges. Graph conventions are the data layer's: edge_index [2, E] int64,
// row 0 the source j and row 1 the target i (the message goes j -> i).
//
// Device: nothing here assumes CPU; every tensor created inside a forward takes its options
// from an input. Parameters are registered under stable names, so torch::save / torch::load
// round-trip. A module is not thread-safe (the `last_*` inspection tensors are overwritten by
// each forward). Shape errors throw InvalidInput naming the tensor and the expected shape.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gogooku3::ml {

// ---------------------------------------------------------------------------------------------
struct FanOutput {
  torch::Tensor residual;           // [B, T, F]  x - x_main
  torch::Tensor main_contribution;  // [B, hidden_out]  MLP(x_main); zeros when disabled
};

class FrequencyAdaptiveNormImpl : public torch::nn::Module {
 public:
  // top_k in [1, lookback/2 + 1]. Disabled: forward passes x through and contributes zeros,
  // and the MLP is not built (no parameters that would never get a gradient).
  FrequencyAdaptiveNormImpl(int64_t lookback, int64_t features, int64_t hidden_out, int64_t top_k,
                            bool enabled = true);

  FanOutput forward(const torch::Tensor& x);  // x [B, T, F]

  // The main signal alone: irFFT of the top-K amplitude bins of each (stock, feature) series.
  torch::Tensor main_signal(const torch::Tensor& x) const;

 private:
  int64_t lookback_;
  int64_t features_;
  int64_t hidden_out_;
  int64_t top_k_;
  bool enabled_;
  torch::nn::Linear main_in_{nullptr};
  torch::nn::Linear main_out_{nullptr};
};
TORCH_MODULE(FrequencyAdaptiveNorm);

// ---------------------------------------------------------------------------------------------
class GatedResidualNetworkImpl : public torch::nn::Module {
 public:
  // context = 0: no context input. The skip is a Linear when in != out, identity otherwise.
  GatedResidualNetworkImpl(int64_t in, int64_t hidden, int64_t out, double dropout,
                           int64_t context = 0);

  // a [..., in]; c [..., context] (required iff context > 0) -> [..., out].
  torch::Tensor forward(const torch::Tensor& a, const torch::Tensor& c = {});

 private:
  int64_t in_;
  int64_t out_;
  int64_t context_;
  torch::nn::Linear input_{nullptr};         // W2
  torch::nn::Linear context_in_{nullptr};    // W3 (no bias)
  torch::nn::Linear hidden_layer_{nullptr};  // W1
  torch::nn::Linear gate_{nullptr};          // GLU: hidden -> 2 out (value, gate)
  torch::nn::Linear skip_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(GatedResidualNetwork);

// ---------------------------------------------------------------------------------------------
struct VariableSelectionOutput {
  torch::Tensor out;      // [B, T, hidden]
  torch::Tensor weights;  // [B, T, F]
};

// Each feature's GRN is `feature_hidden` wide and the weighted sum of the feature embeddings is
// projected to `hidden` (a Linear; none when the two are equal). Activation memory grows as
// B * T * F * feature_hidden (about a dozen such tensors are kept for backward), which is why
// the per-feature width is its own, small, setting: at T 60, F 127 and a width of 256 a
// 4,000-stock day would need ~376 GB; at 16 it needs ~23 GB.
class VariableSelectionImpl : public torch::nn::Module {
 public:
  // weights: "softmax" (sum to 1 over features) or "sigmoid" (each in (0, 1)).
  VariableSelectionImpl(int64_t features, int64_t in_per_feature, int64_t feature_hidden,
                        int64_t hidden, std::string weights, double dropout);

  // x, mask [B, T, F]: each feature's input is (value, mask); needs in_per_feature == 2.
  VariableSelectionOutput forward(const torch::Tensor& x, const torch::Tensor& mask);
  // The general form: inputs [B, T, F, in_per_feature].
  VariableSelectionOutput select(const torch::Tensor& inputs);

  // Selection weights of the last forward, detached: [B, T, F].
  const torch::Tensor& last_weights() const { return last_weights_; }

 private:
  int64_t features_;
  int64_t in_;
  int64_t feature_hidden_;
  int64_t hidden_;
  bool softmax_;
  // The per-feature GRNs as stacked parameters, feature first: the GRN of feature f is
  // LN_f(skip_f(a) + GLU(W1_f ELU(W2_f a + b2_f) + b1_f)), with a its `in` inputs.
  // (d = feature_hidden)
  torch::Tensor w2_, b2_;       // [F, in, d], [F, 1, d]
  torch::Tensor w1_, b1_;       // [F, d, d], [F, 1, d]
  torch::Tensor wg_, bg_;       // [F, d, 2 d], [F, 1, 2 d]
  torch::Tensor ws_, bs_;       // [F, in, d], [F, 1, d]
  torch::Tensor gamma_, beta_;  // [F, 1, d]
  torch::nn::Dropout dropout_{nullptr};
  GatedResidualNetwork selection_{nullptr};  // F * in -> F selection logits
  torch::nn::Linear project_{nullptr};       // feature_hidden -> hidden, when they differ
  torch::Tensor last_weights_;
};
TORCH_MODULE(VariableSelection);

// ---------------------------------------------------------------------------------------------
class TemporalBlockImpl : public torch::nn::Module {
 public:
  TemporalBlockImpl(int64_t hidden, int64_t heads, double dropout);

  torch::Tensor forward(const torch::Tensor& x);  // [B, T, hidden] -> last step [B, hidden]
  // Every step's output [B, T, hidden]; step t depends on input steps <= t only.
  torch::Tensor sequence(const torch::Tensor& x);
  // Causal multi-head self-attention alone (before Add & LN): [B, T, hidden] -> same.
  torch::Tensor self_attention(const torch::Tensor& x);

  // Sinusoidal positional encoding [T, hidden] (Vaswani et al.) with `like`'s options.
  static torch::Tensor positional_encoding(int64_t steps, int64_t hidden,
                                           const torch::TensorOptions& like);

 private:
  int64_t hidden_;
  int64_t heads_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::Linear query_{nullptr};
  torch::nn::Linear key_{nullptr};
  torch::nn::Linear value_{nullptr};
  torch::nn::Linear attention_out_{nullptr};
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::Linear ffn_in_{nullptr};
  torch::nn::Linear ffn_out_{nullptr};
  torch::nn::LayerNorm ffn_norm_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(TemporalBlock);

// ---------------------------------------------------------------------------------------------
class GatV2LayerImpl : public torch::nn::Module {
 public:
  // concat: output [N, heads * out_per_head]; otherwise the mean over heads [N, out_per_head].
  GatV2LayerImpl(int64_t in, int64_t out_per_head, int64_t heads, int64_t edge_dim, bool concat,
                 double dropout);

  // x [N, in], edge_index [2, E] int64 (source, target), edge_attr [E, edge_dim].
  // A node without incoming edges receives nothing (its output is the bias).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& edge_index,
                        const torch::Tensor& edge_attr);

  // alpha of the last forward, detached, before dropout: [E, heads]; sums to 1 over the
  // incoming edges of each target node, per head.
  const torch::Tensor& last_attention() const { return last_attention_; }

 private:
  int64_t in_;
  int64_t out_per_head_;
  int64_t heads_;
  int64_t edge_dim_;
  bool concat_;
  torch::nn::Linear target_proj_{nullptr};  // W_s, applied to the target x_i
  torch::nn::Linear source_proj_{nullptr};  // W_t, applied to the source x_j (and the message)
  torch::nn::Linear edge_proj_{nullptr};    // W_e, no bias
  torch::Tensor attention_;                 // a: [heads, out_per_head]
  torch::Tensor bias_;
  torch::nn::Dropout dropout_{nullptr};
  torch::Tensor last_attention_;
};
TORCH_MODULE(GatV2Layer);

// ---------------------------------------------------------------------------------------------
// layer1 (heads concatenated, hidden/heads each) -> ELU -> dropout -> layer2 (2 heads
// averaged, hidden) + residual + LayerNorm: [N, hidden] -> [N, hidden].
class GraphAttentionStackImpl : public torch::nn::Module {
 public:
  GraphAttentionStackImpl(int64_t hidden, int64_t heads, int64_t edge_dim, double dropout);

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& edge_index,
                        const torch::Tensor& edge_attr);

  GatV2Layer& first() { return first_; }
  GatV2Layer& second() { return second_; }

 private:
  GatV2Layer first_{nullptr};
  GatV2Layer second_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(GraphAttentionStack);

// ---------------------------------------------------------------------------------------------
// z = base + sigmoid(W [base; g] / 1.25) * g_scaled, g_scaled = g * ||base|| / (||g|| + 1e-6)
// per row: the graph view may change a stock's representation by at most its own size, and
// the gate starts mostly closed (bias -0.5).
class GatedFusionImpl : public torch::nn::Module {
 public:
  explicit GatedFusionImpl(int64_t hidden);

  torch::Tensor forward(const torch::Tensor& base, const torch::Tensor& g);  // [B, hidden]

 private:
  int64_t hidden_;
  torch::nn::Linear gate_{nullptr};
};
TORCH_MODULE(GatedFusion);

// ---------------------------------------------------------------------------------------------
// [B, hidden] -> [B, horizons, quantiles]. The median is predicted directly; every other
// quantile is the median plus (above) or minus (below) a cumulative sum of softplus offsets,
// so the quantiles are strictly ascending whatever the weights.
class QuantileHeadsImpl : public torch::nn::Module {
 public:
  QuantileHeadsImpl(int64_t hidden, int64_t horizons, std::vector<double> quantiles,
                    double dropout);

  torch::Tensor forward(const torch::Tensor& z);

  // Adds N(0, scale * std(w)) noise to the output layer's weight w (the Variance Watchdog's
  // "perturb" action). The noise comes from a CPU generator seeded with `seed`, so the same
  // seed perturbs identically on any device.
  void perturb(double scale, uint64_t seed);

 private:
  int64_t hidden_;
  int64_t horizons_;
  int64_t quantile_count_;
  int64_t median_index_;
  torch::nn::Linear trunk_{nullptr};
  torch::nn::Linear output_{nullptr};  // hidden -> horizons * quantiles (median, offsets)
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(QuantileHeads);

}  // namespace gogooku3::ml
