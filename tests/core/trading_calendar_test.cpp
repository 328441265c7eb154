#include "core/trading_calendar.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace gogooku3 {
namespace {

Date d(const char* text) { return Date::parse(text); }

std::vector<std::string> to_strings(const std::vector<Date>& dates) {
  std::vector<std::string> out;
  for (const Date date : dates) out.push_back(date.to_string());
  return out;
}

testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << part << "' not in: " << text;
}

// Runs `action`, expects a gogooku3::Error of `category`, returns its message.
template <typename Action>
std::string error_of(Action&& action, ErrorCategory category = ErrorCategory::kInvalidInput) {
  try {
    action();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), category) << e.what();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a gogooku3::Error: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error was thrown";
  return "";
}

// One calendar for the read-only tests: building it is the expensive part.
const TradingCalendar& rules() {
  static const TradingCalendar calendar;
  return calendar;
}

// --- golden data: every weekday TSE was closed, 2015-2026, from the published lists ---

struct GoldenDay {
  Date date;
  std::string name;
};

std::vector<GoldenDay> read_golden_closed_weekdays() {
  const std::filesystem::path path = std::filesystem::path(GOGOOKU3_SOURCE_DIR) / "tests" / "data" /
                                     "calendar" / "tse_closed_weekdays_2015_2026.txt";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<GoldenDay> days;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    days.push_back({Date::parse(line.substr(0, 10)), line.size() > 11 ? line.substr(11) : ""});
  }
  return days;
}

TEST(TradingCalendarGoldenTest, ClosedExactlyOnWeekendsAndPublishedHolidays2015To2026) {
  const std::vector<GoldenDay> golden = read_golden_closed_weekdays();
  ASSERT_EQ(golden.size(), 202u);  // guards against a truncated or unreadable file
  std::map<Date, std::string> closed;
  for (const GoldenDay& day : golden) {
    EXPECT_FALSE(day.date.is_weekend()) << day.date.to_string() << " is listed but a weekend";
    EXPECT_TRUE(closed.emplace(day.date, day.name).second) << day.date.to_string() << " twice";
  }

  int mismatches = 0;
  for (Date day = d("2015-01-01"); day <= d("2026-12-31"); ++day) {
    const bool expected_open = !day.is_weekend() && !closed.contains(day);
    if (rules().is_business_day(day) != expected_open) {
      ADD_FAILURE() << day.to_string() << ": expected " << (expected_open ? "open" : "closed")
                    << ", calendar says " << rules().describe(day).reason;
      if (++mismatches > 20) break;
    }
  }
  EXPECT_EQ(mismatches, 0);

  // The names say which rule closed the day; check that the calendar agrees on the rule.
  for (const auto& [day, name] : closed) {
    const DayInfo info = rules().describe(day);
    if (name == "year-end closure") {
      EXPECT_EQ(info.status, DayStatus::kYearEndClosure) << day.to_string();
    } else if (name.starts_with("full-day trading outage")) {
      EXPECT_EQ(info.status, DayStatus::kOutage) << day.to_string();
    } else {
      EXPECT_EQ(info.status, DayStatus::kHoliday) << day.to_string();
      EXPECT_EQ(info.reason, name + " (national holiday)") << day.to_string();
    }
  }
}

TEST(TradingCalendarGoldenTest, HolidaysListsTheGoldenDaysOfEachYear) {
  std::map<int, std::vector<std::string>> by_year;
  for (const GoldenDay& day : read_golden_closed_weekdays()) {
    by_year[day.date.year()].push_back(day.date.to_string());
  }
  for (const auto& [year, days] : by_year) {
    EXPECT_EQ(
        to_strings(rules().holidays(Date::from_ymd(year, 1, 1), Date::from_ymd(year, 12, 31))),
        days)
        << year;
  }
}

// --- rules and descriptions ---

TEST(TradingCalendarTest, SupportedRangeIs1970To2099) {
  EXPECT_EQ(TradingCalendar::kFirstSupportedDate, d("1970-01-01"));
  EXPECT_EQ(TradingCalendar::kLastSupportedDate, d("2099-12-31"));
  EXPECT_NO_THROW(rules().describe(d("1970-01-01")));
  EXPECT_NO_THROW(rules().describe(d("2099-12-31")));
}

TEST(TradingCalendarTest, DescribeSaysWhyInWords) {
  struct Case {
    const char* date;
    DayStatus status;
    const char* reason;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2026-09-24", DayStatus::kOpen, "business day"},
           {"2026-09-23", DayStatus::kHoliday, "Autumnal Equinox Day (national holiday)"},
           {"2026-09-22", DayStatus::kHoliday, "Citizens' holiday (national holiday)"},
           {"2026-05-06", DayStatus::kHoliday, "Substitute holiday (national holiday)"},
           {"2026-09-26", DayStatus::kWeekend, "Saturday"},
           {"2026-05-03", DayStatus::kWeekend, "Sunday"},  // also Constitution Memorial Day
           {"2026-01-01", DayStatus::kHoliday, "New Year's Day (national holiday)"},
           {"2026-01-02", DayStatus::kYearEndClosure, "year-end closure (Dec 31 - Jan 3)"},
           {"2025-12-31", DayStatus::kYearEndClosure, "year-end closure (Dec 31 - Jan 3)"},
           {"2020-10-01", DayStatus::kOutage,
            "full-day trading outage (system failure); J-Quants has null-price records"},
       }) {
    const DayInfo info = rules().describe(d(c.date));
    EXPECT_EQ(info.date, d(c.date));
    EXPECT_EQ(info.status, c.status) << c.date;
    EXPECT_EQ(info.reason, c.reason) << c.date;
    EXPECT_EQ(rules().is_business_day(d(c.date)), c.status == DayStatus::kOpen) << c.date;
  }
}

TEST(TradingCalendarTest, CitizensHoliday20260922IsClosed) {
  EXPECT_FALSE(rules().is_business_day(d("2026-09-21")));
  EXPECT_FALSE(rules().is_business_day(d("2026-09-22")));
  EXPECT_FALSE(rules().is_business_day(d("2026-09-23")));
  EXPECT_EQ(rules().next_business_day(d("2026-09-18")).to_string(), "2026-09-24");
}

TEST(TradingCalendarTest, YearEndClosureOnWeekdaysInEveryEra) {
  for (const char* text :
       {"1979-12-31", "1999-12-31", "2000-01-03", "2008-12-31", "2010-01-01", "2013-01-02",
        "2013-01-03", "2024-12-31", "2025-01-02", "2025-01-03", "2098-12-31"}) {
    ASSERT_FALSE(d(text).is_weekend()) << text;
    EXPECT_FALSE(rules().is_business_day(d(text))) << text;
  }
  EXPECT_TRUE(rules().is_business_day(d("2025-12-30")));
  EXPECT_TRUE(rules().is_business_day(d("2026-01-05")));
}

TEST(TradingCalendarTest, OlympicYearsFollowTheMovedHolidays) {
  for (const char* closed :
       {"2020-07-23", "2020-07-24", "2020-08-10", "2021-07-22", "2021-07-23", "2021-08-09"}) {
    EXPECT_FALSE(rules().is_business_day(d(closed))) << closed;
  }
  for (const char* open :
       {"2020-07-20", "2020-08-11", "2020-10-12", "2021-07-19", "2021-08-11", "2021-10-11"}) {
    EXPECT_TRUE(rules().is_business_day(d(open))) << open;
  }
}

// Cross-checks the prefix counts against a plain scan over the whole range.
TEST(TradingCalendarTest, PrefixCountsAgreeWithAScanOfEveryDay) {
  const TradingCalendar& calendar = rules();
  std::vector<Date> scanned;
  for (Date day = TradingCalendar::kFirstSupportedDate; day <= TradingCalendar::kLastSupportedDate;
       ++day) {
    const DayInfo info = calendar.describe(day);
    ASSERT_EQ(calendar.is_business_day(day), info.status == DayStatus::kOpen) << day.to_string();
    ASSERT_EQ(info.status == DayStatus::kWeekend, day.is_weekend()) << day.to_string();
    if (info.status == DayStatus::kOpen) scanned.push_back(day);
  }
  const std::vector<Date> all = calendar.business_days(TradingCalendar::kFirstSupportedDate,
                                                       TradingCalendar::kLastSupportedDate);
  EXPECT_EQ(all, scanned);
  EXPECT_EQ(calendar.count_business_days(TradingCalendar::kFirstSupportedDate,
                                         TradingCalendar::kLastSupportedDate),
            static_cast<int>(scanned.size()));
  for (size_t i = 0; i + 1 < scanned.size(); i += 97) {
    ASSERT_EQ(calendar.next_business_day(scanned[i]), scanned[i + 1]);
    ASSERT_EQ(calendar.previous_business_day(scanned[i + 1]), scanned[i]);
    ASSERT_EQ(calendar.next_business_day(scanned[i + 1] - 1), scanned[i + 1]);
  }
}

TEST(TradingCalendarTest, CountMatchesTheListForManyRanges) {
  const TradingCalendar& calendar = rules();
  // 2026: 365 days - 104 weekend days - 19 closed weekdays (the golden file) = 242.
  EXPECT_EQ(calendar.count_business_days(d("2026-01-01"), d("2026-12-31")), 242);
  uint32_t seed = 12345;
  const auto next_random = [&seed] { return seed = seed * 1103515245u + 12345u; };
  const int span = TradingCalendar::kLastSupportedDate - TradingCalendar::kFirstSupportedDate;
  for (int i = 0; i < 300; ++i) {
    Date from = TradingCalendar::kFirstSupportedDate + static_cast<int>(next_random() % span);
    Date to = from + static_cast<int>(next_random() % 400);
    if (to > TradingCalendar::kLastSupportedDate) to = TradingCalendar::kLastSupportedDate;
    EXPECT_EQ(calendar.count_business_days(from, to),
              static_cast<int>(calendar.business_days(from, to).size()))
        << from.to_string() << ".." << to.to_string();
  }
  EXPECT_EQ(calendar.count_business_days(d("2026-09-22"), d("2026-09-22")), 0);
  EXPECT_EQ(calendar.count_business_days(d("2026-09-24"), d("2026-09-24")), 1);
  EXPECT_EQ(to_strings(calendar.business_days(d("2026-09-18"), d("2026-09-25"))),
            (std::vector<std::string>{"2026-09-18", "2026-09-24", "2026-09-25"}));
}

TEST(TradingCalendarTest, NextAndPreviousAcrossYearEndAndGoldenWeek) {
  const TradingCalendar& calendar = rules();
  struct Case {
    const char* date;
    const char* next;
    const char* previous;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2025-12-30", "2026-01-05", "2025-12-29"},
           {"2025-12-31", "2026-01-05", "2025-12-30"},
           {"2026-01-05", "2026-01-06", "2025-12-30"},
           {"2026-12-30", "2027-01-04", "2026-12-29"},
           {"2026-05-01", "2026-05-07", "2026-04-30"},
           {"2026-05-07", "2026-05-08", "2026-05-01"},
           {"2019-04-26", "2019-05-07", "2019-04-25"},  // the ten-day Golden Week of 2019
           {"2019-05-07", "2019-05-08", "2019-04-26"},
           {"2020-09-30", "2020-10-02", "2020-09-29"},  // around the arrowhead outage
       }) {
    EXPECT_EQ(calendar.next_business_day(d(c.date)).to_string(), c.next) << c.date;
    EXPECT_EQ(calendar.previous_business_day(d(c.date)).to_string(), c.previous) << c.date;
  }
}

TEST(TradingCalendarTest, AddBusinessDays) {
  const TradingCalendar& calendar = rules();
  EXPECT_EQ(calendar.add_business_days(d("2025-12-30"), 3).to_string(), "2026-01-07");
  EXPECT_EQ(calendar.add_business_days(d("2026-01-07"), -3).to_string(), "2025-12-30");
  EXPECT_EQ(calendar.add_business_days(d("2026-05-02"), 1).to_string(), "2026-05-07");
  EXPECT_EQ(calendar.add_business_days(d("2026-05-02"), -1).to_string(), "2026-05-01");
  EXPECT_EQ(calendar.add_business_days(d("2026-01-05"), 0).to_string(), "2026-01-05");
  // 242 business days in 2026: from the last of 2025, the 242nd after is the last of 2026.
  EXPECT_EQ(calendar.add_business_days(d("2025-12-30"), 242).to_string(), "2026-12-30");
  for (const char* text : {"2026-09-22", "2026-09-26", "2019-05-01"}) {
    EXPECT_EQ(calendar.add_business_days(d(text), 1), calendar.next_business_day(d(text)));
    EXPECT_EQ(calendar.add_business_days(d(text), -1), calendar.previous_business_day(d(text)));
  }
  EXPECT_TRUE(
      contains(error_of([&] { calendar.add_business_days(d("2026-09-22"), 0); }),
               "add_business_days(2026-09-22, 0): TSE is closed that day: Citizens' holiday"));
}

TEST(TradingCalendarTest, SteppingPastTheRangeIsInvalidInput) {
  const TradingCalendar& calendar = rules();
  // 2099-12-30 (a Wednesday) is the last business day, 1970-01-05 the first.
  EXPECT_EQ(calendar.previous_business_day(d("2099-12-31")).to_string(), "2099-12-30");
  EXPECT_EQ(calendar.next_business_day(d("1970-01-01")).to_string(), "1970-01-05");
  EXPECT_TRUE(contains(error_of([&] { calendar.next_business_day(d("2099-12-30")); }),
                       "no TSE business day after 2099-12-30"));
  EXPECT_TRUE(contains(error_of([&] { calendar.previous_business_day(d("1970-01-05")); }),
                       "no TSE business day before 1970-01-05"));
  EXPECT_TRUE(contains(error_of([&] { calendar.add_business_days(d("2099-12-28"), 3); }),
                       "2099-12-28 + 3 business days"));
  error_of([&] { calendar.add_business_days(d("2026-01-05"), INT_MAX); });
  error_of([&] { calendar.add_business_days(d("2026-01-05"), INT_MIN); });
}

TEST(TradingCalendarTest, DatesOutsideTheRangeAreInvalidInputNamingDateAndRange) {
  const TradingCalendar& calendar = rules();
  const Date before = d("1969-12-31");
  const Date after = d("2100-01-01");
  const Date inside = d("2026-01-05");
  TradingCalendar mutable_calendar;
  const std::vector<std::pair<std::string, std::function<void()>>> calls = {
      {"1969-12-31", [&] { calendar.is_business_day(before); }},
      {"2100-01-01", [&] { calendar.describe(after); }},
      {"1969-12-31", [&] { calendar.next_business_day(before); }},
      {"2100-01-01", [&] { calendar.previous_business_day(after); }},
      {"1969-12-31", [&] { calendar.business_days(before, inside); }},
      {"2100-01-01", [&] { calendar.business_days(inside, after); }},
      {"2100-01-01", [&] { calendar.count_business_days(inside, after); }},
      {"1969-12-31", [&] { calendar.add_business_days(before, 1); }},
      {"2100-01-01", [&] { calendar.holidays(inside, after); }},
      {"1969-12-31", [&] { calendar.close_minute(before); }},
      {"2100-01-01", [&] { mutable_calendar.set_override(after, true, "test"); }},
  };
  for (const auto& [date, call] : calls) {
    const std::string message = error_of(call);
    EXPECT_TRUE(contains(message, date));
    EXPECT_TRUE(contains(message, "1970-01-01..2099-12-31"));
  }
}

TEST(TradingCalendarTest, ReversedRangesAreInvalidInput) {
  const TradingCalendar& calendar = rules();
  const Date later = d("2026-05-01");
  const Date earlier = d("2026-04-01");
  EXPECT_TRUE(contains(error_of([&] { calendar.business_days(later, earlier); }),
                       "from 2026-05-01 is after to 2026-04-01"));
  error_of([&] { calendar.count_business_days(later, earlier); });
  error_of([&] { calendar.holidays(later, earlier); });
}

TEST(TradingCalendarTest, HolidaysListsClosedWeekdaysOnly) {
  EXPECT_EQ(to_strings(rules().holidays(d("2026-09-19"), d("2026-09-27"))),
            (std::vector<std::string>{"2026-09-21", "2026-09-22", "2026-09-23"}));
  EXPECT_EQ(to_strings(rules().holidays(d("2020-09-28"), d("2020-10-04"))),
            (std::vector<std::string>{"2020-10-01"}));
  EXPECT_TRUE(rules().holidays(d("2026-06-01"), d("2026-06-30")).empty());
}

// --- session close ---

TEST(TradingCalendarTest, CloseMinute) {
  const TradingCalendar& calendar = rules();
  struct Case {
    const char* date;
    int minute;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2024-11-01", 900},  // the last 15:00 close
           {"2024-11-05", 930},  // 15:30 from the extension
           {"2026-12-30", 930},  // the last session of the year is a full day now
           {"2027-01-04", 930},
           {"1999-12-30", 660},  // 大納会, morning session only
           {"2000-01-04", 660},  // 大発会
           {"2008-12-30", 660},  // the last half-day 大納会
           {"2009-01-05", 660},  // the last half-day 大発会
           {"2009-01-06", 900},
           {"2009-12-30", 900},  // full day from here (arrowhead)
           {"2010-01-04", 900},
           {"2010-01-05", 900},
       }) {
    EXPECT_EQ(calendar.close_minute(d(c.date)), c.minute) << c.date;
  }
  EXPECT_TRUE(
      contains(error_of([&] { calendar.close_minute(d("2024-11-04")); }),
               "2024-11-04 has no session close: TSE is closed that day: Substitute holiday"));
  EXPECT_TRUE(contains(error_of([&] { calendar.close_minute(d("2020-10-01")); }),
                       "full-day trading outage"));
}

// --- overrides ---

TEST(TradingCalendarOverrideTest, SetOverrideClosesAndOpensDaysAndRecounts) {
  TradingCalendar calendar;
  const int before = calendar.count_business_days(d("2026-01-01"), d("2026-12-31"));
  calendar.set_override(d("2026-12-30"), false, "exchange closed for a test");
  EXPECT_FALSE(calendar.is_business_day(d("2026-12-30")));
  const DayInfo info = calendar.describe(d("2026-12-30"));
  EXPECT_EQ(info.status, DayStatus::kOverride);
  EXPECT_EQ(info.reason, "exchange closed for a test");
  EXPECT_EQ(calendar.count_business_days(d("2026-01-01"), d("2026-12-31")), before - 1);
  EXPECT_EQ(calendar.next_business_day(d("2026-12-29")).to_string(), "2027-01-04");
  EXPECT_EQ(calendar.previous_business_day(d("2027-01-04")).to_string(), "2026-12-29");
  EXPECT_EQ(to_strings(calendar.holidays(d("2026-12-28"), d("2026-12-31"))),
            (std::vector<std::string>{"2026-12-30", "2026-12-31"}));

  calendar.set_override(d("2026-09-26"), true, "special Saturday session");
  EXPECT_TRUE(calendar.is_business_day(d("2026-09-26")));
  EXPECT_EQ(calendar.describe(d("2026-09-26")).status, DayStatus::kOverride);
  EXPECT_EQ(calendar.count_business_days(d("2026-01-01"), d("2026-12-31")), before);
  EXPECT_EQ(calendar.next_business_day(d("2026-09-25")).to_string(), "2026-09-26");
  EXPECT_TRUE(calendar.holidays(d("2026-09-26"), d("2026-09-27")).empty());
  EXPECT_EQ(calendar.close_minute(d("2026-09-26")), 930);

  // A later override of the same day replaces the earlier one.
  calendar.set_override(d("2026-12-30"), true, "reopened");
  EXPECT_TRUE(calendar.is_business_day(d("2026-12-30")));
  EXPECT_EQ(calendar.describe(d("2026-12-30")).reason, "reopened");

  EXPECT_TRUE(contains(error_of([&] { calendar.set_override(d("2026-12-29"), false, ""); }),
                       "give a reason"));
  EXPECT_TRUE(calendar.is_business_day(d("2026-12-29")));
}

TEST(TradingCalendarOverrideTest, HalfDaysFollowTheCorrectedCalendar) {
  TradingCalendar calendar;
  calendar.set_override(d("2008-12-30"), false, "test");
  EXPECT_EQ(calendar.close_minute(d("2008-12-29")), 660);
}

class OverrideFileTest : public testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(path_); }

  const std::filesystem::path& write(const std::string& yaml) {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("gogooku3_calendar_" + std::to_string(getpid()) + "_" + test->name() + ".yaml");
    std::ofstream(path_) << yaml;
    return path_;
  }

  // Loads `yaml`, expects InvalidInput naming the file, returns the message.
  std::string load_error(const std::string& yaml) {
    const std::filesystem::path& path = write(yaml);
    std::string message = error_of([&] { calendar_.load_override_file(path); });
    EXPECT_TRUE(contains(message, path.string()));
    return message;
  }

  std::filesystem::path path_;
  TradingCalendar calendar_;
};

TEST_F(OverrideFileTest, LoadsEntries) {
  calendar_.load_override_file(write(R"(# corrections to the rules
overrides:
  - {date: 2026-12-30, open: false, reason: "closed for a test"}
  - date: 2026-09-26
    open: true
    reason: special Saturday session
)"));
  EXPECT_FALSE(calendar_.is_business_day(d("2026-12-30")));
  EXPECT_EQ(calendar_.describe(d("2026-12-30")).reason, "closed for a test");
  EXPECT_TRUE(calendar_.is_business_day(d("2026-09-26")));
  EXPECT_EQ(calendar_.describe(d("2026-09-26")).reason, "special Saturday session");
}

TEST_F(OverrideFileTest, EmptyListChangesNothing) {
  calendar_.load_override_file(write("overrides: []\n"));
  calendar_.load_override_file(write("overrides:\n"));
  EXPECT_EQ(calendar_.count_business_days(d("2026-01-01"), d("2026-12-31")), 242);
}

TEST_F(OverrideFileTest, MissingFileIsNotFound) {
  const std::filesystem::path missing = "/nonexistent/gogooku3/overrides.yaml";
  EXPECT_TRUE(
      contains(error_of([&] { calendar_.load_override_file(missing); }, ErrorCategory::kNotFound),
               missing.string()));
}

TEST_F(OverrideFileTest, ErrorsNameTheFileEntryAndField) {
  const std::string valid_first = "overrides:\n  - {date: 2026-12-28, open: false, reason: ok}\n";
  struct Case {
    std::string second_entry;
    std::vector<std::string> expected;
  };
  for (const Case& c : std::vector<Case>{
           {"  - {open: false, reason: x}\n", {"overrides[1]", "line 3", "field 'date'"}},
           {"  - {date: 2026-02-30, open: false, reason: x}\n",
            {"overrides[1]", "field 'date'", "2026-02-30"}},
           {"  - {date: tomorrow, open: false, reason: x}\n", {"field 'date'", "tomorrow"}},
           {"  - {date: 2100-01-04, open: false, reason: x}\n",
            {"field 'date'", "2100-01-04", "1970-01-01..2099-12-31"}},
           {"  - {date: 2026-12-28, open: true, reason: x}\n",
            {"overrides[1]", "field 'date'", "already corrected by overrides[0]"}},
           {"  - {date: 2026-12-29, reason: x}\n", {"overrides[1]", "field 'open'"}},
           {"  - {date: 2026-12-29, open: maybe, reason: x}\n",
            {"overrides[1]", "field 'open'", "maybe"}},
           {"  - {date: 2026-12-29, open: false}\n", {"overrides[1]", "field 'reason'"}},
           {"  - {date: 2026-12-29, open: false, reason: \"\"}\n", {"field 'reason'"}},
           {"  - {date: 2026-12-29, opne: false, reason: x}\n", {"overrides[1]", "'opne'"}},
           {"  - 2026-12-29\n", {"overrides[1]", "expected a map"}},
       }) {
    const std::string message = load_error(valid_first + c.second_entry);
    for (const std::string& part : c.expected) EXPECT_TRUE(contains(message, part));
  }
  // Nothing of a bad file is applied, not even its valid first entry.
  EXPECT_TRUE(calendar_.is_business_day(d("2026-12-28")));
}

TEST_F(OverrideFileTest, ErrorsInTheFileShape) {
  EXPECT_TRUE(contains(load_error("overrides: [unclosed\n"), "not valid YAML"));
  EXPECT_TRUE(contains(load_error(""), "top-level key 'overrides'"));
  EXPECT_TRUE(contains(load_error("override:\n  - {date: 2026-12-29}\n"), "'overrides'"));
  EXPECT_TRUE(contains(load_error("overrides: {date: 2026-12-29}\n"), "must be a list"));
}

// --- J-Quants calendar ---

TEST(TradingCalendarJQuantsTest, DifferencesFromTheRulesBecomeOverrides) {
  TradingCalendar calendar;
  calendar.apply_jquants_calendar({
      {d("2026-12-30"), "0"},  // closed although the rules say open
      {d("2026-09-22"), "1"},  // open although the rules say closed
      {d("2026-09-24"), "1"},  // agrees
      {d("2026-09-21"), "3"},  // closed, OSE holiday trading: agrees
      {d("2009-12-30"), "2"},  // a (historical) half day is a business day: agrees
      {d("2020-10-01"), "1"},  // scheduled, but the outage closed it
  });
  EXPECT_FALSE(calendar.is_business_day(d("2026-12-30")));
  EXPECT_EQ(calendar.describe(d("2026-12-30")).status, DayStatus::kOverride);
  EXPECT_EQ(calendar.describe(d("2026-12-30")).reason, "J-Quants calendar");
  EXPECT_TRUE(calendar.is_business_day(d("2026-09-22")));
  EXPECT_EQ(calendar.describe(d("2026-09-22")).reason, "J-Quants calendar");
  EXPECT_EQ(calendar.describe(d("2026-09-24")).status, DayStatus::kOpen);
  EXPECT_EQ(calendar.describe(d("2026-09-21")).status, DayStatus::kHoliday);
  EXPECT_EQ(calendar.describe(d("2009-12-30")).status, DayStatus::kOpen);
  EXPECT_EQ(calendar.describe(d("2020-10-01")).status, DayStatus::kOutage);
  EXPECT_FALSE(calendar.is_business_day(d("2020-10-01")));
  EXPECT_EQ(calendar.next_business_day(d("2026-12-29")).to_string(), "2027-01-04");

  // A later calendar that agrees with the rules again drops the J-Quants correction.
  calendar.apply_jquants_calendar({{d("2026-12-30"), "1"}});
  EXPECT_EQ(calendar.describe(d("2026-12-30")).status, DayStatus::kOpen);
  EXPECT_EQ(calendar.next_business_day(d("2026-12-29")).to_string(), "2026-12-30");
}

TEST(TradingCalendarJQuantsTest, APersonsCorrectionWins) {
  TradingCalendar calendar;
  calendar.set_override(d("2026-11-04"), false, "manual");
  calendar.apply_jquants_calendar({{d("2026-11-04"), "1"}, {d("2026-11-05"), "0"}});
  EXPECT_FALSE(calendar.is_business_day(d("2026-11-04")));
  EXPECT_EQ(calendar.describe(d("2026-11-04")).reason, "manual");
  // ...and replaces a J-Quants correction when it comes later.
  calendar.set_override(d("2026-11-05"), true, "manual reopen");
  calendar.apply_jquants_calendar({{d("2026-11-05"), "0"}});
  EXPECT_TRUE(calendar.is_business_day(d("2026-11-05")));
  EXPECT_EQ(calendar.describe(d("2026-11-05")).reason, "manual reopen");
}

TEST(TradingCalendarJQuantsTest, BadEntriesAreInvalidInputAndChangeNothing) {
  TradingCalendar calendar;
  EXPECT_TRUE(
      contains(error_of([&] {
                 calendar.apply_jquants_calendar({{d("2026-12-30"), "0"}, {d("2026-12-29"), "4"}});
               }),
               "entry 1 (2026-12-29): HolidayDivision '4'"));
  EXPECT_TRUE(calendar.is_business_day(d("2026-12-30")));
  EXPECT_TRUE(contains(error_of([&] {
                         calendar.apply_jquants_calendar({{d("2100-01-04"), "1"}});
                       }),
                       "entry 0 (2100-01-04)"));
}

}  // namespace
}  // namespace gogooku3
