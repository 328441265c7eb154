#include "core/japanese_holidays.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace gogooku3 {
namespace {

// The holiday on `text`, or "" for an ordinary day.
std::string holiday(const char* text) {
  return national_holiday_name(Date::parse(text)).value_or("");
}

struct Case {
  const char* date;
  const char* name;  // "" for an ordinary day
};

void expect_cases(std::initializer_list<Case> cases) {
  for (const Case& c : cases) EXPECT_EQ(holiday(c.date), c.name) << c.date;
}

TEST(JapaneseHolidaysTest, FixedDaysAndTheirRenames) {
  expect_cases({
      {"1970-01-01", "New Year's Day"},
      {"2026-02-11", "National Foundation Day"},
      {"2026-05-03", "Constitution Memorial Day"},  // a Sunday: still named
      {"2026-05-05", "Children's Day"},
      {"2026-11-03", "Culture Day"},
      {"2026-11-23", "Labour Thanksgiving Day"},
      // April 29: Emperor Showa's birthday, then Greenery Day, then Showa Day.
      {"1988-04-29", "Emperor's Birthday"},
      {"1989-04-29", "Greenery Day"},
      {"2006-04-29", "Greenery Day"},
      {"2007-04-29", "Showa Day"},
      // May 4 became a named holiday in 2007; before, it was a citizens' holiday.
      {"2006-05-04", "Citizens' holiday"},
      {"2007-05-04", "Greenery Day"},
      // The Emperor's Birthday follows the reign; 2019 had none.
      {"1989-12-23", "Emperor's Birthday"},
      {"2018-12-23", "Emperor's Birthday"},
      {"2019-12-23", ""},
      {"2019-02-23", ""},
      {"2020-02-23", "Emperor's Birthday"},
      {"1988-12-23", ""},
      // Mountain Day from 2016.
      {"2015-08-11", ""},
      {"2016-08-11", "Mountain Day"},
  });
}

TEST(JapaneseHolidaysTest, HappyMondayTransitions) {
  expect_cases({
      {"1999-01-15", "Coming of Age Day"},
      {"2000-01-15", ""},
      {"2000-01-10", "Coming of Age Day"},  // 2nd Monday
      {"2026-01-12", "Coming of Age Day"},
      {"1995-07-20", ""},  // Marine Day began in 1996
      {"1996-07-20", "Marine Day"},
      {"2002-07-20", "Marine Day"},
      {"2003-07-21", "Marine Day"},  // 3rd Monday
      {"2003-07-20", ""},
      {"2002-09-15", "Respect for the Aged Day"},
      {"2004-09-15", ""},
      {"2004-09-20", "Respect for the Aged Day"},  // 3rd Monday
      {"1999-10-10", "Health and Sports Day"},
      {"2000-10-10", ""},
      {"2000-10-09", "Health and Sports Day"},  // 2nd Monday
      {"2019-10-14", "Health and Sports Day"},
      {"2022-10-10", "Sports Day"},  // renamed from 2020
      {"2026-10-12", "Sports Day"},
  });
}

TEST(JapaneseHolidaysTest, OneOffHolidays) {
  expect_cases({
      {"1989-02-24", "Funeral of Emperor Showa"},
      {"1990-11-12", "Enthronement ceremony"},
      {"1993-06-09", "Wedding of Crown Prince Naruhito"},
      {"2019-05-01", "Enthronement Day"},
      {"2019-10-22", "Enthronement ceremony"},
      {"1994-06-09", ""},
      {"2020-05-01", ""},
      {"2020-10-22", ""},
  });
}

TEST(JapaneseHolidaysTest, OlympicMovesIn2020And2021) {
  expect_cases({
      {"2020-07-20", ""},  // where Marine Day would have been
      {"2020-07-23", "Marine Day"},
      {"2020-07-24", "Sports Day"},
      {"2020-08-10", "Mountain Day"},
      {"2020-08-11", ""},
      {"2020-10-12", ""},  // where Sports Day would have been
      {"2021-07-19", ""},
      {"2021-07-22", "Marine Day"},
      {"2021-07-23", "Sports Day"},
      {"2021-08-08", "Mountain Day"},        // a Sunday,
      {"2021-08-09", "Substitute holiday"},  // so Monday is off
      {"2021-08-11", ""},
      {"2021-10-11", ""},
      {"2022-07-18", "Marine Day"},  // back to the 3rd Monday
      {"2022-08-11", "Mountain Day"},
  });
}

TEST(JapaneseHolidaysTest, SubstituteHolidaysBefore2007FallOnTheMonday) {
  expect_cases({
      {"1973-02-12", ""},  // Feb 11 1973 was a Sunday, before the rule took effect (Apr 12)
      {"1973-04-30", "Substitute holiday"},  // the first substitute holiday
      {"1973-09-24", "Substitute holiday"},
      {"1987-05-04", "Substitute holiday"},  // not a citizens' holiday: the law excludes it
      {"1990-09-24", "Substitute holiday"},
      {"1990-12-24", "Substitute holiday"},
      {"1992-05-04", "Substitute holiday"},
      {"1999-10-11", "Substitute holiday"},
      {"2006-01-02", "Substitute holiday"},
      {"1998-05-06", ""},
  });
}

TEST(JapaneseHolidaysTest, SubstituteHolidaysFrom2007SkipFollowingHolidays) {
  expect_cases({
      {"2008-05-06", "Substitute holiday"},  // Greenery Day on Sunday May 4: past May 5
      {"2009-05-06", "Substitute holiday"},  // Constitution Day on Sunday May 3: past May 4, 5
      {"2014-05-06", "Substitute holiday"},
      {"2015-05-06", "Substitute holiday"},
      {"2019-05-06", "Substitute holiday"},
      {"2020-02-24", "Substitute holiday"},
      {"2020-05-06", "Substitute holiday"},
      {"2024-09-23", "Substitute holiday"},
      {"2025-11-24", "Substitute holiday"},
      {"2026-05-06", "Substitute holiday"},
      {"2008-05-07", ""},
      {"2013-05-06", "Substitute holiday"},
  });
}

TEST(JapaneseHolidaysTest, CitizensHolidaysBetweenTwoHolidays) {
  expect_cases({
      {"1985-05-04", ""},  // before the 1985-12-27 amendment
      {"1986-05-04", ""},  // a Sunday
      {"1988-05-04", "Citizens' holiday"},
      {"2009-09-22", "Citizens' holiday"},
      {"2015-09-22", "Citizens' holiday"},
      {"2019-04-30", "Citizens' holiday"},  // between Showa Day and Enthronement Day
      {"2019-05-02", "Citizens' holiday"},  // between Enthronement Day and Constitution Day
      {"2026-09-22", "Citizens' holiday"},  // Respect for the Aged 09-21, Equinox 09-23
      {"2032-09-21", "Citizens' holiday"},
      {"2020-09-23", ""},  // only one neighbour is a holiday
  });
}

// Published values: the Cabinet Office lists for 1980-2027 and the National Astronomical
// Observatory's long-range equinox days (2092 and 2096 are the only March 19 before 2100).
TEST(JapaneseHolidaysTest, EquinoxDaysOnKnownDates) {
  expect_cases({
      {"1970-03-21", "Vernal Equinox Day"},   {"1976-03-20", "Vernal Equinox Day"},
      {"1979-03-21", "Vernal Equinox Day"},   {"1980-03-20", "Vernal Equinox Day"},
      {"1981-03-21", "Vernal Equinox Day"},   {"1984-03-20", "Vernal Equinox Day"},
      {"1988-03-20", "Vernal Equinox Day"},   {"1993-03-20", "Vernal Equinox Day"},
      {"2023-03-21", "Vernal Equinox Day"},   {"2026-03-20", "Vernal Equinox Day"},
      {"2027-03-21", "Vernal Equinox Day"},   {"2092-03-19", "Vernal Equinox Day"},
      {"2096-03-19", "Vernal Equinox Day"},   {"2099-03-20", "Vernal Equinox Day"},
      {"1971-09-24", "Autumnal Equinox Day"}, {"1979-09-24", "Autumnal Equinox Day"},
      {"1980-09-23", "Autumnal Equinox Day"}, {"1988-09-23", "Autumnal Equinox Day"},
      {"2012-09-22", "Autumnal Equinox Day"}, {"2016-09-22", "Autumnal Equinox Day"},
      {"2024-09-22", "Autumnal Equinox Day"}, {"2026-09-23", "Autumnal Equinox Day"},
      {"2027-09-23", "Autumnal Equinox Day"},
  });
}

int equinox_day(int year, int month, const std::string& name) {
  int found = 0;
  for (int day = 18; day <= 25; ++day) {
    if (national_holiday_name(Date::from_ymd(year, month, day)).value_or("") == name) {
      EXPECT_EQ(found, 0) << year << ": two " << name;
      found = day;
    }
  }
  return found;
}

// The pattern in which the vernal equinox day moves, as the National Astronomical
// Observatory describes it: 1960-1992 March 20 in leap years only; 1993-2025 also in the year
// after; from 2026 March 21 only in the year before a leap year; 2056-2099 March 20 except
// March 19 in 2092 and 2096.
TEST(JapaneseHolidaysTest, VernalEquinoxFollowsThePublishedPattern) {
  for (int year = 1970; year <= 2099; ++year) {
    const int leap_phase = year % 4;  // 0 in a leap year (2000 is one; 2100 is out of range)
    int expected = 0;
    if (year <= 1992) {
      expected = leap_phase == 0 ? 20 : 21;
    } else if (year <= 2025) {
      expected = leap_phase <= 1 ? 20 : 21;
    } else if (year <= 2055) {
      expected = leap_phase == 3 ? 21 : 20;
    } else {
      expected = (year == 2092 || year == 2096) ? 19 : 20;
    }
    EXPECT_EQ(equinox_day(year, 3, "Vernal Equinox Day"), expected) << year;
  }
}

// Autumnal: September 24 in the year before a leap year until 1979, September 23 every year
// 1980-2011, and from 2012 to 2044 September 22 in leap years.
TEST(JapaneseHolidaysTest, AutumnalEquinoxFollowsThePublishedPattern) {
  for (int year = 1970; year <= 2044; ++year) {
    const int leap_phase = year % 4;
    int expected = 23;
    if (year <= 1979 && leap_phase == 3) expected = 24;
    if (year >= 2012 && leap_phase == 0) expected = 22;
    EXPECT_EQ(equinox_day(year, 9, "Autumnal Equinox Day"), expected) << year;
  }
}

TEST(JapaneseHolidaysTest, OrdinaryDays) {
  expect_cases({{"2026-06-15", ""}, {"2026-12-31", ""}, {"2026-01-02", ""}, {"2026-09-24", ""}});
}

TEST(JapaneseHolidaysTest, DatesOutsideTheRulesAreInvalidInput) {
  EXPECT_NO_THROW(national_holiday_name(Date::from_ymd(1970, 1, 1)));
  EXPECT_NO_THROW(national_holiday_name(Date::from_ymd(2099, 12, 31)));
  for (const char* text : {"1969-12-31", "2100-01-01"}) {
    try {
      national_holiday_name(Date::parse(text));
      FAIL() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("1970-2099"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gogooku3
