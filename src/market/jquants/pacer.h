// Pacer: when the next J-Quants request may start.
//
// J-Quants allows a number of requests per minute (plan: free 5, light 60, standard 120,
// premium 500; fins endpoints at most 60 on every plan) and answers sustained excess by
// blocking the key for about five minutes. Bursts are what trip it, so requests start on an
// even schedule of slots, one every 60/rate seconds, where the rate is the stricter of the
// plan's and the endpoint's cap. Two rules keep the schedule honest:
//   - a request that starts a little late (less than half an interval: the caller was busy
//     parsing the previous page) keeps its slot, so small delays do not add up to a slower
//     rate; one that starts later than that starts a new schedule, so a pause (nothing to
//     send) is never made up for with a burst;
//   - whatever the slots say, no 60-second window ever holds more starts than the rate
//     allows, which is what the API counts. The window the pacer keeps is longer by one
//     interval (at most 1 s), because requests reach the server with a little jitter: two
//     starts exactly 60 s apart can arrive 59.99 s apart. Starts are also at least half an
//     interval apart.
//
// A 429 means the server counted more than we did (another program sharing the key, a smaller
// plan than configured). The pacer then
//   1. holds every request until the wait has passed (the server's Retry-After, or the
//      caller's backoff when there is none);
//   2. slows the schedule by x1.5 per 429, up to x4, for the rest of its life;
//   3. after three 429s in a row (no success in between) holds for the cooldown instead
//      (5 minutes against the real API), which is how long the API's block lasts.
// A 429 answering a request that was sent before the previous 429 arrived belongs to the same
// episode (the requests were already in flight): it extends the hold but neither slows the
// schedule further nor counts towards the three.
//
// Time is passed in, never read, so tests drive the pacer with plain time points.
// Not thread-safe: one per Client, used by the thread that drives the client.
#pragma once

#include <chrono>
#include <deque>
#include <optional>

namespace gogooku3::market::jquants {

struct PacerOptions {
  double requests_per_minute = 60;  // the plan's rate
  double slowdown_per_rate_limit = 1.5;
  double max_slowdown = 4;
  int rate_limits_before_cooldown = 3;
  std::chrono::milliseconds cooldown{300'000};
};

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  // InvalidInput unless requests_per_minute > 0.
  explicit Pacer(PacerOptions options);

  // The time between request starts for an endpoint with this cap (0: the plan's rate only),
  // slow-down included.
  Clock::duration interval(double endpoint_requests_per_minute) const;
  // The earliest time the next request to such an endpoint may start.
  Clock::time_point next_start(double endpoint_requests_per_minute) const;
  // A request to an endpoint with this cap started at `now`.
  void started(Clock::time_point now, double endpoint_requests_per_minute = 0);
  // A request that started at `request_started` was answered 429 at `now`; `wait` is the
  // Retry-After (or the backoff). Returns when requests may start again.
  Clock::time_point rate_limited(Clock::time_point now, Clock::time_point request_started,
                                 Clock::duration wait);
  // A request that started at `request_started` succeeded: the run of 429s is broken.
  void succeeded(Clock::time_point request_started);

  double slowdown() const { return slowdown_; }
  int rate_limits_in_a_row() const { return rate_limits_in_a_row_; }
  const PacerOptions& options() const { return options_; }

 private:
  // Requests allowed in any window at this interval, and the window's length.
  size_t window_capacity(Clock::duration interval) const;
  static Clock::duration window(Clock::duration interval);

  PacerOptions options_;
  std::optional<Clock::time_point> last_start_;
  Clock::time_point last_slot_{};
  std::deque<Clock::time_point> recent_starts_;  // the starts of the last 60 s, oldest first
  Clock::time_point hold_until_{};
  std::optional<Clock::time_point> last_rate_limit_;
  double slowdown_ = 1;
  int rate_limits_in_a_row_ = 0;
};

}  // namespace gogooku3::market::jquants
