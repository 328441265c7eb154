// RetryPolicy: when a failed step (or one ticker inside it) is tried again.
//
// Only errors of category Transient or RateLimited are retried (core/error.h is_retryable):
// a 503 from the source or a lease held by another run may clear up, a contract violation or
// a missing upstream partition will not, and retrying it only hides the message.
// Attempt k (k = 1 for the first retry) waits
//   min(max_delay, delay * backoff^(k-1)) * (1 + jitter * u),  u uniform in [-1, 1]
// with u drawn from a seeded generator, so tests see the same delays every run and many
// processes retrying the same server do not retry in lockstep.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/error.h"

namespace gogooku3::orchestrator {

struct RetryPolicy {
  int max_retries = 0;  // retries after the first attempt
  std::chrono::milliseconds delay{1000};
  double backoff = 2.0;
  std::chrono::milliseconds max_delay{60000};
  double jitter = 0.1;  // fraction of the delay, 0..1

  static RetryPolicy none() { return {}; }
  static RetryPolicy transient(int retries, std::chrono::milliseconds first_delay) {
    return {.max_retries = retries, .delay = first_delay};
  }

  // Whether attempt `retries_done + 1` may follow a failure of `category`.
  bool should_retry(ErrorCategory category, int retries_done) const;
  // The wait before retry number `retry` (1-based); `seed` picks the jitter.
  std::chrono::milliseconds delay_before(int retry, std::uint64_t seed) const;
};

}  // namespace gogooku3::orchestrator
