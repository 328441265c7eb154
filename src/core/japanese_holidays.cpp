#include "core/japanese_holidays.h"

#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace gogooku3 {
namespace {

enum class DayRule {
  kFixed,            // month/day
  kNthMonday,        // the `nth` Monday of the month (Happy Monday system)
  kVernalEquinox,    // 春分日 in March
  kAutumnalEquinox,  // 秋分日 in September
};

struct HolidayRule {
  std::string_view name;
  int first_year;  // inclusive
  int last_year;   // inclusive
  DayRule rule;
  int month;
  int day_or_nth;  // day of month for kFixed, which Monday for kNthMonday, unused otherwise
};

constexpr int kLast = kLastHolidayRuleYear;

// Years before 1970 are not listed: the calendar starts there. A row that runs to `kLast`
// is the law as it stands today.
constexpr HolidayRule kHolidayRules[] = {
    {"New Year's Day", 1970, kLast, DayRule::kFixed, 1, 1},

    // Happy Monday Act (2000 for January and October, 2003 for July and September).
    {"Coming of Age Day", 1970, 1999, DayRule::kFixed, 1, 15},
    {"Coming of Age Day", 2000, kLast, DayRule::kNthMonday, 1, 2},

    {"National Foundation Day", 1970, kLast, DayRule::kFixed, 2, 11},

    // The Emperor's Birthday follows the reigning emperor: Showa until his death in January
    // 1989, Heisei until his abdication in April 2019 (so 2019 had none), Reiwa from 2020.
    {"Emperor's Birthday", 1970, 1988, DayRule::kFixed, 4, 29},
    {"Emperor's Birthday", 1989, 2018, DayRule::kFixed, 12, 23},
    {"Emperor's Birthday", 2020, kLast, DayRule::kFixed, 2, 23},

    {"Vernal Equinox Day", 1970, kLast, DayRule::kVernalEquinox, 3, 0},

    // April 29 kept its holiday after 1989 under a new name; in 2007 the name went to May 4,
    // which until then had been a citizens' holiday most years.
    {"Greenery Day", 1989, 2006, DayRule::kFixed, 4, 29},
    {"Showa Day", 2007, kLast, DayRule::kFixed, 4, 29},
    {"Constitution Memorial Day", 1970, kLast, DayRule::kFixed, 5, 3},
    {"Greenery Day", 2007, kLast, DayRule::kFixed, 5, 4},
    {"Children's Day", 1970, kLast, DayRule::kFixed, 5, 5},

    // Marine Day, Sports Day and Mountain Day moved next to the Tokyo Olympics' opening and
    // closing ceremonies in 2020 and, after the postponement, again in 2021.
    {"Marine Day", 1996, 2002, DayRule::kFixed, 7, 20},
    {"Marine Day", 2003, 2019, DayRule::kNthMonday, 7, 3},
    {"Marine Day", 2020, 2020, DayRule::kFixed, 7, 23},
    {"Marine Day", 2021, 2021, DayRule::kFixed, 7, 22},
    {"Marine Day", 2022, kLast, DayRule::kNthMonday, 7, 3},

    {"Mountain Day", 2016, 2019, DayRule::kFixed, 8, 11},
    {"Mountain Day", 2020, 2020, DayRule::kFixed, 8, 10},
    {"Mountain Day", 2021, 2021, DayRule::kFixed, 8, 8},
    {"Mountain Day", 2022, kLast, DayRule::kFixed, 8, 11},

    {"Respect for the Aged Day", 1970, 2002, DayRule::kFixed, 9, 15},
    {"Respect for the Aged Day", 2003, kLast, DayRule::kNthMonday, 9, 3},

    {"Autumnal Equinox Day", 1970, kLast, DayRule::kAutumnalEquinox, 9, 0},

    {"Health and Sports Day", 1970, 1999, DayRule::kFixed, 10, 10},
    {"Health and Sports Day", 2000, 2019, DayRule::kNthMonday, 10, 2},
    {"Sports Day", 2020, 2020, DayRule::kFixed, 7, 24},
    {"Sports Day", 2021, 2021, DayRule::kFixed, 7, 23},
    {"Sports Day", 2022, kLast, DayRule::kNthMonday, 10, 2},

    {"Culture Day", 1970, kLast, DayRule::kFixed, 11, 3},
    {"Labour Thanksgiving Day", 1970, kLast, DayRule::kFixed, 11, 23},

    // One-off holidays declared by special laws. The 2019 laws deem May 1 and October 22
    // national holidays, which is what makes April 30 and May 2 citizens' holidays.
    {"Funeral of Emperor Showa", 1989, 1989, DayRule::kFixed, 2, 24},
    {"Enthronement ceremony", 1990, 1990, DayRule::kFixed, 11, 12},
    {"Wedding of Crown Prince Naruhito", 1993, 1993, DayRule::kFixed, 6, 9},
    {"Enthronement Day", 2019, 2019, DayRule::kFixed, 5, 1},
    {"Enthronement ceremony", 2019, 2019, DayRule::kFixed, 10, 22},
};

// The standard approximation of the equinox day, day = floor(base + 0.242194 (Y - 1980)
// - floor((Y - 1980) / 4)), with the base in millionths so that the arithmetic is exact:
// a double would put years whose value lands next to an integer at the mercy of rounding.
int equinox_day_of_month(int year, int64_t base_1900_1979, int64_t base_1980_2099) {
  const auto floor_div = [](int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); };
  const int64_t years = year - 1980;
  const int64_t base = year < 1980 ? base_1900_1979 : base_1980_2099;
  const int64_t micro_days = base + 242194 * years - 1000000 * floor_div(years, 4);
  return static_cast<int>(floor_div(micro_days, 1000000));
}

int rule_day_of_month(const HolidayRule& rule, int year) {
  switch (rule.rule) {
    case DayRule::kFixed:
      return rule.day_or_nth;
    case DayRule::kNthMonday: {
      const int first_weekday = static_cast<int>(Date::from_ymd(year, rule.month, 1).weekday());
      const int first_monday = 1 + (7 - first_weekday) % 7;
      return first_monday + 7 * (rule.day_or_nth - 1);
    }
    case DayRule::kVernalEquinox:
      return equinox_day_of_month(year, 20835700, 20843100);
    case DayRule::kAutumnalEquinox:
      return equinox_day_of_month(year, 23258800, 23248800);
  }
  return 0;
}

// A national holiday proper (国民の祝日, including the days special laws deem to be one): the
// days the substitute and citizens' rules are defined in terms of.
std::optional<std::string_view> statutory_holiday(Date date) {
  const YearMonthDay ymd = date.ymd();
  for (const HolidayRule& rule : kHolidayRules) {
    if (ymd.year < rule.first_year || ymd.year > rule.last_year || ymd.month != rule.month) {
      continue;
    }
    if (rule_day_of_month(rule, ymd.year) == ymd.day) return rule.name;
  }
  return std::nullopt;
}

bool is_sunday(Date date) { return date.weekday() == Weekday::kSunday; }

// Dates as YYYYMMDD integers, so that the constants below need no static initialisation.
int yyyymmdd(Date date) {
  const YearMonthDay ymd = date.ymd();
  return ymd.year * 10000 + ymd.month * 100 + ymd.day;
}

// The days the amendments took effect.
constexpr int kSubstituteHolidaysStart = 19730412;
constexpr int kSubstituteNextNonHolidayStart = 20070101;
constexpr int kCitizensHolidaysStart = 19851227;

// Called only for a day that is not a national holiday itself.
bool is_substitute_holiday(Date date) {
  if (yyyymmdd(date) < kSubstituteNextNonHolidayStart) {
    // The 1973 rule moved only to the next day: a Sunday holiday followed by another
    // holiday lost its substitute.
    const Date sunday = date - 1;
    return yyyymmdd(sunday) >= kSubstituteHolidaysStart && is_sunday(sunday) &&
           statutory_holiday(sunday);
  }
  // The 2007 rule: the first non-holiday after a Sunday holiday, so walk back through the
  // run of holidays just before `date` looking for a Sunday.
  for (Date day = date - 1; statutory_holiday(day); day = day - 1) {
    if (is_sunday(day)) return true;
  }
  return false;
}

// Called only for a day that is neither a national holiday nor a substitute holiday, which
// the law excludes from this rule.
bool is_citizens_holiday(Date date) {
  return yyyymmdd(date) >= kCitizensHolidaysStart && !is_sunday(date) &&
         statutory_holiday(date - 1) && statutory_holiday(date + 1);
}

}  // namespace

std::optional<std::string> national_holiday_name(Date date) {
  const int year = date.year();
  if (year < kFirstHolidayRuleYear || year > kLastHolidayRuleYear) {
    throw invalid_input("{}: Japanese holiday rules are defined for {}-{} only", date.to_string(),
                        kFirstHolidayRuleYear, kLastHolidayRuleYear);
  }
  if (const auto name = statutory_holiday(date)) return std::string(*name);
  if (is_substitute_holiday(date)) return "Substitute holiday";
  if (is_citizens_holiday(date)) return "Citizens' holiday";
  return std::nullopt;
}

}  // namespace gogooku3
