// RateWindow: how many events happened in the last `span` (60 s for J-Quants' per-minute
// limits), counted exactly over a sliding window rather than in fixed minute buckets, so a
// client that bursts across a minute boundary is caught the way the real gateway catches it.
//
// Not thread-safe: the owner holds its own lock around every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

namespace gogooku3::fake_jquants {

class RateWindow {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateWindow(Clock::duration span = std::chrono::seconds(60)) : span_(span) {}

  // Events in (now - span, now].
  size_t count(Clock::time_point now) {
    while (!events_.empty() && events_.front() <= now - span_) events_.pop_front();
    return events_.size();
  }

  // Records an event at `now` and returns the count including it.
  size_t record(Clock::time_point now) {
    events_.push_back(now);
    return count(now);
  }

 private:
  Clock::duration span_;
  std::deque<Clock::time_point> events_;  // ascending
};

}  // namespace gogooku3::fake_jquants
