// Labels: what a model learns to predict — forward returns of the adjusted close over 1, 5, 10
// and 20 traded days:
//   label_ret_Hd(code, t) = adj_close(t + H) / adj_close(t) - 1
// where t + H is the H-th traded day of the code after t (halted days are skipped, the same
// way the features skip them). NaN when the code has fewer than H traded days after t yet, or
// on a halted day.
//
// Labels live apart from features on purpose: they look forward. They are not in the feature
// catalog, FeatureManifest refuses any name that is_label_name() recognises, and the ML
// dataset (ml/) joins them by (code, date) only for training rows.
#pragma once

#include <string_view>
#include <vector>

#include "core/table.h"

namespace gogooku3::features {

inline constexpr int kLabelHorizons[] = {1, 5, 10, 20};

// "label_ret_5d" and anything else starting with "label_".
bool is_label_name(std::string_view name);

// code, date and label_ret_{1,5,10,20}d (double) for every row of `prices` (sorted by
// (code, date); adj_open..adj_close give the traded days).
Table compute_labels(const Table& prices);

}  // namespace gogooku3::features
