#include "ml/dataset/day_batch.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

constexpr double kStdFloor = 1e-8;
constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

void check_options(const DatasetOptions& options) {
  if (options.lookback < 1) {
    throw invalid_input("ML dataset: lookback must be at least 1 day, got {}", options.lookback);
  }
  if (!(options.clip > 0) || !std::isfinite(options.clip)) {
    throw invalid_input("ML dataset: clip must be a positive number, got {}", options.clip);
  }
  if (options.min_stocks < 1) {
    throw invalid_input("ML dataset: min_stocks must be at least 1, got {}", options.min_stocks);
  }
}

bool has_observed_feature(const float* row, size_t num_features) {
  for (size_t f = 0; f < num_features; ++f) {
    if (std::isfinite(row[f])) return true;
  }
  return false;
}

}  // namespace

Dataset::Dataset(const Panel& panel, DatasetOptions options) : panel_(panel), options_(options) {
  check_options(options_);
  const size_t num_days = panel_.num_days();
  const size_t num_codes = panel_.num_codes();
  const size_t num_features = panel_.num_features();
  mean_.assign(num_days * num_features, 0.0);
  inv_std_.assign(num_days * num_features, 1.0);
  stocks_per_day_.assign(num_days, 0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, num_days), [&](const auto& range) {
    std::vector<double> sum(num_features), squares(num_features);
    std::vector<size_t> count(num_features);
    for (size_t d = range.begin(); d != range.end(); ++d) {
      std::fill(sum.begin(), sum.end(), 0.0);
      std::fill(squares.begin(), squares.end(), 0.0);
      std::fill(count.begin(), count.end(), 0);
      size_t stocks = 0;
      for (size_t c = 0; c < num_codes; ++c) {
        if (!panel_.is_listed(d, c)) continue;
        const float* row = panel_.feature_row(d, c);
        if (has_observed_feature(row, num_features)) ++stocks;
        for (size_t f = 0; f < num_features; ++f) {
          if (!std::isfinite(row[f])) continue;
          sum[f] += row[f];
          ++count[f];
        }
      }
      double* mean = mean_.data() + d * num_features;
      for (size_t f = 0; f < num_features; ++f) {
        mean[f] = count[f] > 0 ? sum[f] / static_cast<double>(count[f]) : 0.0;
      }
      // Two passes: the squared deviations from the mean, not sum(v^2) - n mean^2, which
      // cancels catastrophically for features far from zero (prices in yen, volumes).
      for (size_t c = 0; c < num_codes; ++c) {
        if (!panel_.is_listed(d, c)) continue;
        const float* row = panel_.feature_row(d, c);
        for (size_t f = 0; f < num_features; ++f) {
          if (!std::isfinite(row[f])) continue;
          const double deviation = row[f] - mean[f];
          squares[f] += deviation * deviation;
        }
      }
      double* inv_std = inv_std_.data() + d * num_features;
      for (size_t f = 0; f < num_features; ++f) {
        const double variance = count[f] > 0 ? squares[f] / static_cast<double>(count[f]) : 0.0;
        inv_std[f] = 1.0 / std::max(std::sqrt(variance), kStdFloor);
      }
      stocks_per_day_[d] = stocks;
    }
  });
  for (size_t d = 0; d < num_days; ++d) {
    if (stocks_per_day_[d] >= static_cast<size_t>(options_.min_stocks)) usable_days_.push_back(d);
  }
}

void Dataset::check_day(size_t day_index) const {
  if (day_index >= panel_.num_days()) {
    throw invalid_input("ML dataset: day index {} is out of range; the panel has {} days",
                        day_index, panel_.num_days());
  }
  if (stocks_per_day_[day_index] < static_cast<size_t>(options_.min_stocks)) {
    throw invalid_input(
        "ML dataset: {} (day {}) has {} stocks with features, fewer than min_stocks = {}; "
        "iterate over usable_days() or lower min_stocks",
        panel_.days[day_index].to_string(), day_index, stocks_per_day_[day_index],
        options_.min_stocks);
  }
}

float Dataset::normalised(size_t d, size_t c, size_t f) const {
  const float value = panel_.feature(d, c, f);
  if (!std::isfinite(value)) return kMissing;
  const size_t stat = d * panel_.num_features() + f;
  const double z = (value - mean_[stat]) * inv_std_[stat];
  return static_cast<float>(std::clamp(z, -options_.clip, options_.clip));
}

DayBatch Dataset::batch(size_t day_index) const {
  check_day(day_index);
  const size_t num_features = panel_.num_features();
  const auto lookback = static_cast<size_t>(options_.lookback);
  DayBatch batch;
  batch.date = panel_.days[day_index];
  batch.day_index = day_index;
  batch.lookback = options_.lookback;
  batch.num_features = static_cast<int>(num_features);
  for (size_t c = 0; c < panel_.num_codes(); ++c) {
    if (panel_.is_listed(day_index, c) &&
        has_observed_feature(panel_.feature_row(day_index, c), num_features)) {
      batch.codes.push_back(static_cast<int32_t>(c));
    }
  }
  const size_t stocks = batch.codes.size();
  batch.x.assign(stocks * lookback * num_features, 0.0f);
  batch.mask.assign(stocks * lookback * num_features, 0.0f);
  for (size_t b = 0; b < stocks; ++b) {
    const auto c = static_cast<size_t>(batch.codes[b]);
    for (size_t t = 0; t < lookback; ++t) {
      // Window position t holds day day_index - (lookback - 1 - t); earlier than day 0 stays 0.
      const size_t back = lookback - 1 - t;
      if (back > day_index) continue;
      const size_t d = day_index - back;
      if (!panel_.is_listed(d, c)) continue;
      float* x = batch.x.data() + (b * lookback + t) * num_features;
      float* mask = batch.mask.data() + (b * lookback + t) * num_features;
      for (size_t f = 0; f < num_features; ++f) {
        const float z = normalised(d, c, f);
        if (std::isnan(z)) continue;
        x[f] = z;
        mask[f] = 1.0f;
      }
    }
  }

  batch.target.assign(stocks * kNumHorizons, 0.0f);
  batch.target_mask.assign(stocks * kNumHorizons, 0.0f);
  batch.raw_target.assign(stocks * kNumHorizons, kMissing);
  for (size_t h = 0; h < kNumHorizons; ++h) {
    double sum = 0;
    size_t count = 0;
    for (size_t b = 0; b < stocks; ++b) {
      const float label = panel_.label(day_index, static_cast<size_t>(batch.codes[b]), h);
      batch.raw_target[b * kNumHorizons + h] = label;
      if (!std::isfinite(label)) continue;
      sum += label;
      ++count;
    }
    if (count == 0) continue;
    const double mean = sum / static_cast<double>(count);
    double squares = 0;
    for (size_t b = 0; b < stocks; ++b) {
      const float label = batch.raw_target[b * kNumHorizons + h];
      if (std::isfinite(label)) squares += (label - mean) * (label - mean);
    }
    const double spread = std::max(std::sqrt(squares / static_cast<double>(count)), kStdFloor);
    for (size_t b = 0; b < stocks; ++b) {
      const float label = batch.raw_target[b * kNumHorizons + h];
      if (!std::isfinite(label)) continue;
      batch.target[b * kNumHorizons + h] = static_cast<float>((label - mean) / spread);
      batch.target_mask[b * kNumHorizons + h] = 1.0f;
    }
  }
  return batch;
}

std::vector<float> Dataset::last_day_features(const DayBatch& batch) const {
  if (batch.day_index >= panel_.num_days() || panel_.days[batch.day_index] != batch.date) {
    throw invalid_input("ML dataset: the batch of {} (day {}) does not belong to this panel",
                        batch.date.to_string(), batch.day_index);
  }
  const size_t num_features = panel_.num_features();
  std::vector<float> out(batch.codes.size() * num_features);
  for (size_t b = 0; b < batch.codes.size(); ++b) {
    for (size_t f = 0; f < num_features; ++f) {
      out[b * num_features + f] =
          normalised(batch.day_index, static_cast<size_t>(batch.codes[b]), f);
    }
  }
  return out;
}

}  // namespace gogooku3::ml
