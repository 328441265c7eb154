#include "ml/cv/purged_group_kfold.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml::cv {
namespace {

void check_options(const GroupKFoldOptions& options) {
  if (options.folds < 2) {
    throw invalid_input(
        "purged group k-fold: folds must be at least 2 (one fold would leave nothing to train "
        "on), got {}",
        options.folds);
  }
  if (options.horizon < 1) {
    throw invalid_input("purged group k-fold: horizon must be at least 1, got {}", options.horizon);
  }
  if (options.embargo < options.horizon) {
    throw invalid_input(
        "purged group k-fold: embargo ({}) must be at least the horizon ({}), or training days "
        "just after a test block share label days with its last test days; raise the embargo",
        options.embargo, options.horizon);
  }
}

// Training days of the fold that keeps the fewest, were there `day_count` days (int64: the
// search for the smallest workable count may go beyond the days at hand).
int64_t fewest_training_days(int64_t day_count, const GroupKFoldOptions& options) {
  const int64_t folds = options.folds;
  const int64_t base = day_count / folds;
  const int64_t larger_from = folds - day_count % folds;  // blocks from here on take one more
  int64_t fewest = day_count;
  for (int64_t k = 0; k < folds; ++k) {
    const int64_t size = base + (k >= larger_from ? 1 : 0);
    const int64_t start = k * base + std::max<int64_t>(0, k - larger_from);
    const int64_t after = day_count - start - size;
    const int64_t train = day_count - size - std::min<int64_t>(options.horizon, start) -
                          std::min<int64_t>(options.embargo, after);
    fewest = std::min(fewest, train);
  }
  return fewest;
}

// The smallest day count > `short_count` with a training day in every fold. Training days grow
// monotonically with the day count, and 2 * (horizon + embargo + 2) days (or one per fold, if
// more) always suffice, which bounds the binary search.
int64_t fewest_days_needed(int64_t short_count, const GroupKFoldOptions& options) {
  int64_t low = short_count;  // fails
  int64_t high = std::max<int64_t>(options.folds,
                                   2 * (int64_t{options.horizon} + options.embargo + 2));  // works
  while (high - low > 1) {
    const int64_t middle = low + (high - low) / 2;
    if (fewest_training_days(middle, options) > 0) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return high;
}

std::string describe_span(std::span<const Date> days) {
  if (days.empty()) return "";
  return " (" + days.front().to_string() + ".." + days.back().to_string() + ")";
}

}  // namespace

std::vector<Fold> purged_group_kfold(std::span<const Date> days, const GroupKFoldOptions& options) {
  check_options(options);
  check_ascending_unique(days);
  const int day_count = static_cast<int>(days.size());
  if (day_count < options.folds) {
    throw invalid_input(
        "purged group k-fold with {} folds needs at least {} days (one test block each, more "
        "for purge and embargo), but got {} days{}; load more history or use fewer folds",
        options.folds, options.folds, day_count, describe_span(days));
  }
  if (fewest_training_days(day_count, options) <= 0) {
    throw invalid_input(
        "purged group k-fold with {} folds, horizon {} and embargo {} needs at least {} days "
        "for every fold to keep a training day, but got {} days{}; load more history or use "
        "fewer folds",
        options.folds, options.horizon, options.embargo, fewest_days_needed(day_count, options),
        day_count, describe_span(days));
  }

  const std::vector<int> test_sizes = even_block_sizes(day_count, options.folds);
  std::vector<Fold> folds;
  folds.reserve(test_sizes.size());
  int test_begin = 0;
  for (int k = 0; k < options.folds; ++k) {
    const int test_end = test_begin + test_sizes[static_cast<size_t>(k)];
    Fold fold;
    fold.index = k;
    for (int i = 0; i < day_count; ++i) {
      if (i >= test_begin && i < test_end) {
        fold.test_days.push_back(i);
      } else if (i < test_begin && i >= test_begin - options.horizon) {
        ++fold.purged_days;
      } else if (i >= test_end && i - test_end < options.embargo) {
        ++fold.embargoed_days;
      } else {
        fold.train_days.push_back(i);
      }
    }
    folds.push_back(std::move(fold));
    test_begin = test_end;
  }
  return folds;
}

}  // namespace gogooku3::ml::cv
