// The sample market's oracle as a "model": the simulator's own conditional expected returns
// (market/sample/sample_market.h) for the days a training run tests on, so metrics.json can say
// how much of the planted signal a model recovered (oracle_rank_ic, issue 8).
//
// The oracle knows the 1-day and 5-day expectations only; other horizons stay NaN and are left
// out of oracle_rank_ic. It is scored by the same code as the models, against the same realised
// forward returns, on the same days.
//
// The lake must hold the sample market of these SampleOptions (seed, stocks): fill() throws
// InvalidInput when fewer than 90% of a day's codes are known to the oracle, which is what
// happens with another seed or universe size, naming the options to pass.
#pragma once

#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/trading_calendar.h"
#include "market/sample/sample_market.h"
#include "ml/train/evaluation.h"

namespace gogooku3::ml {

class SampleOracle {
 public:
  // Simulates the sample market from its start date through the last of `days` and keeps the
  // oracle of each of `days`.
  SampleOracle(const market::sample::SampleOptions& options, const TradingCalendar& calendar,
               std::span<const Date> days);

  // Fills day.prediction[h] for horizons 1 and 5 (by position in `horizons`).
  void fill(DayPredictions& day, std::span<const int> horizons) const;

 private:
  market::sample::SampleOptions options_;
  // date -> code -> {expected_return_1d, expected_return_5d}
  std::map<Date, std::unordered_map<std::string, std::pair<double, double>>> expected_;
};

}  // namespace gogooku3::ml
