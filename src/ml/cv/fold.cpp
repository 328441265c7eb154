#include "ml/cv/fold.h"

#include <fmt/format.h>

#include <climits>
#include <string_view>

#include "core/error.h"

namespace gogooku3::ml::cv {
namespace {

std::string day_range(const std::vector<int>& indices, std::span<const Date> days) {
  if (indices.empty()) return "none";
  return fmt::format("{}..{}", days[static_cast<size_t>(indices.front())].to_string(),
                     days[static_cast<size_t>(indices.back())].to_string());
}

void check_indices(const Fold& fold, const std::vector<int>& indices, std::string_view role,
                   std::span<const Date> days) {
  for (int index : indices) {
    if (index < 0 || static_cast<size_t>(index) >= days.size()) {
      throw invalid_input(
          "fold {}: {} day index {} is outside the {} days given; describe a fold with the "
          "days it was made from",
          fold.index, role, index, days.size());
    }
  }
}

}  // namespace

std::string describe_fold(const Fold& fold, std::span<const Date> days) {
  check_indices(fold, fold.train_days, "train", days);
  check_indices(fold, fold.test_days, "test", days);
  return fmt::format("fold {}: train {} ({} days, {} purged, {} embargoed), test {} ({} days)",
                     fold.index, day_range(fold.train_days, days), fold.train_days.size(),
                     fold.purged_days, fold.embargoed_days, day_range(fold.test_days, days),
                     fold.test_days.size());
}

void check_ascending_unique(std::span<const Date> days) {
  if (days.size() > static_cast<size_t>(INT_MAX)) {
    throw invalid_input("cross-validation got {} days, more than the {} a fold can index",
                        days.size(), INT_MAX);
  }
  for (size_t i = 1; i < days.size(); ++i) {
    if (days[i] == days[i - 1]) {
      throw invalid_input(
          "cross-validation days must be unique, but {} appears at indices {} and {}; pass one "
          "entry per trading day",
          days[i].to_string(), i - 1, i);
    }
    if (days[i] < days[i - 1]) {
      throw invalid_input(
          "cross-validation days must be ascending, but {} at index {} comes after {} at index "
          "{}; sort the sample dates first",
          days[i].to_string(), i, days[i - 1].to_string(), i - 1);
    }
  }
}

std::vector<int> even_block_sizes(int count, int parts) {
  const int base = count / parts;
  const int extra = count % parts;
  std::vector<int> sizes(static_cast<size_t>(parts), base);
  for (int k = parts - extra; k < parts; ++k) ++sizes[static_cast<size_t>(k)];
  return sizes;
}

}  // namespace gogooku3::ml::cv
