#include "core/date.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace gogooku3 {
namespace {

TEST(DateTest, EpochAndKnownDays) {
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(Date::from_ymd(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(Date::from_ymd(2000, 3, 1).days_since_epoch(), 11017);
  EXPECT_EQ(Date::from_ymd(2026, 9, 22).to_string(), "2026-09-22");
  EXPECT_EQ(Date(0).weekday(), Weekday::kThursday);
  EXPECT_EQ(Date::from_ymd(2026, 11, 27).weekday(), Weekday::kFriday);
  EXPECT_EQ(Date::from_ymd(1969, 12, 28).weekday(), Weekday::kSunday);
}

TEST(DateTest, RoundTripsEveryDayOfTwoCenturies) {
  for (int32_t days = Date::from_ymd(1900, 1, 1).days_since_epoch();
       days <= Date::from_ymd(2100, 12, 31).days_since_epoch(); ++days) {
    const Date date(days);
    const YearMonthDay ymd = date.ymd();
    ASSERT_EQ(Date::from_ymd(ymd.year, ymd.month, ymd.day), date) << days;
    ASSERT_EQ(Date::parse(date.to_string()), date);
    ASSERT_EQ(Date::parse(date.to_compact_string()), date);
  }
}

TEST(DateTest, LeapYears) {
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2026, 2), 28);
  EXPECT_NO_THROW(Date::parse("2024-02-29"));
  EXPECT_THROW(Date::parse("2026-02-29"), Error);
}

TEST(DateTest, ParseRejectsMalformedTextWithItsText) {
  for (const char* text : {"", "2026-9-22", "2026/09/22", "2026-13-01", "2026-00-10", "20260931",
                           "2026-09-22T00:00", "abcd-ef-gh", "+026-09-22"}) {
    try {
      Date::parse(text);
      FAIL() << "accepted '" << text << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  }
}

TEST(DateTest, ArithmeticAndOrdering) {
  const Date d = Date::from_ymd(2026, 12, 31);
  EXPECT_EQ((d + 1).to_string(), "2027-01-01");
  EXPECT_EQ((d - 365).to_string(), "2025-12-31");
  EXPECT_EQ(Date::from_ymd(2027, 1, 1) - d, 1);
  EXPECT_LT(d, d + 1);
  Date e = d;
  ++e;
  EXPECT_EQ(e, d + 1);
  EXPECT_TRUE(Date::from_ymd(2026, 11, 28).is_weekend());
  EXPECT_FALSE(Date::from_ymd(2026, 11, 27).is_weekend());
}

}  // namespace
}  // namespace gogooku3
