// The training loss of ATFT-GAT-FAN for one day-batch.
//
//   per horizon h:  pinball_h     = mean over valid stocks and over all Q quantiles of
//                                   max(tau (y - q), (tau - 1) (y - q))
//                   correlation_h = 1 - Pearson(median_h, y_h) over the valid stocks
//                                   (0 when fewer than 3 stocks are valid)
//   total = sum_h w_h (pinball_h + correlation_weight * correlation_h) / sum_h w_h
//
// Every quantile is trained by the pinball term (the predecessor trained only the median);
// the correlation term rewards ranking the day's stocks in the right order, which is what the
// daily RankIC measures, and pushes against predictions collapsing to one value.
//
// Masking: a (stock, horizon) with target_mask 0 takes no part, whatever its target holds
// (even NaN). A horizon with no valid stock contributes 0; with fewer than 3, its pinball term
// only. The total is finite for any finite predictions. Every tensor created here takes the
// device of `quantiles`; the per-horizon doubles cost one device-to-host copy.
//
// Errors: InvalidInput naming the tensor and the expected shape, or the loss config field.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ml/model/model_config.h"

namespace gogooku3::ml {

struct LossTerms {
  torch::Tensor total;              // scalar, differentiable
  std::vector<double> pinball;      // per horizon, detached
  std::vector<double> correlation;  // per horizon: 1 - Pearson (unweighted), 0 if < 3 valid
};

LossTerms atft_loss(const torch::Tensor& quantiles,    // [B, H, Q]
                    const torch::Tensor& target,       // [B, H]
                    const torch::Tensor& target_mask,  // [B, H], 1 = known
                    const ModelConfig& model, const LossConfig& loss);

}  // namespace gogooku3::ml
