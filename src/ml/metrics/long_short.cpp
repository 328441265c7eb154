#include "ml/metrics/long_short.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml::metrics {
namespace {

using Weights = std::unordered_map<std::string_view, double>;  // code -> signed weight

struct Book {
  Weights weights;
  double period_return = 0;
};

void require_horizon(int horizon) {
  if (horizon < 1) {
    throw invalid_input(
        "long-short: horizon {} is not a holding period; pass the label's horizon in trading "
        "days (1, 5, 10, 20)",
        horizon);
  }
}

void require_well_formed(const DayCrossSection& day, size_t day_index) {
  if (day.codes.size() != day.prediction.size() || day.codes.size() != day.target.size()) {
    throw invalid_input(
        "long-short day {}: {} codes, {} predictions, {} targets; pass one prediction and one "
        "target per code",
        day_index, day.codes.size(), day.prediction.size(), day.target.size());
  }
  std::unordered_set<std::string_view> seen;
  for (const std::string& code : day.codes) {
    if (!seen.insert(code).second) {
      throw invalid_input(
          "long-short day {}: code '{}' appears twice; pass one row per code and day", day_index,
          code);
    }
  }
}

std::optional<Book> form_book(const DayCrossSection& day) {
  std::vector<size_t> ranked;
  for (size_t i = 0; i < day.codes.size(); ++i) {
    if (std::isfinite(day.prediction[i]) && std::isfinite(day.target[i])) ranked.push_back(i);
  }
  const size_t n_leg = ranked.size() / kLegsPerBook;
  if (n_leg == 0) return std::nullopt;
  std::sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) {
    if (day.prediction[a] != day.prediction[b]) return day.prediction[a] < day.prediction[b];
    return day.codes[a] < day.codes[b];
  });
  const double leg_weight = 1.0 / static_cast<double>(n_leg);
  Book book;
  double long_sum = 0;
  double short_sum = 0;
  for (size_t k = 0; k < n_leg; ++k) {
    const size_t short_row = ranked[k];
    const size_t long_row = ranked[ranked.size() - 1 - k];
    book.weights[day.codes[short_row]] = -leg_weight;
    book.weights[day.codes[long_row]] = leg_weight;
    short_sum += day.target[short_row];
    long_sum += day.target[long_row];
  }
  book.period_return = (long_sum - short_sum) / static_cast<double>(n_leg);
  return book;
}

double gross(const Weights& weights) {
  double sum = 0;
  for (const auto& [code, weight] : weights) sum += std::abs(weight);
  return sum;
}

double book_turnover(const Weights& before, const Weights& after) {
  double traded = 0;
  for (const auto& [code, weight] : after) {
    const auto old = before.find(code);
    traded += std::abs(weight - (old == before.end() ? 0.0 : old->second));
  }
  for (const auto& [code, weight] : before) {
    if (!after.contains(code)) traded += std::abs(weight);
  }
  return traded / (gross(before) + gross(after));
}

}  // namespace

double periods_per_year(int horizon) {
  require_horizon(horizon);
  return static_cast<double>(kTradingDaysPerYear) / horizon;
}

double annualised_return(std::span<const double> period_returns, int horizon) {
  return mean_of_finite(period_returns) * periods_per_year(horizon);
}

double annualised_sharpe(std::span<const double> period_returns, int horizon) {
  const double factor = std::sqrt(periods_per_year(horizon));
  const double volatility = sample_std_of_finite(period_returns);
  if (!(volatility > 0)) return kNaN;
  return mean_of_finite(period_returns) / volatility * factor;
}

double max_drawdown(std::span<const double> period_returns) {
  if (period_returns.empty()) return kNaN;
  double equity = 0;
  double peak = 0;
  double worst = 0;
  for (const double r : period_returns) {
    equity += r;
    peak = std::max(peak, equity);
    worst = std::max(worst, peak - equity);
  }
  return worst;
}

LongShortResult long_short(std::span<const DayCrossSection> days, int horizon) {
  require_horizon(horizon);
  LongShortResult result;
  std::optional<Weights> previous;
  std::vector<double> turnovers;
  for (size_t d = 0; d < days.size(); d += static_cast<size_t>(horizon)) {
    require_well_formed(days[d], d);
    std::optional<Book> book = form_book(days[d]);
    if (!book) {
      ++result.skipped_rebalances;
      continue;
    }
    result.period_returns.push_back(book->period_return);
    if (previous) turnovers.push_back(book_turnover(*previous, book->weights));
    previous = std::move(book->weights);
  }
  const std::span<const double> returns = result.period_returns;
  result.annual_return = annualised_return(returns, horizon);
  result.sharpe = annualised_sharpe(returns, horizon);
  result.max_drawdown = max_drawdown(returns);
  result.turnover = mean_of_finite(turnovers);
  return result;
}

}  // namespace gogooku3::ml::metrics
