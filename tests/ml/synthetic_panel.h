// A small synthetic market for the trainer's tests: `stocks` stocks over `days` consecutive
// weekdays with `features` float32 features, of which feature 0 ("signal") carries a planted
// signal: each day's log return is strength * 0.01 * signal(previous day) plus noise, so the
// 1-day label of day t is correlated with signal(t) and a working model must find it. The
// other features are noise; about 3% of all values are missing (NaN). Deterministic in `seed`.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "ml/dataset/panel.h"

namespace gogooku3::ml::testing {

struct SyntheticMarket {
  Table features;
  Table prices;
  std::vector<std::string> feature_names;
};

inline SyntheticMarket make_synthetic_market(int stocks, int days, int features, uint64_t seed,
                                             double strength = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<Date> dates;
  for (Date d = Date::from_ymd(2020, 1, 6); static_cast<int>(dates.size()) < days; d = d + 1) {
    if (d.weekday() < Weekday::kSaturday) dates.push_back(d);
  }
  SyntheticMarket out;
  for (int f = 0; f < features; ++f)
    out.feature_names.push_back(f == 0 ? std::string("signal") : fmt::format("noise_{}", f));
  std::vector<std::string> code_col, sector_col, market_col, fcode;
  std::vector<Date> date_col, fdate;
  std::vector<double> close_col;
  std::vector<std::vector<float>> fvalues(static_cast<size_t>(features));
  for (int s = 0; s < stocks; ++s) {
    const std::string code = fmt::format("{}", 10000 + s * 10);
    double close = 1000.0;
    double previous_signal = 0.0;
    for (const Date& date : dates) {
      close *= std::exp(strength * 0.01 * previous_signal + 0.01 * normal(rng));
      code_col.push_back(code);
      date_col.push_back(date);
      close_col.push_back(close);
      sector_col.push_back(fmt::format("S{}", s % 4));
      market_col.push_back(s % 2 == 0 ? "0111" : "0112");
      fcode.push_back(code);
      fdate.push_back(date);
      const double signal = normal(rng);
      for (int f = 0; f < features; ++f) {
        double value = f == 0 ? signal : normal(rng);
        if (uniform(rng) < 0.03) value = NAN;
        fvalues[static_cast<size_t>(f)].push_back(static_cast<float>(value));
      }
      previous_signal = signal;
    }
  }
  out.prices = Table({Column::of<std::string>("code", code_col), Column::of<Date>("date", date_col),
                      Column::of<double>("adj_close", close_col),
                      Column::of<std::string>("sector33_code", sector_col),
                      Column::of<std::string>("market_code", market_col)});
  std::vector<Column> fcols = {Column::of<std::string>("code", fcode),
                               Column::of<Date>("date", fdate)};
  for (int f = 0; f < features; ++f) {
    fcols.push_back(Column::of<float>(out.feature_names[static_cast<size_t>(f)],
                                      fvalues[static_cast<size_t>(f)]));
  }
  out.features = Table(std::move(fcols));
  return out;
}

}  // namespace gogooku3::ml::testing
