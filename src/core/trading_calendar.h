// TradingCalendar: which days the Tokyo Stock Exchange trades, for 1970-01-01..2099-12-31.
//
// The calendar is computed from rules when it is constructed: TSE is closed on Saturdays,
// Sundays, Japanese national holidays (core/japanese_holidays.h), Dec 31 and Jan 1-3, and on
// 2020-10-01, when a failure of the arrowhead trading system stopped trading for the whole
// day (J-Quants still carries records with null prices for that date). Everything else is a
// business day. Corrections come on top as overrides: one day at a time (set_override), from
// a YAML file a person maintains (load_override_file), or from the J-Quants trading calendar
// (apply_jquants_calendar).
//
// The rules apply today's closures to every year. Before 1990 the real TSE calendar differed
// (Saturday sessions until February 1989, an earlier year-end closure in some decades); the
// pipeline's data begins in 2008, and an override file can correct older days if they matter.
//
// Every day of the range has a stored status and a prefix count of business days, so that a
// query is O(1) (describe is O(log overrides)) and a listing is linear in what it returns.
// Any date outside the range is rejected with InvalidInput rather than guessed.
//
// Thread safety: the const methods only read and are safe to call concurrently. The
// mutators (set_override, load_override_file, apply_jquants_calendar) need exclusive access:
// configure one calendar at start-up, then share it read-only.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"

namespace gogooku3 {

enum class DayStatus {
  kOpen,            // a business day
  kWeekend,         // Saturday or Sunday (even when also a national holiday)
  kHoliday,         // a national, substitute or citizens' holiday on a weekday
  kYearEndClosure,  // Dec 31, Jan 2 or Jan 3 on a weekday (Jan 1 is a national holiday)
  kOutage,          // scheduled to trade but did not: 2020-10-01
  kOverride,        // corrected by an override; is_business_day() says which way
};

struct DayInfo {
  Date date;
  DayStatus status;
  std::string reason;  // a sentence for people: "Autumnal Equinox Day (national holiday)"
};

class TradingCalendar {
 public:
  static constexpr Date kFirstSupportedDate = Date(0);     // 1970-01-01
  static constexpr Date kLastSupportedDate = Date(47481);  // 2099-12-31

  // Builds the whole range from the rules (a few milliseconds).
  TradingCalendar();

  // All queries throw InvalidInput naming the date and the supported range for a date
  // outside 1970-01-01..2099-12-31.
  bool is_business_day(Date date) const;
  DayInfo describe(Date date) const;

  // The first business day strictly after / strictly before `date`. Throws InvalidInput when
  // there is none inside the supported range.
  Date next_business_day(Date date) const;
  Date previous_business_day(Date date) const;

  // The business days in [from, to], ascending; from > to is InvalidInput.
  std::vector<Date> business_days(Date from, Date to) const;
  // business_days(from, to).size() without building the list; from > to is InvalidInput.
  int count_business_days(Date from, Date to) const;

  // Steps `n` business days from `date`: n > 0 gives the n-th business day strictly after it,
  // n < 0 the |n|-th strictly before it, whether or not `date` itself is a business day (so
  // add_business_days(d, 1) == next_business_day(d)). n == 0 returns `date` when it is a
  // business day and throws InvalidInput when it is not, since "zero steps from a closed
  // day" has no answer that is right for every caller: use next/previous_business_day.
  // Throws InvalidInput when the result would leave the supported range.
  Date add_business_days(Date date, int n) const;

  // The weekdays in [from, to] on which TSE is closed (holidays, year-end closure, outages,
  // closing overrides), ascending; from > to is InvalidInput.
  std::vector<Date> holidays(Date from, Date to) const;

  // When the session of business day `date` closes, in JST minutes since midnight: 15:00
  // (900) until 2024-11-01 and 15:30 (930) from 2024-11-05, when TSE extended the afternoon
  // session. Until the arrowhead system replaced half-days, the first and last session of
  // the year (大発会 and 大納会) ended with the morning session at 11:00 (660); the last
  // half-days were 2008-12-30 and 2009-01-05, and 2009-12-30 and 2010-01-04 already traded
  // the full day. Throws InvalidInput for a day TSE is closed, naming why.
  int close_minute(Date date) const;

  // Corrects one day: `open` says whether TSE trades on it, `reason` (required) says why and
  // becomes describe()'s reason. A later call for the same day replaces the earlier one, and
  // a day corrected this way is never changed by apply_jquants_calendar.
  void set_override(Date date, bool open, std::string reason);

  // Reads overrides a person maintains:
  //   overrides:
  //     - {date: 2026-12-30, open: false, reason: "..."}
  // Every entry is checked before any is applied, so a bad file changes nothing. Errors name
  // the file, the entry (overrides[i]) and its line, and the field. A missing file is
  // NotFound, anything wrong inside it InvalidInput.
  void load_override_file(const std::filesystem::path& path);

  // Reconciles with the J-Quants trading calendar (/markets/trading_calendar), given as
  // (Date, HolidayDivision) pairs. HolidayDivision: "0" closed, "1" business day, "2" half
  // day (a business day; historical), "3" closed for TSE but open for OSE holiday trading.
  // A day on which J-Quants disagrees with the rules becomes an override with reason
  // "J-Quants calendar"; a day on which it agrees drops an earlier J-Quants override. Days a
  // person corrected (set_override, override file) keep the person's correction, and outage
  // days stay closed, since J-Quants records the schedule rather than what happened. All
  // entries are checked first (date in range, division one of 0-3); a bad one is
  // InvalidInput naming its index, and changes nothing.
  void apply_jquants_calendar(const std::vector<std::pair<Date, std::string>>& hol_div);

 private:
  struct Override {
    bool open;
    std::string reason;
    bool from_jquants;
  };

  // The index of `date` into the per-day vectors; throws InvalidInput out of range.
  static int day_index(Date date);
  void recount_business_days();
  bool rule_says_open(int index) const { return rule_status_[index] == DayStatus::kOpen; }
  void set_override_unchecked(Date date, bool open, std::string reason, bool from_jquants);

  std::vector<DayStatus> rule_status_;  // per day, from the rules alone
  std::map<Date, Override> overrides_;
  // business_days_before_[i]: business days in [kFirstSupportedDate, day i); one extra entry
  // at the end holds the total.
  std::vector<int> business_days_before_;
  std::vector<Date> business_days_;  // every business day, ascending: the k-th in O(1)
};

}  // namespace gogooku3
