// The ATFT-GAT-FAN blocks (see blocks.h for what each computes).
//
// Implementation notes:
// - FAN keeps the top-K bins by multiplying the spectrum with a 0/1 mask built by scatter, so
//   the gradient flows through rFFT/irFFT to x; the choice of bins itself is not learned.
// - VSN runs the F per-feature GRNs as batched matmuls (baddbmm) over feature-major
//   [F, B*T, ...] activations. Memory: every intermediate is B*T*F*hidden floats and about a
//   dozen are kept for backward (e.g. 4,000 stocks x 20 steps x 127 features x 32 = 1.3 GB
//   each at the CPU profile); the trainer sizes the day-batch accordingly.
// - GATv2 computes per-edge scores, then a per-target softmax with scatter_reduce("amax") and
//   index_add: no loop over nodes or edges, and nodes may have any number of incoming edges.
#include "ml/model/blocks.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

namespace nn = torch::nn;

// a [..., T, D] x b [..., D, S] for many tiny matrices (one per stock and head). LibTorch
// 1.13's CPU bmm runs one select and one GEMM call per matrix, ~10 us each, which dominated a
// 500-stock day (tens of thousands of calls per step); a broadcast multiply-and-sum does the
// same arithmetic in two kernels. On a GPU, batched GEMM is the right tool and stays.
torch::Tensor small_batched_matmul(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.is_cuda()) return torch::matmul(a, b);
  return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(-2);
}

std::string shape_of(const torch::Tensor& tensor) {
  if (!tensor.defined()) return "undefined";
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

// Throws unless `tensor` has exactly the dimensions `expected` (-1: any size). `layout` names
// the dimensions for the reader, e.g. "[B, T, F]".
void check_shape(std::string_view block, const torch::Tensor& tensor, std::string_view name,
                 std::initializer_list<int64_t> expected, std::string_view layout) {
  bool ok = tensor.defined() && tensor.dim() == static_cast<int64_t>(expected.size());
  int64_t dim = 0;
  for (int64_t size : expected) {
    if (!ok) break;
    ok = size < 0 || tensor.size(dim) == size;
    ++dim;
  }
  if (!ok) {
    std::vector<std::string> sizes;
    for (int64_t size : expected) sizes.push_back(size < 0 ? "*" : std::to_string(size));
    throw invalid_input("{}: {} has shape {}, expected {} = [{}]", block, name, shape_of(tensor),
                        layout, fmt::join(sizes, ", "));
  }
}

void check_positive(std::string_view block, std::string_view name, int64_t value) {
  if (value < 1) throw invalid_input("{}: {} must be at least 1, got {}", block, name, value);
}

void check_dropout(std::string_view block, double dropout) {
  if (!(dropout >= 0.0 && dropout < 1.0)) {
    throw invalid_input("{}: dropout must be in [0, 1), got {}", block, dropout);
  }
}

// Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), nn::Linear's default, for stacked parameters.
torch::Tensor linear_init(torch::IntArrayRef shape, int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return torch::empty(shape).uniform_(-bound, bound);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
FrequencyAdaptiveNormImpl::FrequencyAdaptiveNormImpl(int64_t lookback, int64_t features,
                                                     int64_t hidden_out, int64_t top_k,
                                                     bool enabled)
    : lookback_(lookback),
      features_(features),
      hidden_out_(hidden_out),
      top_k_(top_k),
      enabled_(enabled) {
  constexpr std::string_view kBlock = "FAN";
  check_positive(kBlock, "lookback", lookback);
  check_positive(kBlock, "features", features);
  check_positive(kBlock, "hidden_out", hidden_out);
  if (top_k < 1 || top_k > lookback / 2 + 1) {
    throw invalid_input("FAN: top_k must be in [1, lookback/2 + 1 = {}], got {}", lookback / 2 + 1,
                        top_k);
  }
  if (enabled_) {
    main_in_ = register_module("main_in", nn::Linear(lookback * features, hidden_out));
    main_out_ = register_module("main_out", nn::Linear(hidden_out, hidden_out));
  }
}

torch::Tensor FrequencyAdaptiveNormImpl::main_signal(const torch::Tensor& x) const {
  check_shape("FAN", x, "x", {-1, lookback_, features_}, "[B, T, F]");
  const torch::Tensor series = x.transpose(1, 2);  // [B, F, T]: FFT along time
  const torch::Tensor spectrum = torch::fft::rfft(series, lookback_, -1);
  const torch::Tensor top_bins = std::get<1>(spectrum.abs().topk(top_k_, -1));
  const torch::Tensor keep =
      torch::zeros(spectrum.sizes(), x.options()).scatter_(-1, top_bins, 1.0);
  return torch::fft::irfft(spectrum * keep, lookback_, -1).transpose(1, 2);
}

FanOutput FrequencyAdaptiveNormImpl::forward(const torch::Tensor& x) {
  check_shape("FAN", x, "x", {-1, lookback_, features_}, "[B, T, F]");
  if (!enabled_) return {x, torch::zeros({x.size(0), hidden_out_}, x.options())};
  const torch::Tensor main = main_signal(x);
  const torch::Tensor contribution =
      main_out_(torch::elu(main_in_(main.reshape({x.size(0), lookback_ * features_}))));
  return {x - main, contribution};
}

// ---------------------------------------------------------------------------------------------
GatedResidualNetworkImpl::GatedResidualNetworkImpl(int64_t in, int64_t hidden, int64_t out,
                                                   double dropout, int64_t context)
    : in_(in), out_(out), context_(context) {
  constexpr std::string_view kBlock = "GRN";
  check_positive(kBlock, "in", in);
  check_positive(kBlock, "hidden", hidden);
  check_positive(kBlock, "out", out);
  check_dropout(kBlock, dropout);
  if (context < 0) throw invalid_input("GRN: context must be >= 0, got {}", context);
  input_ = register_module("input", nn::Linear(in, hidden));
  if (context_ > 0) {
    context_in_ =
        register_module("context", nn::Linear(nn::LinearOptions(context, hidden).bias(false)));
  }
  hidden_layer_ = register_module("hidden", nn::Linear(hidden, hidden));
  gate_ = register_module("gate", nn::Linear(hidden, 2 * out));
  if (in != out) skip_ = register_module("skip", nn::Linear(in, out));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
  norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({out})));
}

torch::Tensor GatedResidualNetworkImpl::forward(const torch::Tensor& a, const torch::Tensor& c) {
  if (!a.defined() || a.dim() < 1 || a.size(-1) != in_) {
    throw invalid_input("GRN: input has shape {}, expected [..., {}]", shape_of(a), in_);
  }
  torch::Tensor eta = input_(a);
  if (context_ > 0) {
    if (!c.defined() || c.dim() < 1 || c.size(-1) != context_) {
      throw invalid_input("GRN: context has shape {}, expected [..., {}]", shape_of(c), context_);
    }
    eta = eta + context_in_(c);
  }
  eta = dropout_(hidden_layer_(torch::elu(eta)));
  const torch::Tensor gated = torch::glu(gate_(eta), -1);
  return norm_((skip_ ? skip_(a) : a) + gated);
}

// ---------------------------------------------------------------------------------------------
VariableSelectionImpl::VariableSelectionImpl(int64_t features, int64_t in_per_feature,
                                             int64_t feature_hidden, int64_t hidden,
                                             std::string weights, double dropout)
    : features_(features), in_(in_per_feature), feature_hidden_(feature_hidden), hidden_(hidden) {
  constexpr std::string_view kBlock = "VSN";
  check_positive(kBlock, "features", features);
  check_positive(kBlock, "in_per_feature", in_per_feature);
  check_positive(kBlock, "feature_hidden", feature_hidden);
  check_positive(kBlock, "hidden", hidden);
  check_dropout(kBlock, dropout);
  if (weights != "softmax" && weights != "sigmoid") {
    throw invalid_input("VSN: weights must be 'softmax' or 'sigmoid', got '{}'", weights);
  }
  softmax_ = weights == "softmax";
  const int64_t f = features;
  const int64_t h = feature_hidden;
  w2_ = register_parameter("w2", linear_init({f, in_, h}, in_));
  b2_ = register_parameter("b2", linear_init({f, 1, h}, in_));
  w1_ = register_parameter("w1", linear_init({f, h, h}, h));
  b1_ = register_parameter("b1", linear_init({f, 1, h}, h));
  wg_ = register_parameter("wg", linear_init({f, h, 2 * h}, h));
  bg_ = register_parameter("bg", linear_init({f, 1, 2 * h}, h));
  ws_ = register_parameter("ws", linear_init({f, in_, h}, in_));
  bs_ = register_parameter("bs", linear_init({f, 1, h}, in_));
  gamma_ = register_parameter("gamma", torch::ones({f, 1, h}));
  beta_ = register_parameter("beta", torch::zeros({f, 1, h}));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
  selection_ = register_module(
      "selection", GatedResidualNetwork(features * in_per_feature, hidden, features, dropout));
  if (feature_hidden != hidden) {
    project_ = register_module("project", nn::Linear(feature_hidden, hidden));
  }
}

VariableSelectionOutput VariableSelectionImpl::forward(const torch::Tensor& x,
                                                       const torch::Tensor& mask) {
  if (in_ != 2) {
    throw invalid_input(
        "VSN: forward(x, mask) feeds 2 inputs per feature, but the block was "
        "built for {}; call select() with [B, T, F, {}] inputs",
        in_, in_);
  }
  check_shape("VSN", x, "x", {-1, -1, features_}, "[B, T, F]");
  check_shape("VSN", mask, "mask", {x.size(0), x.size(1), features_}, "[B, T, F] like x");
  return select(torch::stack({x, mask.to(x.scalar_type())}, -1));
}

VariableSelectionOutput VariableSelectionImpl::select(const torch::Tensor& inputs) {
  check_shape("VSN", inputs, "inputs", {-1, -1, features_, in_}, "[B, T, F, in_per_feature]");
  const int64_t batch = inputs.size(0);
  const int64_t steps = inputs.size(1);
  const int64_t rows = batch * steps;
  // Feature-major [F, rows, in], so each feature's GRN is one slice of a batched matmul.
  const torch::Tensor a = inputs.reshape({rows, features_, in_}).transpose(0, 1).contiguous();
  torch::Tensor eta = torch::elu(torch::baddbmm(b2_, a, w2_));
  eta = dropout_(torch::baddbmm(b1_, eta, w1_));
  const torch::Tensor gated = torch::glu(torch::baddbmm(bg_, eta, wg_), -1);
  const torch::Tensor skip = torch::baddbmm(bs_, a, ws_);
  const torch::Tensor embedded =
      torch::layer_norm(skip + gated, {feature_hidden_}) * gamma_ + beta_;

  const torch::Tensor logits = selection_(inputs.reshape({rows, features_ * in_}));
  const torch::Tensor weights = softmax_ ? logits.softmax(-1) : logits.sigmoid();  // [rows, F]
  // sum_f weights[n, f] * embedded[f, n, :] as a broadcast product: einsum would lower this
  // to N tiny batched matmuls (tens of thousands of kernel calls per day-batch).
  torch::Tensor out = (embedded * weights.t().unsqueeze(-1)).sum(0);
  if (project_) out = project_(out);
  const torch::Tensor step_weights = weights.reshape({batch, steps, features_});
  last_weights_ = step_weights.detach();
  return {out.reshape({batch, steps, hidden_}), step_weights};
}

// ---------------------------------------------------------------------------------------------
TemporalBlockImpl::TemporalBlockImpl(int64_t hidden, int64_t heads, double dropout)
    : hidden_(hidden), heads_(heads) {
  constexpr std::string_view kBlock = "temporal block";
  check_positive(kBlock, "hidden", hidden);
  check_positive(kBlock, "heads", heads);
  check_dropout(kBlock, dropout);
  if (hidden % heads != 0) {
    throw invalid_input("temporal block: hidden {} is not divisible by heads {}", hidden, heads);
  }
  lstm_ = register_module(
      "lstm", nn::LSTM(nn::LSTMOptions(hidden, hidden).num_layers(1).batch_first(true)));
  query_ = register_module("query", nn::Linear(hidden, hidden));
  key_ = register_module("key", nn::Linear(hidden, hidden));
  value_ = register_module("value", nn::Linear(hidden, hidden));
  attention_out_ = register_module("attention_out", nn::Linear(hidden, hidden));
  attention_norm_ =
      register_module("attention_norm", nn::LayerNorm(nn::LayerNormOptions({hidden})));
  ffn_in_ = register_module("ffn_in", nn::Linear(hidden, 4 * hidden));
  ffn_out_ = register_module("ffn_out", nn::Linear(4 * hidden, hidden));
  ffn_norm_ = register_module("ffn_norm", nn::LayerNorm(nn::LayerNormOptions({hidden})));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
}

torch::Tensor TemporalBlockImpl::positional_encoding(int64_t steps, int64_t hidden,
                                                     const torch::TensorOptions& like) {
  const torch::Tensor position = torch::arange(steps, like).unsqueeze(1);  // [T, 1]
  const torch::Tensor dim = torch::arange(hidden, like);                   // [H]
  // Dimensions 2i and 2i+1 share the frequency 10000^(-2i/H): sin on even, cos on odd.
  const torch::Tensor pair = torch::floor(dim / 2) * 2;
  const torch::Tensor angle = position * torch::exp(pair * (-std::log(10000.0) / hidden));
  return torch::where(torch::fmod(dim, 2) == 0, angle.sin(), angle.cos());
}

torch::Tensor TemporalBlockImpl::self_attention(const torch::Tensor& x) {
  check_shape("temporal block", x, "x", {-1, -1, hidden_}, "[B, T, hidden]");
  const int64_t batch = x.size(0);
  const int64_t steps = x.size(1);
  const int64_t head_dim = hidden_ / heads_;
  auto split_heads = [&](const torch::Tensor& t) {
    return t.view({batch, steps, heads_, head_dim}).transpose(1, 2);  // [B, heads, T, d]
  };
  const torch::Tensor q = split_heads(query_(x));
  const torch::Tensor k = split_heads(key_(x));
  const torch::Tensor v = split_heads(value_(x));
  const torch::Tensor future = torch::ones({steps, steps}, x.options().dtype(torch::kBool)).triu(1);
  const torch::Tensor scores =
      (small_batched_matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(head_dim)))
          .masked_fill(future, -std::numeric_limits<double>::infinity());
  const torch::Tensor context = small_batched_matmul(dropout_(scores.softmax(-1)), v);
  return attention_out_(context.transpose(1, 2).reshape({batch, steps, hidden_}));
}

torch::Tensor TemporalBlockImpl::sequence(const torch::Tensor& x) {
  check_shape("temporal block", x, "x", {-1, -1, hidden_}, "[B, T, hidden]");
  const torch::Tensor encoded = std::get<0>(lstm_->forward(x));
  const torch::Tensor positioned =
      encoded + positional_encoding(x.size(1), hidden_, encoded.options());
  const torch::Tensor attended = attention_norm_(encoded + dropout_(self_attention(positioned)));
  const torch::Tensor ffn = ffn_out_(dropout_(torch::gelu(ffn_in_(attended))));
  return ffn_norm_(attended + dropout_(ffn));
}

torch::Tensor TemporalBlockImpl::forward(const torch::Tensor& x) {
  const torch::Tensor steps = sequence(x);
  return steps.select(1, steps.size(1) - 1);
}

// ---------------------------------------------------------------------------------------------
GatV2LayerImpl::GatV2LayerImpl(int64_t in, int64_t out_per_head, int64_t heads, int64_t edge_dim,
                               bool concat, double dropout)
    : in_(in), out_per_head_(out_per_head), heads_(heads), edge_dim_(edge_dim), concat_(concat) {
  constexpr std::string_view kBlock = "GATv2";
  check_positive(kBlock, "in", in);
  check_positive(kBlock, "out_per_head", out_per_head);
  check_positive(kBlock, "heads", heads);
  check_positive(kBlock, "edge_dim", edge_dim);
  check_dropout(kBlock, dropout);
  const int64_t width = heads * out_per_head;
  target_proj_ = register_module("target_proj", nn::Linear(in, width));
  source_proj_ = register_module("source_proj", nn::Linear(in, width));
  edge_proj_ =
      register_module("edge_proj", nn::Linear(nn::LinearOptions(edge_dim, width).bias(false)));
  attention_ = register_parameter("attention", linear_init({heads, out_per_head}, out_per_head));
  bias_ = register_parameter("bias", torch::zeros({concat ? width : out_per_head}));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
}

torch::Tensor GatV2LayerImpl::forward(const torch::Tensor& x, const torch::Tensor& edge_index,
                                      const torch::Tensor& edge_attr) {
  constexpr std::string_view kBlock = "GATv2";
  check_shape(kBlock, x, "x", {-1, in_}, "[N, in]");
  check_shape(kBlock, edge_index, "edge_index", {2, -1}, "[2, E]");
  if (edge_index.scalar_type() != torch::kLong) {
    throw invalid_input("GATv2: edge_index must be int64, got {}",
                        std::string(c10::toString(edge_index.scalar_type())));
  }
  const int64_t nodes = x.size(0);
  const int64_t edges = edge_index.size(1);
  check_shape(kBlock, edge_attr, "edge_attr", {edges, edge_dim_}, "[E, edge_dim]");

  const torch::Tensor source = edge_index[0];
  const torch::Tensor target = edge_index[1];
  const torch::Tensor at_target = target_proj_(x).view({nodes, heads_, out_per_head_});
  const torch::Tensor at_source = source_proj_(x).view({nodes, heads_, out_per_head_});
  const torch::Tensor message = at_source.index_select(0, source);  // W_t x_j: [E, heads, out]
  const torch::Tensor pre = at_target.index_select(0, target) + message +
                            edge_proj_(edge_attr).view({edges, heads_, out_per_head_});
  const torch::Tensor scores = (torch::leaky_relu(pre, 0.2) * attention_).sum(-1);  // [E, heads]

  // Softmax over each target's incoming edges. The per-target max only keeps exp() in range;
  // the softmax does not depend on it, so it is taken without gradient.
  const torch::Tensor target_per_head = target.unsqueeze(1).expand({edges, heads_});
  const torch::Tensor target_max =
      torch::full({nodes, heads_}, -std::numeric_limits<double>::infinity(), scores.options())
          .scatter_reduce(0, target_per_head, scores.detach(), "amax", true);
  const torch::Tensor exp_scores = (scores - target_max.index_select(0, target)).exp();
  const torch::Tensor denominator =
      torch::zeros({nodes, heads_}, scores.options()).index_add(0, target, exp_scores);
  const torch::Tensor alpha = exp_scores / denominator.index_select(0, target);
  last_attention_ = alpha.detach();

  const torch::Tensor weighted = message * dropout_(alpha).unsqueeze(-1);
  const torch::Tensor out = torch::zeros({nodes, heads_, out_per_head_}, weighted.options())
                                .index_add(0, target, weighted);
  return (concat_ ? out.reshape({nodes, heads_ * out_per_head_}) : out.mean(1)) + bias_;
}

// ---------------------------------------------------------------------------------------------
GraphAttentionStackImpl::GraphAttentionStackImpl(int64_t hidden, int64_t heads, int64_t edge_dim,
                                                 double dropout) {
  check_positive("GAT stack", "hidden", hidden);
  check_positive("GAT stack", "heads", heads);
  if (hidden % heads != 0) {
    throw invalid_input("GAT stack: hidden {} is not divisible by heads {}", hidden, heads);
  }
  constexpr int64_t kSecondLayerHeads = 2;
  first_ = register_module(
      "first", GatV2Layer(hidden, hidden / heads, heads, edge_dim, /*concat=*/true, dropout));
  second_ = register_module(
      "second", GatV2Layer(hidden, hidden, kSecondLayerHeads, edge_dim, /*concat=*/false, dropout));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
  norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({hidden})));
}

torch::Tensor GraphAttentionStackImpl::forward(const torch::Tensor& x,
                                               const torch::Tensor& edge_index,
                                               const torch::Tensor& edge_attr) {
  const torch::Tensor first = dropout_(torch::elu(first_(x, edge_index, edge_attr)));
  return norm_(x + second_(first, edge_index, edge_attr));
}

// ---------------------------------------------------------------------------------------------
GatedFusionImpl::GatedFusionImpl(int64_t hidden) : hidden_(hidden) {
  check_positive("gated fusion", "hidden", hidden);
  gate_ = register_module("gate", nn::Linear(2 * hidden, hidden));
  torch::NoGradGuard no_grad;
  gate_->bias.fill_(-0.5);
}

torch::Tensor GatedFusionImpl::forward(const torch::Tensor& base, const torch::Tensor& g) {
  check_shape("gated fusion", base, "base", {-1, hidden_}, "[B, hidden]");
  check_shape("gated fusion", g, "g", {base.size(0), hidden_}, "[B, hidden] like base");
  const torch::Tensor scaled = g * base.norm(2, -1, true) / (g.norm(2, -1, true) + 1e-6);
  const torch::Tensor gate = torch::sigmoid(gate_(torch::cat({base, g}, -1)) / 1.25);
  return base + gate * scaled;
}

// ---------------------------------------------------------------------------------------------
QuantileHeadsImpl::QuantileHeadsImpl(int64_t hidden, int64_t horizons,
                                     std::vector<double> quantiles, double dropout)
    : hidden_(hidden),
      horizons_(horizons),
      quantile_count_(static_cast<int64_t>(quantiles.size())),
      median_index_(-1) {
  constexpr std::string_view kBlock = "quantile heads";
  check_positive(kBlock, "hidden", hidden);
  check_positive(kBlock, "horizons", horizons);
  check_dropout(kBlock, dropout);
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    if (i > 0 && !(quantiles[i] > quantiles[i - 1])) {
      throw invalid_input("quantile heads: quantiles [{}] must be strictly ascending",
                          fmt::join(quantiles, ", "));
    }
    if (quantiles[i] == 0.5) median_index_ = static_cast<int64_t>(i);
  }
  if (median_index_ < 0) {
    throw invalid_input("quantile heads: quantiles [{}] must contain the median 0.5",
                        fmt::join(quantiles, ", "));
  }
  trunk_ = register_module("trunk", nn::Linear(hidden, hidden));
  output_ = register_module("output", nn::Linear(hidden, horizons * quantile_count_));
  dropout_ = register_module("dropout", nn::Dropout(dropout));
}

torch::Tensor QuantileHeadsImpl::forward(const torch::Tensor& z) {
  check_shape("quantile heads", z, "z", {-1, hidden_}, "[B, hidden]");
  // Per horizon: [median, offsets below (nearest first), offsets above (nearest first)].
  const torch::Tensor raw =
      output_(dropout_(torch::elu(trunk_(z)))).view({z.size(0), horizons_, quantile_count_});
  const int64_t below = median_index_;
  const int64_t above = quantile_count_ - 1 - median_index_;
  const torch::Tensor median = raw.narrow(2, 0, 1);
  const torch::Tensor lower =
      median - torch::softplus(raw.narrow(2, 1, below)).cumsum(2);  // q_{m-1}, q_{m-2}, ...
  const torch::Tensor upper = median + torch::softplus(raw.narrow(2, 1 + below, above)).cumsum(2);
  return torch::cat({lower.flip({2}), median, upper}, 2);
}

void QuantileHeadsImpl::perturb(double scale, uint64_t seed) {
  if (!std::isfinite(scale) || scale < 0.0) {
    throw invalid_input("quantile heads: perturb scale must be finite and >= 0, got {}", scale);
  }
  torch::NoGradGuard no_grad;
  torch::Tensor& weight = output_->weight;
  const double spread = weight.std().item<double>();
  const torch::Tensor noise = torch::randn(weight.sizes(), at::detail::createCPUGenerator(seed),
                                           torch::TensorOptions().dtype(torch::kDouble));
  weight.add_(noise.to(weight.options()) * (scale * spread));
}

}  // namespace gogooku3::ml
