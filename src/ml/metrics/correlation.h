// Correlation of two series, and the moments it is built from: the IC (Pearson) and RankIC
// (Spearman) of one trading day's predictions against realised returns.
//
// Missing data: a pair takes part only when both of its values are finite; NaN (and +-inf)
// in either series drops the pair, never the whole day. A correlation is NaN, not 0, when
// fewer than 2 pairs remain or either side has zero variance: a constant prediction carries no
// ranking, and reporting 0 would hide a collapsed model behind a plausible number.
//
// Spearman is Pearson of average ranks computed over the jointly valid pairs only, so a NaN
// target never shifts the ranks of the other predictions. Ties share the mean of the positions
// they occupy: the ranks of {1, 2, 2, 3} are {1, 2.5, 2.5, 4}.
//
// Pure functions over caller-owned spans; thread-safe. Mismatched lengths throw InvalidInput.
#pragma once

#include <limits>
#include <span>
#include <vector>

namespace gogooku3::ml::metrics {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 1-based ranks, ties averaged. Non-finite values get a NaN rank and take no position:
// the ranks of {NaN, 5, 1} are {NaN, 2, 1}.
std::vector<double> average_ranks(std::span<const double> values);

double pearson(std::span<const double> x, std::span<const double> y);
double spearman(std::span<const double> x, std::span<const double> y);

// Mean and sample standard deviation (n - 1) of the finite values; NaN when there are none
// (mean) or fewer than 2 (std).
double mean_of_finite(std::span<const double> values);
double sample_std_of_finite(std::span<const double> values);

}  // namespace gogooku3::ml::metrics
