#include "ml/train/sample_oracle.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"

namespace gogooku3::ml {

SampleOracle::SampleOracle(const market::sample::SampleOptions& options,
                           const TradingCalendar& calendar, std::span<const Date> days)
    : options_(options) {
  if (days.empty()) return;
  const std::set<Date> wanted(days.begin(), days.end());
  const Date last = *wanted.rbegin();
  market::sample::SampleMarket market(options, calendar, last);
  while (std::optional<market::sample::SampleDay> day = market.next_day()) {
    if (!wanted.contains(day->date)) continue;
    const Table& oracle = day->oracle;
    const auto& codes = oracle.column("code").as<std::string>();
    const auto& e1 = oracle.column("expected_return_1d").as<double>();
    const auto& e5 = oracle.column("expected_return_5d").as<double>();
    auto& by_code = expected_[day->date];
    for (size_t i = 0; i < codes.size(); ++i) by_code[codes[i]] = {e1[i], e5[i]};
  }
}

void SampleOracle::fill(DayPredictions& day, std::span<const int> horizons) const {
  const auto found = expected_.find(day.date);
  if (found == expected_.end()) {
    throw invalid_input("the sample market has no oracle for {}: is it a simulated business day?",
                        day.date.to_string());
  }
  size_t known = 0;
  for (size_t h = 0; h < horizons.size(); ++h) {
    if (horizons[h] != 1 && horizons[h] != 5) continue;
    for (size_t b = 0; b < day.codes.size(); ++b) {
      const auto it = found->second.find(day.codes[b]);
      if (it == found->second.end()) continue;
      day.prediction[h][b] = horizons[h] == 1 ? it->second.first : it->second.second;
      if (horizons[h] == 1 || horizons.size() == 1) ++known;
    }
  }
  const bool has_1d = std::find(horizons.begin(), horizons.end(), 1) != horizons.end();
  if (has_1d && static_cast<double>(known) < 0.9 * static_cast<double>(day.codes.size())) {
    throw invalid_input(
        "the lake's stocks on {} are not the sample market's (seed {}, {} stocks): only {} of "
        "{} codes are known to it; pass the --stocks the data was made with (sample.stocks, "
        "sample.seed)",
        day.date.to_string(), options_.seed, options_.stocks, known, day.codes.size());
  }
}

}  // namespace gogooku3::ml
