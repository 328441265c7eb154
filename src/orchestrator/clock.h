// Clock: the scheduler's notion of time, so that a test can run a week of trading days in
// microseconds. Every wait in the scheduler goes through sleep_until() with the run's
// CancelToken, which is what makes Ctrl-C wake it at once.
//
// SystemClock is the wall clock (UTC milliseconds, storage::now_utc_ms()). SimulatedClock
// moves only when someone sleeps on it: sleep_until() jumps straight to the target instant
// (never backwards) and then calls the on_advance hook, from which a test changes the world
// "at 15:42 JST" (publishes a day's data, cancels the run). The hook runs on the sleeping
// thread, so it sees the world exactly as the scheduler will on its next look.
//
// Instants are UTC; TSE lives in JST (UTC+9, no daylight saving time), and jst_instant_ms /
// jst_date convert between an instant and a Japanese date and time of day.
//
// Thread safety: SystemClock is stateless. SimulatedClock's now_ms() may be read from any
// thread; set the hook before the clock is shared, and advance it from one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <utility>

#include "core/date.h"
#include "orchestrator/cancellation.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::orchestrator {

using storage::TimestampMs;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs now_ms() const = 0;
  // Sleeps until `at_ms` (returns at once when it has passed) or until `cancel` is canceled.
  // Returns false when canceled, before or during the sleep.
  virtual bool sleep_until(TimestampMs at_ms, const CancelToken& cancel) = 0;
};

class SystemClock final : public Clock {
 public:
  TimestampMs now_ms() const override;
  // Waits in slices of at most a minute and rereads the clock after each, so that a wall
  // clock stepped by NTP or a machine resumed from suspend is followed within a minute.
  bool sleep_until(TimestampMs at_ms, const CancelToken& cancel) override;
};

class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(TimestampMs start_ms) : now_ms_(start_ms) {}

  // Called after every move of the clock (sleep_until, advance) with the new time.
  void set_on_advance(std::function<void(TimestampMs now_ms)> hook) {
    on_advance_ = std::move(hook);
  }

  TimestampMs now_ms() const override { return now_ms_.load(); }
  bool sleep_until(TimestampMs at_ms, const CancelToken& cancel) override;
  // Moves the clock forward by `duration` (a job taking time, in a test) and calls the hook.
  void advance(std::chrono::milliseconds duration);

 private:
  void move_to(TimestampMs at_ms);

  std::atomic<TimestampMs> now_ms_;
  std::function<void(TimestampMs)> on_advance_;
};

// The instant of `minute_of_day` (JST minutes since midnight; 1440 is the next midnight) on
// `date` in Japan: jst_instant_ms(2026-11-27, 15 * 60 + 30) is 2026-11-27T06:30:00Z.
TimestampMs jst_instant_ms(Date date, int minute_of_day);
// The Japanese calendar date of an instant: 2026-11-27T15:00:00Z is 2026-11-28 in Japan.
Date jst_date(TimestampMs at_ms);

}  // namespace gogooku3::orchestrator
