#include "ml/cv/purged_walk_forward.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml::cv {
namespace {

void check_at_least(std::string_view name, int value, int minimum) {
  if (value < minimum) {
    throw invalid_input("purged walk-forward: {} must be at least {}, got {}", name, minimum,
                        value);
  }
}

void check_options(const WalkForwardOptions& options) {
  check_at_least("folds", options.folds, 1);
  check_at_least("min_train_days", options.min_train_days, 1);
  check_at_least("min_test_days", options.min_test_days, 1);
  check_at_least("horizon", options.horizon, 1);
  check_at_least("embargo", options.embargo, 0);
}

std::string describe_span(std::span<const Date> days) {
  if (days.empty()) return "";
  return " (" + days.front().to_string() + ".." + days.back().to_string() + ")";
}

}  // namespace

std::vector<Fold> purged_walk_forward(std::span<const Date> days,
                                      const WalkForwardOptions& options) {
  check_options(options);
  check_ascending_unique(days);
  const int day_count = static_cast<int>(days.size());
  const int gap = std::max(options.horizon, options.embargo);
  const int64_t needed =
      int64_t{options.min_train_days} + gap + int64_t{options.folds} * options.min_test_days;
  if (day_count < needed) {
    throw invalid_input(
        "purged walk-forward needs at least {} days ({} training + {} purge/embargo gap + {} "
        "folds x {} test days), but got {} days{}; load more history or lower folds, "
        "min_train_days or min_test_days",
        needed, options.min_train_days, gap, options.folds, options.min_test_days, day_count,
        describe_span(days));
  }

  const int first_test_day = options.min_train_days + gap;
  const std::vector<int> test_sizes = even_block_sizes(day_count - first_test_day, options.folds);
  std::vector<Fold> folds;
  folds.reserve(test_sizes.size());
  int test_begin = first_test_day;
  for (int k = 0; k < options.folds; ++k) {
    Fold fold;
    fold.index = k;
    for (int i = 0; i < test_begin; ++i) {
      if (i >= test_begin - options.horizon) {
        ++fold.purged_days;
      } else if (i >= test_begin - options.embargo) {
        ++fold.embargoed_days;
      } else {
        fold.train_days.push_back(i);
      }
    }
    const int test_end = test_begin + test_sizes[static_cast<size_t>(k)];
    for (int i = test_begin; i < test_end; ++i) fold.test_days.push_back(i);
    folds.push_back(std::move(fold));
    test_begin = test_end;
  }
  return folds;
}

}  // namespace gogooku3::ml::cv
