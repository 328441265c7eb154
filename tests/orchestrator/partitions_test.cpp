#include "orchestrator/partitions.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace gogooku3::orchestrator {
namespace {

class PartitionsTest : public ::testing::Test {
 protected:
  std::shared_ptr<const TradingCalendar> calendar_ = std::make_shared<const TradingCalendar>();
  PartitionsDef days_ = PartitionsDef::business_days(calendar_);
  PartitionsDef weeks_ = PartitionsDef::weekly(calendar_);
};

TEST_F(PartitionsTest, BusinessDaysSkipWeekendsAndHolidays) {
  // 2026-11-23 is Labour Thanksgiving Day (a Monday).
  EXPECT_EQ(days_.keys(Date::from_ymd(2026, 11, 20), Date::from_ymd(2026, 11, 24)),
            (std::vector<std::string>{"2026-11-20", "2026-11-24"}));
  EXPECT_NO_THROW(days_.require_valid("2026-11-24", "prices"));
  try {
    days_.require_valid("2026-11-23", "prices");
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("not a TSE business day"), std::string::npos);
  }
  EXPECT_THROW(days_.require_valid("11/24", "prices"), Error);
}

TEST_F(PartitionsTest, WeeksAreKeyedByTheirLastBusinessDay) {
  EXPECT_EQ(weeks_.keys(Date::from_ymd(2026, 11, 16), Date::from_ymd(2026, 11, 30)),
            (std::vector<std::string>{"2026-11-20", "2026-11-27"}));
  EXPECT_EQ(weeks_.key_containing(Date::from_ymd(2026, 11, 24)), "2026-11-27");
  EXPECT_THROW(weeks_.require_valid("2026-11-24", "flows"), Error);
}

TEST_F(PartitionsTest, NoneAndStatic) {
  EXPECT_EQ(PartitionsDef::none().keys(Date(0), Date(0)), std::vector<std::string>{""});
  const PartitionsDef sections = PartitionsDef::static_keys({"standard", "prime", "prime"});
  EXPECT_EQ(sections.keys(Date(0), Date(0)), (std::vector<std::string>{"prime", "standard"}));
  EXPECT_THROW(sections.require_valid("growth", "x"), Error);
  EXPECT_THROW(PartitionsDef::none().require_valid("2026-11-24", "model"), Error);
}

TEST_F(PartitionsTest, MappingsFromADayToItsUpstream) {
  const std::string day = "2026-11-24";
  EXPECT_EQ(upstream_keys(Dependency::same_day("x"), days_, day, days_),
            std::vector<std::string>{day});
  EXPECT_EQ(upstream_keys(Dependency::previous("x"), days_, day, days_),
            std::vector<std::string>{"2026-11-20"});
  EXPECT_EQ(upstream_keys(Dependency::trailing_window("x", 3), days_, day, days_),
            (std::vector<std::string>{"2026-11-19", "2026-11-20", "2026-11-24"}));
  EXPECT_EQ(upstream_keys(Dependency::same_day("w"), days_, day, weeks_),
            std::vector<std::string>{"2026-11-27"});
  EXPECT_TRUE(upstream_keys(Dependency::latest("m"), days_, day, PartitionsDef::none()).empty());
  EXPECT_EQ(upstream_keys(Dependency::same_day("m"), days_, day, PartitionsDef::none()),
            std::vector<std::string>{""});
}

}  // namespace
}  // namespace gogooku3::orchestrator
