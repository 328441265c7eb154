// The scheduler on a SimulatedClock: a week of trading days runs in microseconds, the hooks are
// lambdas over plain state, and the clock's on_advance hook plays the data source publishing
// "at 15:42 JST" or an operator pressing Ctrl-C.
#include "orchestrator/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/trading_calendar.h"
#include "orchestrator/cancellation.h"
#include "orchestrator/clock.h"

namespace gogooku3::orchestrator {
namespace {

using std::chrono::minutes;

constexpr TimestampMs kMinuteMs = 60'000;
constexpr TimestampMs kHourMs = 60 * kMinuteMs;

Date d(const char* text) { return Date::parse(text); }

TimestampMs jst(const char* date, int hour, int minute) {
  return jst_instant_ms(d(date), hour * 60 + minute);
}

// Everything the hooks saw, and hooks that record into it. By default every day is published
// and every run succeeds.
struct World {
  std::set<Date> done;
  std::set<Date> published_days;
  bool publish_everything = true;
  std::set<Date> failing_days;
  std::vector<Date> runs;
  std::vector<TimestampMs> run_times;
  int polls = 0;
  struct Fresh {
    Date date;
    TimestampMs published_at_ms;
    TimestampMs available_at_ms;
  };
  std::vector<Fresh> fresh;

  SchedulerHooks hooks(const Clock& clock) {
    return {
        .is_done = [this](Date date) { return done.contains(date); },
        .is_published =
            [this](Date date) {
              ++polls;
              return publish_everything || published_days.contains(date);
            },
        .run_day =
            [this, &clock](Date date) {
              runs.push_back(date);
              run_times.push_back(clock.now_ms());
              return !failing_days.contains(date);
            },
        .on_fresh =
            [this](Date date, TimestampMs published_at_ms, TimestampMs available_at_ms) {
              fresh.push_back({date, published_at_ms, available_at_ms});
            },
    };
  }
};

std::vector<std::string> to_strings(const std::vector<Date>& dates) {
  std::vector<std::string> out;
  for (const Date date : dates) out.push_back(date.to_string());
  return out;
}

std::vector<std::string> outcome_dates(const SchedulerSummary& summary) {
  std::vector<std::string> out;
  for (const DayOutcome& day : summary.days) out.push_back(day.date.to_string());
  return out;
}

class SchedulerTest : public testing::Test {
 protected:
  TradingCalendar calendar_;
  CancelToken cancel_;
};

TEST(SimulatedClockTest, JstInstantIsNineHoursBeforeTheSameWallTimeInUtc) {
  const TimestampMs utc_midnight = d("2026-11-27").days_since_epoch() * (24 * kHourMs);
  // 2026-11-27 15:30 JST is 2026-11-27T06:30:00Z.
  EXPECT_EQ(jst_instant_ms(d("2026-11-27"), 15 * 60 + 30),
            utc_midnight + 6 * kHourMs + 30 * kMinuteMs);
  EXPECT_EQ(jst_date(jst_instant_ms(d("2026-11-27"), 15 * 60 + 30)), d("2026-11-27"));
  // JST midnight is 15:00 UTC the day before.
  EXPECT_EQ(jst_date(utc_midnight + 15 * kHourMs - 1), d("2026-11-27"));
  EXPECT_EQ(jst_date(utc_midnight + 15 * kHourMs), d("2026-11-28"));
  EXPECT_EQ(jst_date(jst("2026-11-28", 0, 0)), d("2026-11-28"));
  EXPECT_EQ(jst_date(jst("2026-11-28", 0, 0) - 1), d("2026-11-27"));
}

TEST(SimulatedClockTest, JstDateRoundsDownBeforeTheEpoch) {
  EXPECT_EQ(jst_date(0), d("1970-01-01"));  // 09:00 JST
  EXPECT_EQ(jst_date(-9 * kHourMs), d("1970-01-01"));
  EXPECT_EQ(jst_date(-9 * kHourMs - 1), d("1969-12-31"));
  for (const char* date : {"1969-12-31", "2008-12-30", "2024-11-05", "2099-12-31"}) {
    for (const int minute : {0, 540, 930, 1439}) {
      EXPECT_EQ(jst_date(jst_instant_ms(d(date), minute)), d(date)) << date << " " << minute;
    }
  }
}

TEST(SimulatedClockTest, SleepJumpsForwardNeverBackAndCallsTheHook) {
  SimulatedClock clock(1'000);
  std::vector<TimestampMs> seen;
  clock.set_on_advance([&](TimestampMs now_ms) { seen.push_back(now_ms); });
  CancelToken cancel;
  EXPECT_TRUE(clock.sleep_until(5'000, cancel));
  EXPECT_EQ(clock.now_ms(), 5'000);
  EXPECT_TRUE(clock.sleep_until(2'000, cancel));  // already past: returns at once
  EXPECT_EQ(clock.now_ms(), 5'000);
  clock.advance(std::chrono::milliseconds(250));
  EXPECT_EQ(clock.now_ms(), 5'250);
  EXPECT_EQ(seen, (std::vector<TimestampMs>{5'000, 5'000, 5'250}));
}

TEST(SimulatedClockTest, SleepReturnsFalseWhenCanceledBeforeOrByTheHook) {
  SimulatedClock clock(0);
  CancelToken cancel;
  clock.set_on_advance([&](TimestampMs now_ms) {
    if (now_ms >= 10'000) cancel.cancel();
  });
  EXPECT_TRUE(clock.sleep_until(5'000, cancel));
  EXPECT_FALSE(clock.sleep_until(20'000, cancel));
  EXPECT_EQ(clock.now_ms(), 20'000);
  EXPECT_FALSE(clock.sleep_until(30'000, cancel));
  EXPECT_EQ(clock.now_ms(), 20'000);  // a canceled sleep does not move the clock
}

TEST(SimulatedClockTest, SystemClockSleepWakesOnCancelAndPastInstants) {
  SystemClock clock;
  CancelToken cancel;
  const TimestampMs before = clock.now_ms();
  EXPECT_TRUE(clock.sleep_until(before - 1'000, cancel));
  EXPECT_TRUE(clock.sleep_until(before + 20, cancel));
  EXPECT_GE(clock.now_ms(), before + 20);
  cancel.cancel();
  EXPECT_FALSE(clock.sleep_until(clock.now_ms() + 3'600'000, cancel));  // returns at once
}

TEST_F(SchedulerTest, CatchesUpMissedBusinessDaysInOrderThenWaitsForTodaysClose) {
  // Wednesday 2026-11-25 .. Monday 2026-11-30; the process starts Monday morning.
  SimulatedClock clock(jst("2026-11-30", 9, 0));
  World world;
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-25")});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-30", 20, 0));

  EXPECT_EQ(to_strings(world.runs),
            (std::vector<std::string>{"2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"}));
  // The three missed days run at once, at 09:00; Monday only once its session has closed.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(world.run_times[i], jst("2026-11-30", 9, 0));
  EXPECT_EQ(world.run_times[3], jst("2026-11-30", 15, 30));
  ASSERT_EQ(summary.days.size(), 4u);
  for (const DayOutcome& day : summary.days) {
    EXPECT_TRUE(day.succeeded);
    EXPECT_EQ(day.attempts, 1);
    EXPECT_FALSE(day.freshness_minutes.has_value());  // already published at the first poll
  }
  EXPECT_TRUE(world.fresh.empty());
  EXPECT_EQ(clock.now_ms(), jst("2026-11-30", 20, 0));
}

TEST_F(SchedulerTest, WaitsUntilTheCloseBeforeTheFirstDay) {
  SimulatedClock clock(jst("2026-11-27", 15, 29));
  World world;
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-27")});
  scheduler.run(cancel_, jst("2026-11-27", 15, 29) + 59'999);
  EXPECT_TRUE(world.runs.empty());
  EXPECT_EQ(world.polls, 0);
  scheduler.run(cancel_, jst("2026-11-27", 16, 0));
  EXPECT_EQ(to_strings(world.runs), (std::vector<std::string>{"2026-11-27"}));
  EXPECT_EQ(world.run_times[0], jst("2026-11-27", 15, 30));
}

TEST_F(SchedulerTest, CatchUpFromAWeekendStartsAtTheNextBusinessDay) {
  SimulatedClock clock(jst("2026-12-01", 9, 0));
  World world;
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-28")});
  scheduler.run(cancel_, jst("2026-12-01", 9, 0) + 1);
  EXPECT_EQ(to_strings(world.runs), (std::vector<std::string>{"2026-11-30"}));
}

TEST_F(SchedulerTest, SkipsDaysThatAreAlreadyDone) {
  SimulatedClock clock(jst("2026-11-30", 9, 0));
  World world;
  world.done = {d("2026-11-25"), d("2026-11-27")};
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-25")});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-30", 20, 0));
  EXPECT_EQ(to_strings(world.runs), (std::vector<std::string>{"2026-11-26", "2026-11-30"}));
  EXPECT_EQ(outcome_dates(summary), (std::vector<std::string>{"2026-11-26", "2026-11-30"}));
}

TEST_F(SchedulerTest, WaitsForPublicationAndMeasuresFreshness) {
  const TimestampMs published_at = jst("2026-11-27", 15, 42);
  SimulatedClock clock(jst("2026-11-27", 9, 0));
  World world;
  world.publish_everything = false;
  clock.set_on_advance([&](TimestampMs now_ms) {
    if (now_ms >= published_at) world.published_days.insert(d("2026-11-27"));
  });
  SchedulerHooks hooks = world.hooks(clock);
  hooks.run_day = [&](Date date) {
    world.runs.push_back(date);
    world.run_times.push_back(clock.now_ms());
    clock.advance(minutes(3));  // the daily job takes three minutes
    return true;
  };
  Scheduler scheduler(calendar_, clock, std::move(hooks),
                      {.catch_up_from = d("2026-11-27"), .poll_interval = minutes(1)});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-27", 23, 0));

  EXPECT_EQ(to_strings(world.runs), (std::vector<std::string>{"2026-11-27"}));
  EXPECT_EQ(world.run_times[0], published_at);  // the poll at 15:42 saw it and ran it at once
  EXPECT_EQ(world.polls, 13);                   // 15:30, 15:31, ..., 15:42
  ASSERT_EQ(world.fresh.size(), 1u);
  EXPECT_EQ(world.fresh[0].date, d("2026-11-27"));
  EXPECT_EQ(world.fresh[0].published_at_ms, published_at);
  EXPECT_EQ(world.fresh[0].available_at_ms, jst("2026-11-27", 15, 45));
  ASSERT_EQ(summary.days.size(), 1u);
  ASSERT_TRUE(summary.days[0].freshness_minutes.has_value());
  EXPECT_DOUBLE_EQ(*summary.days[0].freshness_minutes, 3.0);
}

TEST_F(SchedulerTest, PublicationBetweenPollsIsSeenAtTheNextPoll) {
  const TimestampMs published_at = jst("2026-11-27", 15, 41) + 20'000;  // 15:41:20
  SimulatedClock clock(jst("2026-11-27", 15, 0));
  World world;
  world.publish_everything = false;
  clock.set_on_advance([&](TimestampMs now_ms) {
    if (now_ms >= published_at) world.published_days.insert(d("2026-11-27"));
  });
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-27")});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-27", 23, 0));
  ASSERT_EQ(world.fresh.size(), 1u);
  EXPECT_EQ(world.fresh[0].published_at_ms, jst("2026-11-27", 15, 42));
  EXPECT_EQ(world.fresh[0].available_at_ms, jst("2026-11-27", 15, 42));
  EXPECT_DOUBLE_EQ(summary.days[0].freshness_minutes.value_or(-1), 0.0);
}

TEST_F(SchedulerTest, AFailingPollIsAskedAgainAndDoesNotCountAsObserved) {
  SimulatedClock clock(jst("2026-11-27", 15, 0));
  World world;
  SchedulerHooks hooks = world.hooks(clock);
  int polls = 0;
  hooks.is_published = [&](Date) {
    if (++polls == 1) throw std::runtime_error("503 Service Unavailable");
    return true;
  };
  Scheduler scheduler(calendar_, clock, std::move(hooks), {.catch_up_from = d("2026-11-27")});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-27", 23, 0));
  EXPECT_EQ(polls, 2);
  EXPECT_EQ(world.run_times, (std::vector<TimestampMs>{jst("2026-11-27", 15, 31)}));
  EXPECT_TRUE(world.fresh.empty());  // the failed poll said nothing about when it appeared
}

TEST_F(SchedulerTest, SessionClosedAt1500UntilNovember2024And1530After) {
  // Thu 2024-10-31 and Fri 2024-11-01 closed at 15:00; Mon 2024-11-04 was a substitute holiday;
  // the extended session began Tue 2024-11-05.
  SimulatedClock clock(jst("2024-10-31", 9, 0));
  World world;
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2024-10-31")});
  scheduler.run(cancel_, jst("2024-11-05", 23, 0));
  EXPECT_EQ(to_strings(world.runs),
            (std::vector<std::string>{"2024-10-31", "2024-11-01", "2024-11-05"}));
  EXPECT_EQ(world.run_times,
            (std::vector<TimestampMs>{jst("2024-10-31", 15, 0), jst("2024-11-01", 15, 0),
                                      jst("2024-11-05", 15, 30)}));
  EXPECT_EQ(scheduler.due_at_ms(d("2024-10-31")), jst("2024-10-31", 15, 0));
  EXPECT_EQ(scheduler.due_at_ms(d("2026-11-27")), jst("2026-11-27", 15, 30));
}

TEST_F(SchedulerTest, RetriesAFailedDayThenGivesUpAndMovesOn) {
  SimulatedClock clock(jst("2026-11-25", 9, 0));
  World world;
  world.failing_days = {d("2026-11-25")};
  Scheduler scheduler(calendar_, clock, world.hooks(clock),
                      {.catch_up_from = d("2026-11-25"),
                       .retry_failed_after = minutes(15),
                       .max_attempts_per_day = 3});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-26", 20, 0));

  EXPECT_EQ(to_strings(world.runs),
            (std::vector<std::string>{"2026-11-25", "2026-11-25", "2026-11-25", "2026-11-26"}));
  EXPECT_EQ(world.run_times,
            (std::vector<TimestampMs>{jst("2026-11-25", 15, 30), jst("2026-11-25", 15, 45),
                                      jst("2026-11-25", 16, 0), jst("2026-11-26", 15, 30)}));
  ASSERT_EQ(summary.days.size(), 2u);
  EXPECT_FALSE(summary.days[0].succeeded);
  EXPECT_EQ(summary.days[0].attempts, 3);
  EXPECT_TRUE(summary.days[1].succeeded);
  EXPECT_EQ(summary.days[1].attempts, 1);
}

TEST_F(SchedulerTest, ADayThatSucceedsOnRetryCountsItsAttemptsAndAThrowIsAFailure) {
  SimulatedClock clock(jst("2026-11-27", 16, 0));
  World world;
  SchedulerHooks hooks = world.hooks(clock);
  int attempts = 0;
  hooks.run_day = [&](Date) {
    if (++attempts == 1) throw transient("lake write timed out");
    return attempts == 3;
  };
  Scheduler scheduler(calendar_, clock, std::move(hooks),
                      {.catch_up_from = d("2026-11-27"), .retry_failed_after = minutes(5)});
  const SchedulerSummary summary = scheduler.run(cancel_, jst("2026-11-27", 23, 0));
  ASSERT_EQ(summary.days.size(), 1u);
  EXPECT_TRUE(summary.days[0].succeeded);
  EXPECT_EQ(summary.days[0].attempts, 3);
}

TEST_F(SchedulerTest, CancelWhileWaitingForPublicationStopsPromptly) {
  SimulatedClock clock(jst("2026-11-27", 9, 0));
  World world;
  world.publish_everything = false;
  clock.set_on_advance([&](TimestampMs now_ms) {
    if (now_ms >= jst("2026-11-27", 15, 35)) cancel_.cancel();
  });
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-27")});
  const SchedulerSummary summary = scheduler.run(cancel_);  // no deadline: only cancel stops it
  EXPECT_TRUE(summary.days.empty());
  EXPECT_TRUE(world.runs.empty());
  EXPECT_EQ(world.polls, 5);  // 15:30 .. 15:34; the sleep that reached 15:35 was canceled
  EXPECT_EQ(clock.now_ms(), jst("2026-11-27", 15, 35));
}

TEST_F(SchedulerTest, CancelWhileSleepingUntilTheNextCloseStopsPromptly) {
  SimulatedClock clock(jst("2026-11-27", 16, 0));
  World world;
  world.done = {d("2026-11-27")};
  clock.set_on_advance([&](TimestampMs) { cancel_.cancel(); });
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-27")});
  EXPECT_TRUE(scheduler.run(cancel_).days.empty());
  EXPECT_EQ(clock.now_ms(), jst("2026-11-30", 15, 30));  // the one sleep, to Monday's close
  EXPECT_TRUE(world.runs.empty());
}

TEST_F(SchedulerTest, CancelDuringARetryWaitLeavesTheDayUnfinished) {
  SimulatedClock clock(jst("2026-11-27", 16, 0));
  World world;
  world.failing_days = {d("2026-11-27")};
  clock.set_on_advance([&](TimestampMs) { cancel_.cancel(); });
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-27")});
  EXPECT_TRUE(scheduler.run(cancel_).days.empty());
  EXPECT_EQ(world.runs.size(), 1u);
}

TEST_F(SchedulerTest, AnAlreadyCanceledTokenRunsNothing) {
  SimulatedClock clock(jst("2026-11-30", 9, 0));
  World world;
  cancel_.cancel();
  Scheduler scheduler(calendar_, clock, world.hooks(clock), {.catch_up_from = d("2026-11-25")});
  EXPECT_TRUE(scheduler.run(cancel_).days.empty());
  EXPECT_EQ(world.polls, 0);
  EXPECT_TRUE(world.runs.empty());
}

TEST_F(SchedulerTest, RejectsMissingHooksAndNonsenseOptions) {
  SimulatedClock clock(0);
  World world;
  SchedulerHooks no_run_day = world.hooks(clock);
  no_run_day.run_day = nullptr;
  EXPECT_THROW(Scheduler(calendar_, clock, no_run_day, {}), Error);
  EXPECT_THROW(Scheduler(calendar_, clock, world.hooks(clock), {.max_attempts_per_day = 0}), Error);
  EXPECT_THROW(Scheduler(calendar_, clock, world.hooks(clock),
                         {.poll_interval = std::chrono::milliseconds(0)}),
               Error);
  SchedulerHooks no_on_fresh = world.hooks(clock);
  no_on_fresh.on_fresh = nullptr;  // optional
  EXPECT_NO_THROW(Scheduler(calendar_, clock, no_on_fresh, {}));
}

}  // namespace
}  // namespace gogooku3::orchestrator
