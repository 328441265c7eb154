// The ATFT-GAT-FAN loss (loss.h): pinball over all quantiles plus a per-horizon Pearson
// penalty, computed for all horizons at once as [B, H] tensor ops (no per-horizon loop, no
// host round-trip before the single copy of the per-horizon report).
#include "ml/model/loss.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <string>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

// Keeps 1/sqrt(variance) finite for a constant prediction or target; far below the variance
// of any real day (z-scored targets sum to about one per stock).
constexpr double kVarianceEpsilon = 1e-8;
constexpr int64_t kMinStocksForCorrelation = 3;

std::string shape_of(const torch::Tensor& tensor) {
  if (!tensor.defined()) return "undefined";
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

void check_inputs(const torch::Tensor& quantiles, const torch::Tensor& target,
                  const torch::Tensor& target_mask, const ModelConfig& model) {
  const auto horizons = static_cast<int64_t>(model.horizons.size());
  const auto quantile_count = static_cast<int64_t>(model.quantiles.size());
  if (!quantiles.defined() || quantiles.dim() != 3 || quantiles.size(1) != horizons ||
      quantiles.size(2) != quantile_count || !quantiles.is_floating_point()) {
    throw invalid_input(
        "loss: quantiles has shape {}, expected a floating-point [B, H = {}, Q = {}] tensor",
        shape_of(quantiles), horizons, quantile_count);
  }
  const int64_t stocks = quantiles.size(0);
  if (!target.defined() || target.dim() != 2 || target.size(0) != stocks ||
      target.size(1) != horizons) {
    throw invalid_input("loss: target has shape {}, expected [B = {}, H = {}]", shape_of(target),
                        stocks, horizons);
  }
  if (!target_mask.defined() || target_mask.sizes() != target.sizes()) {
    throw invalid_input("loss: target_mask has shape {}, expected target's shape {}",
                        shape_of(target_mask), shape_of(target));
  }
}

}  // namespace

LossTerms atft_loss(const torch::Tensor& quantiles, const torch::Tensor& target,
                    const torch::Tensor& target_mask, const ModelConfig& model,
                    const LossConfig& loss) {
  check_inputs(quantiles, target, target_mask, model);
  loss.validate(model);
  const torch::TensorOptions options = quantiles.options();
  const auto quantile_count = static_cast<double>(model.quantiles.size());

  const torch::Tensor valid = target_mask.to(options.dtype()) > 0.5;  // [B, H]
  const torch::Tensor weight = valid.to(options.dtype());
  const torch::Tensor y =
      torch::where(valid, target.to(options.dtype()), torch::zeros_like(weight));
  const torch::Tensor counts = weight.sum(0);  // [H]
  const torch::Tensor safe_counts = counts.clamp_min(1.0);

  const torch::Tensor taus = torch::tensor(model.quantiles, torch::kDouble).to(options);
  const torch::Tensor error = y.unsqueeze(-1) - quantiles;  // [B, H, Q]
  const torch::Tensor pinball_each =
      torch::max(taus * error, (taus - 1.0) * error) * weight.unsqueeze(-1);
  const torch::Tensor pinball =
      pinball_each.sum(std::vector<int64_t>{0, 2}) / (safe_counts * quantile_count);

  const torch::Tensor median = quantiles.select(2, model.median_index());  // [B, H]
  const torch::Tensor median_dev = (median - (median * weight).sum(0) / safe_counts) * weight;
  const torch::Tensor target_dev = (y - (y * weight).sum(0) / safe_counts) * weight;
  const torch::Tensor pearson =
      (median_dev * target_dev).sum(0) / ((median_dev.square().sum(0) + kVarianceEpsilon).sqrt() *
                                          (target_dev.square().sum(0) + kVarianceEpsilon).sqrt());
  const torch::Tensor correlation =
      torch::where(counts >= static_cast<double>(kMinStocksForCorrelation), 1.0 - pearson,
                   torch::zeros_like(pearson));

  const torch::Tensor horizon_weights =
      torch::tensor(loss.horizon_weights, torch::kDouble).to(options);
  const torch::Tensor per_horizon = pinball + loss.correlation_weight * correlation;
  LossTerms terms;
  terms.total = (horizon_weights * per_horizon).sum() / horizon_weights.sum();

  const torch::Tensor report =
      torch::stack({pinball, correlation}).detach().to(torch::kCPU, torch::kDouble).contiguous();
  const auto horizons = report.size(1);
  const double* values = report.data_ptr<double>();
  terms.pinball.assign(values, values + horizons);
  terms.correlation.assign(values + horizons, values + 2 * horizons);
  return terms;
}

}  // namespace gogooku3::ml
