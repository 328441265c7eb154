// The assembled ATFT-GAT-FAN model: input checks, then the blocks in order (atft_gat_fan.h).
//
// The graph is used only when the config enables it and the day has edges; an index outside
// the day's rows is refused before it can reach index_select (on a GPU that would read
// another row's memory or fault asynchronously, far from the cause).
#include "ml/model/atft_gat_fan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

std::string shape_of(const torch::Tensor& tensor) {
  if (!tensor.defined()) return "undefined";
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

// LibTorch's warnings (e.g. "scatter_reduce() is in beta") would go to stderr through glog,
// with a "Logging before InitGoogleLogging()" line, on every run; they are facts about the
// library, not about the user's data, so they go to our log at debug level instead.
class LogWarningHandler : public c10::WarningHandler {
 public:
  void process(const c10::SourceLocation& where, const std::string& message,
               const bool /*verbatim*/) override {
    spdlog::debug("libtorch ({}:{}): {}", where.file, where.line, message);
  }
};

}  // namespace

void route_torch_warnings_to_log() {
  static LogWarningHandler handler;
  c10::Warning::set_warning_handler(&handler);
}

AtftGatFanImpl::AtftGatFanImpl(ModelConfig config) : config_(std::move(config)) {
  route_torch_warnings_to_log();
  config_.validate();
  const ModelConfig& c = config_;
  fan_ = register_module(
      "fan", FrequencyAdaptiveNorm(c.lookback, c.features, c.hidden, c.fan_top_k, c.fan_enabled));
  vsn_ = register_module("vsn", VariableSelection(c.features, 2, c.vsn_feature_hidden, c.hidden,
                                                  c.vsn_weights, c.dropout));
  temporal_ = register_module("temporal", TemporalBlock(c.hidden, c.attention_heads, c.dropout));
  if (c.gat_enabled) {
    gat_ =
        register_module("gat", GraphAttentionStack(c.hidden, c.gat_heads, c.edge_dim, c.dropout));
    fusion_ = register_module("fusion", GatedFusion(c.hidden));
  }
  heads_ = register_module("heads", QuantileHeads(c.hidden, static_cast<int64_t>(c.horizons.size()),
                                                  c.quantiles, c.dropout));
}

void AtftGatFanImpl::check_inputs(const torch::Tensor& x, const torch::Tensor& mask,
                                  const torch::Tensor& edge_index,
                                  const torch::Tensor& edge_attr) const {
  const ModelConfig& c = config_;
  if (!x.defined() || x.dim() != 3 || !x.is_floating_point()) {
    throw invalid_input("x has shape {}, expected a floating-point [B, T = {}, F = {}] tensor",
                        shape_of(x), c.lookback, c.features);
  }
  if (x.size(0) < 1) throw invalid_input("x has no stocks (B = 0); skip empty days");
  if (x.size(1) != c.lookback) {
    throw invalid_input("x has {} steps, the model was built for a lookback of {}", x.size(1),
                        c.lookback);
  }
  if (x.size(2) != c.features) {
    throw invalid_input("x has {} features, the model was built for {}", x.size(2), c.features);
  }
  if (!mask.defined() || mask.sizes() != x.sizes()) {
    throw invalid_input("mask has shape {}, expected x's shape {}", shape_of(mask), shape_of(x));
  }
  if (!edge_index.defined() || edge_index.dim() != 2 || edge_index.size(0) != 2) {
    throw invalid_input("edge_index has shape {}, expected [2, E]", shape_of(edge_index));
  }
  if (edge_index.scalar_type() != torch::kLong) {
    throw invalid_input("edge_index must be int64, got {}",
                        std::string(c10::toString(edge_index.scalar_type())));
  }
  const int64_t edges = edge_index.size(1);
  if (!edge_attr.defined() || edge_attr.dim() != 2 || edge_attr.size(0) != edges ||
      edge_attr.size(1) != c.edge_dim) {
    throw invalid_input("edge_attr has shape {}, expected [E = {}, edge_dim = {}]",
                        shape_of(edge_attr), edges, c.edge_dim);
  }
  if (c.gat_enabled && edges > 0) {
    // One transfer for both bounds: an index outside the day would read another row's memory
    // on the GPU instead of failing.
    const torch::Tensor bounds = torch::stack({edge_index.min(), edge_index.max()}).cpu();
    const int64_t low = bounds[0].item<int64_t>();
    const int64_t high = bounds[1].item<int64_t>();
    if (low < 0 || high >= x.size(0)) {
      throw invalid_input("edge_index has node indices in [{}, {}], expected local rows 0..{}", low,
                          high, x.size(0) - 1);
    }
  }
}

ModelOutput AtftGatFanImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                    const torch::Tensor& edge_index,
                                    const torch::Tensor& edge_attr) {
  check_inputs(x, mask, edge_index, edge_attr);
  const FanOutput fan = fan_(x);
  const VariableSelectionOutput selected = vsn_(fan.residual, mask);
  const torch::Tensor temporal = temporal_(selected.out);
  torch::Tensor representation = temporal;
  if (gat_ && edge_index.size(1) > 0) {
    const torch::Tensor graph = gat_(temporal, edge_index, edge_attr.to(temporal.scalar_type()));
    representation = fusion_(temporal, graph);
  }
  representation = representation + fan.main_contribution;
  return {heads_(representation), selected.weights.detach().mean(std::vector<int64_t>{0, 1})};
}

torch::Tensor AtftGatFanImpl::median(const ModelOutput& output) const {
  return output.quantiles.select(2, config_.median_index());
}

void AtftGatFanImpl::perturb_heads(double scale, uint64_t seed) { heads_->perturb(scale, seed); }

}  // namespace gogooku3::ml
