// RetryPolicy: what the J-Quants client does with one answer, and how long it waits before
// asking again.
//
// classify() sorts an answer into accept / retry / rate-limited / fail by its HTTP status (see
// ../shared/reference/jquants-api.md, "Errors"): 200 and 210 (partial content) are pages; 429
// is the rate limit; 5xx and 408 are server trouble worth another try; every other status
// (400 bad parameters or dates outside the plan, 403 key or plan, 413 too large) will fail the
// same way again and is reported at once.
//
// Waits use exponential backoff with "full jitter": retry n (from 0) waits a uniformly random
// time in [0, min(max_delay, base * 2^n)]. Full jitter spreads the retries of many concurrent
// requests over the whole window instead of synchronising them on its edge, which is what
// keeps a recovering server from being hit by a wave of retries all at once. The random
// source is seeded, so a test (or a re-run with the same seed) sees the same waits.
//
// A server's Retry-After, when present, replaces the backoff: parse_retry_after() reads both
// of its forms, delay-seconds ("120") and an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT").
//
// Not thread-safe (the random engine): one per Client.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace gogooku3::market::jquants {

enum class AnswerKind {
  kPage,         // 200, 210: parse it
  kRetry,        // 5xx, 408: back off and ask again
  kRateLimited,  // 429
  kFail,         // anything else: report it, do not retry
};

AnswerKind classify(long http_status);

class RetryPolicy {
 public:
  // seed 0: seeded from the clock.
  RetryPolicy(std::chrono::milliseconds base_delay, std::chrono::milliseconds max_delay,
              uint64_t seed);

  // The wait before retry `retry` (0 for the first retry of a request).
  std::chrono::milliseconds backoff(int retry);
  // The ceiling of that wait: min(max_delay, base * 2^retry).
  std::chrono::milliseconds ceiling(int retry) const;

 private:
  std::chrono::milliseconds base_delay_;
  std::chrono::milliseconds max_delay_;
  std::mt19937_64 random_;
};

// The wait a Retry-After header asks for, measured from `now`; zero for a date in the past;
// nullopt when the value is empty or neither form.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace gogooku3::market::jquants
