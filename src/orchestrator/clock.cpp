#include "orchestrator/clock.h"

#include <algorithm>

namespace gogooku3::orchestrator {
namespace {

constexpr TimestampMs kMsPerMinute = 60'000;
constexpr TimestampMs kMsPerDay = kMsPerMinute * 60 * 24;
constexpr TimestampMs kJstOffsetMs = kMsPerMinute * 60 * 9;
constexpr std::chrono::milliseconds kLongestSystemSleep = std::chrono::minutes(1);

}  // namespace

TimestampMs SystemClock::now_ms() const { return storage::now_utc_ms(); }

bool SystemClock::sleep_until(TimestampMs at_ms, const CancelToken& cancel) {
  for (;;) {
    if (cancel.canceled()) return false;
    const TimestampMs left_ms = at_ms - now_ms();
    if (left_ms <= 0) return true;
    const auto slice = std::min(std::chrono::milliseconds(left_ms), kLongestSystemSleep);
    if (cancel.wait_for(slice)) return false;
  }
}

bool SimulatedClock::sleep_until(TimestampMs at_ms, const CancelToken& cancel) {
  if (cancel.canceled()) return false;
  move_to(at_ms);
  return !cancel.canceled();
}

void SimulatedClock::advance(std::chrono::milliseconds duration) {
  move_to(now_ms() + duration.count());
}

void SimulatedClock::move_to(TimestampMs at_ms) {
  const TimestampMs now = std::max(at_ms, now_ms());
  now_ms_.store(now);
  if (on_advance_) on_advance_(now);
}

TimestampMs jst_instant_ms(Date date, int minute_of_day) {
  return date.days_since_epoch() * kMsPerDay + minute_of_day * kMsPerMinute - kJstOffsetMs;
}

Date jst_date(TimestampMs at_ms) {
  const TimestampMs jst_ms = at_ms + kJstOffsetMs;
  // Floor division: an instant before 1970-01-01 JST belongs to the day before, not after.
  TimestampMs days = jst_ms / kMsPerDay;
  if (jst_ms % kMsPerDay < 0) --days;
  return Date(static_cast<int32_t>(days));
}

}  // namespace gogooku3::orchestrator
