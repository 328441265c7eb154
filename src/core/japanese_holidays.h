// Japanese national holidays, computed from the rules of the Act on National Holidays
// (国民の祝日に関する法律) and the special laws beside it, for the years 1970-2099.
//
// A day is a holiday for one of three reasons, checked in this order:
//   1. it is a national holiday proper (国民の祝日): a fixed day, a Happy-Monday day, an
//      equinox, or a one-off declared by a special law (an imperial ceremony, an Olympic move);
//   2. it is a substitute holiday (振替休日): a national holiday fell on a Sunday. From
//      1973-04-12 the Monday after; from 2007 the first following day that is not itself a
//      national holiday (2008-05-06, 2019-05-06);
//   3. it is a citizens' holiday (国民の休日): from 1985-12-27, a day other than a Sunday that
//      is neither of the above and lies between two national holidays (2015-09-22,
//      2019-04-30).
// Each rule of (1) is a row in a table with the years it was in force, so that a change in the
// law is a new row and the history stays readable.
//
// The equinoxes use the standard astronomical approximation. The Cabinet Office fixes each
// year's equinox days only in the February before, from the National Astronomical
// Observatory's ephemeris; the approximation matches every published year so far but a day
// far in the future may still move when it is published.
//
// The functions are pure and safe to call from any thread.
#pragma once

#include <optional>
#include <string>

#include "core/date.h"

namespace gogooku3 {

inline constexpr int kFirstHolidayRuleYear = 1970;
inline constexpr int kLastHolidayRuleYear = 2099;

// The English name of the holiday on `date` ("Vernal Equinox Day", "Substitute holiday",
// "Citizens' holiday", ...), or nullopt for an ordinary day. Weekends are ordinary days here:
// a national holiday on a Saturday is still named. Throws InvalidInput for a date outside
// 1970-2099, where the rules are not defined.
std::optional<std::string> national_holiday_name(Date date);

}  // namespace gogooku3
