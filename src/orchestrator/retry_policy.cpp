#include "orchestrator/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace gogooku3::orchestrator {
namespace {

// splitmix64: a well-mixed 64-bit value from a counter; the same on every platform.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool RetryPolicy::should_retry(ErrorCategory category, int retries_done) const {
  return is_retryable(category) && retries_done < max_retries;
}

std::chrono::milliseconds RetryPolicy::delay_before(int retry, std::uint64_t seed) const {
  const double base =
      static_cast<double>(delay.count()) * std::pow(backoff, std::max(retry - 1, 0));
  const double capped = std::min(base, static_cast<double>(max_delay.count()));
  const double unit =
      static_cast<double>(mix(seed ^ static_cast<std::uint64_t>(retry)) >> 11) * 0x1.0p-53;
  const double factor = 1.0 + std::clamp(jitter, 0.0, 1.0) * (2.0 * unit - 1.0);
  return std::chrono::milliseconds(std::llround(std::max(capped * factor, 0.0)));
}

}  // namespace gogooku3::orchestrator
