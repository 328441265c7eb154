// SampleMarket: a seeded simulator of a TSE-like equity universe — gogooku3's offline data
// source and its golden dataset.
//
// It produces, day by day, records with exactly the columns of the J-Quants v2 endpoints
// (market/jquants/endpoints.h): equities master, daily bars, TOPIX, the calendar and weekly
// investor types, so the ingest path cannot tell it from the API (the fake J-Quants server
// serves it over HTTP). What it simulates, and the signals planted in it, are documented in
// docs/sample-market.md; the parameters are SampleParameters below.
//
// Determinism: the same SampleOptions give byte-identical tables on every machine. All
// randomness comes from counter-based streams keyed by (seed, stream, stock, day), never from
// std:: distributions (whose output differs between standard libraries), so day D's raw values
// do not depend on how far the simulation runs or how many days were asked for.
//
// Adjusted prices: J-Quants adjusts every past record for the splits known when it answers.
// A simulator is created with an `as_of` day: AdjO..AdjC of day t are the raw prices times the
// AdjFactor of every ex-date in (t, as_of], and AdjVo the raw volume divided by it (a 1:2 split
// doubles earlier volumes), rounded to 1 decimal like the API's.
//
// Thread safety: a SampleMarket is single-threaded (it carries simulation state); make one per
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "core/trading_calendar.h"

namespace gogooku3::market::sample {

struct SampleOptions {
  uint64_t seed = 42;
  int stocks = 4000;
  Date start_date = Date::from_ymd(2016, 1, 4);
};

// Every number the generator uses, with the defaults documented in docs/sample-market.md.
struct SampleParameters {
  // Returns: beta * market + loading * sector + idiosyncratic, all GARCH(1,1) with Student-t
  // innovations (fat tails).
  double market_daily_vol = 0.011;
  double sector_daily_vol = 0.007;
  double idio_daily_vol = 0.018;
  double garch_alpha = 0.08;
  double garch_beta = 0.90;
  double student_t_dof = 5.0;
  // Planted signals: the conditional mean of tomorrow's return (see docs).
  double reversal_strength = 0.05;        // on today's idiosyncratic return
  double momentum_strength = 0.004;       // on the 60-to-5-day trailing return
  double foreign_flow_strength = 0.0006;  // section tilt after investor-type publication
  double lead_lag_strength = 0.05;        // sector leader's idiosyncratic return -> followers
  double foreign_flow_persistence = 0.5;  // week-to-week autocorrelation of foreign flows
  // Corporate events and market structure.
  double splits_per_stock_year = 0.03;
  double halts_per_stock_year = 0.1;
  double listings_per_year_fraction = 0.025;  // new listings per year, as a share of `stocks`
  double delistings_per_year_fraction = 0.015;
  double correction_probability = 0.02;  // share of investor-type records restated a day later
};

// What one simulated day produced. bars/master are sorted by code.
struct SampleDay {
  Date date;
  bool outage = false;   // 2020-10-01: records exist, every price null
  Table bars;            // bars_daily columns
  Table master;          // equities_master columns, the codes listed on `date`
  Table topix;           // topix columns, one row (none on an outage day)
  Table investor_types;  // investor_types rows published on `date` (often none)
  // The truth model's conditional expected return of each code (same order as bars) for the
  // next business day and the next 5 business days, as known after this day's close;
  // NaN where the code has no price. Not part of any J-Quants record.
  Table oracle;  // code, date, expected_return_1d, expected_return_5d
};

struct OracleScore {
  double rank_ic_1d = 0;  // mean over days of Spearman(expected_1d, realised next-day return)
  double rank_ic_5d = 0;
  int days = 0;
};

class SampleMarket {
 public:
  // InvalidInput for stocks < 10 or > 20000, or a start_date that is not a business day.
  SampleMarket(SampleOptions options, const TradingCalendar& calendar, Date as_of);
  ~SampleMarket();
  SampleMarket(SampleMarket&&) noexcept;
  SampleMarket& operator=(SampleMarket&&) noexcept;

  const SampleOptions& options() const;
  const SampleParameters& parameters() const;

  // Simulates the next day (business days and the 2020-10-01 outage, in order, from
  // start_date) and returns it; nullopt after as_of.
  std::optional<SampleDay> next_day();
  // Simulates forward to `date` and returns that day, skipping (not returning) earlier days.
  // InvalidInput when `date` is before the next day, after as_of, or not a simulated day.
  SampleDay day(Date date);

  // The /markets/calendar records (date, holiday_division) for [from, to].
  static Table calendar_records(const TradingCalendar& calendar, Date from, Date to);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Simulates [start_date, through] once and scores the oracle against realised returns.
OracleScore score_oracle(const SampleOptions& options, const TradingCalendar& calendar,
                         Date through);

}  // namespace gogooku3::market::sample
