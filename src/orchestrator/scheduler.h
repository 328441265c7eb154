// Scheduler: runs a daily job once per TSE business day, after the day's data is published,
// and catches up the days it missed while it was not running. It is what `gogooku3 scheduler`
// runs; it knows nothing about stocks: whether a day is done, whether its data is out and how
// to run it are hooks, and the caller decides what they mean.
//
// A business day D is due once the clock has reached its session close
// (TradingCalendar::close_minute, JST). The scheduler always takes the oldest due business day
// on or after catch_up_from that is neither done (is_done) nor already finished by this run,
// so after a restart it works through the missed days in order, oldest first, and skips what
// an earlier process finished. For that day it polls is_published every poll_interval until
// it is true, then calls run_day; a failed day is run again after retry_failed_after, up to
// max_attempts_per_day attempts, and then reported failed while the scheduler moves on (a
// later restart tries it again, since it is still not done). When no day is due it sleeps
// until the next business day's close. Weekends and holidays are never due.
//
// Freshness is the time from publication to a finished run. The scheduler knows when the data
// appeared only if it was polling when it did (a poll said "not yet", a later one "yes"); then
// published_at is the first poll that saw it, so freshness is an upper bound off by at most
// one poll_interval, and on_fresh reports it. A catch-up day that was already published at its
// first poll has no freshness.
//
// Every wait goes through Clock::sleep_until with the run's CancelToken, so run() returns as
// soon as the token is canceled (after the hook in progress returns; run_day should watch the
// same token). A Scheduler is used from one thread; the hooks are called on that thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "core/date.h"
#include "core/trading_calendar.h"
#include "orchestrator/cancellation.h"
#include "orchestrator/clock.h"

namespace gogooku3::orchestrator {

struct SchedulerOptions {
  Date catch_up_from{};  // the first business day this scheduler is responsible for (required)
  std::chrono::milliseconds poll_interval{std::chrono::minutes(1)};  // while waiting for data
  std::chrono::milliseconds retry_failed_after{std::chrono::minutes(15)};
  int max_attempts_per_day = 3;  // then the day is reported failed and the next one is taken
};

struct SchedulerHooks {
  // The day's job already succeeded (a restart skips it). An exception ends run().
  std::function<bool(Date)> is_done;
  // The source has published the day's data. An exception is logged and the next poll asks
  // again, so that a source down for an hour does not end the scheduler.
  std::function<bool(Date)> is_published;
  // Runs the daily job; true when it succeeded. An exception counts as a failed attempt.
  std::function<bool(Date)> run_day;
  // Optional. After a successful run of a day whose publication the scheduler saw happen:
  // when the first poll saw the data and when the run finished.
  std::function<void(Date, TimestampMs published_at_ms, TimestampMs available_at_ms)> on_fresh;
};

struct DayOutcome {
  Date date{};
  bool succeeded = false;
  int attempts = 0;
  std::optional<double> freshness_minutes{};  // set when on_fresh was called
};

// The days this run finished (succeeded, or failed max_attempts_per_day times), in the order
// it finished them. A day interrupted by cancellation is not listed.
struct SchedulerSummary {
  std::vector<DayOutcome> days{};
};

class Scheduler {
 public:
  // Keeps references to `calendar` and `clock`, which must outlive it. Throws InvalidInput for
  // a missing is_done, is_published or run_day hook, max_attempts_per_day < 1, a poll_interval
  // that is not positive or a negative retry_failed_after.
  Scheduler(const TradingCalendar& calendar, Clock& clock, SchedulerHooks hooks,
            SchedulerOptions options);

  // Runs until `cancel` is canceled or the clock reaches `until_ms` (tests), whichever first.
  SchedulerSummary run(const CancelToken& cancel,
                       std::optional<TimestampMs> until_ms = std::nullopt);

  // When business day `date` becomes due: its session close, as an instant.
  TimestampMs due_at_ms(Date date) const;

 private:
  struct Stop;         // the run's cancel token and deadline
  struct Publication;  // whether the scheduler saw the data appear, and when

  // Waits for `date`'s data and runs it, with retries; nullopt when the run stopped first.
  std::optional<DayOutcome> run_one_day(Date date, const Stop& stop);
  std::optional<Publication> wait_for_publication(Date date, const Stop& stop);
  // Sleeps until `at_ms` or the deadline; false when the run should stop.
  bool sleep_until(TimestampMs at_ms, const Stop& stop);

  const TradingCalendar& calendar_;
  Clock& clock_;
  SchedulerHooks hooks_;
  SchedulerOptions options_;
};

}  // namespace gogooku3::orchestrator
