#include "market/jquants/pacer.h"

#include <algorithm>

#include "core/error.h"

namespace gogooku3::market::jquants {

Pacer::Pacer(PacerOptions options) : options_(options) {
  if (!(options_.requests_per_minute > 0)) {
    throw invalid_input("J-Quants requests per minute must be positive, got {}",
                        options_.requests_per_minute);
  }
}

Pacer::Clock::duration Pacer::interval(double endpoint_requests_per_minute) const {
  double rate = options_.requests_per_minute;
  if (endpoint_requests_per_minute > 0) rate = std::min(rate, endpoint_requests_per_minute);
  const std::chrono::duration<double> seconds(60.0 / rate * slowdown_);
  return std::chrono::duration_cast<Clock::duration>(seconds);
}

size_t Pacer::window_capacity(Clock::duration interval) const {
  const auto capacity = std::chrono::minutes(1) / interval;
  return static_cast<size_t>(std::max<decltype(capacity)>(capacity, 1));
}

Pacer::Clock::duration Pacer::window(Clock::duration interval) {
  return std::chrono::minutes(1) + std::min<Clock::duration>(interval, std::chrono::seconds(1));
}

Pacer::Clock::time_point Pacer::next_start(double endpoint_requests_per_minute) const {
  if (!last_start_.has_value()) return hold_until_;
  const Clock::duration step = interval(endpoint_requests_per_minute);
  Clock::time_point next = std::max({last_slot_ + step, *last_start_ + step / 2, hold_until_});
  const size_t capacity = window_capacity(step);
  if (recent_starts_.size() >= capacity) {
    // The start that must leave the window before another may enter it.
    next = std::max(next, recent_starts_[recent_starts_.size() - capacity] + window(step));
  }
  return next;
}

void Pacer::started(Clock::time_point now, double endpoint_requests_per_minute) {
  const Clock::duration step = interval(endpoint_requests_per_minute);
  const Clock::time_point slot = last_slot_ + step;
  const bool keeps_slot = last_start_.has_value() && now >= slot && now - slot < step / 2;
  last_slot_ = keeps_slot ? slot : now;
  last_start_ = now;
  recent_starts_.push_back(now);
  while (!recent_starts_.empty() && recent_starts_.front() <= now - window(step)) {
    recent_starts_.pop_front();
  }
}

Pacer::Clock::time_point Pacer::rate_limited(Clock::time_point now,
                                             Clock::time_point request_started,
                                             Clock::duration wait) {
  const bool same_episode = last_rate_limit_.has_value() && request_started < *last_rate_limit_;
  if (!same_episode) {
    slowdown_ = std::min(slowdown_ * options_.slowdown_per_rate_limit, options_.max_slowdown);
    ++rate_limits_in_a_row_;
    last_rate_limit_ = now;
    if (rate_limits_in_a_row_ >= options_.rate_limits_before_cooldown) {
      wait = std::max<Clock::duration>(wait, options_.cooldown);
    }
  }
  hold_until_ = std::max(hold_until_, now + std::max<Clock::duration>(wait, Clock::duration(0)));
  return hold_until_;
}

void Pacer::succeeded(Clock::time_point request_started) {
  if (last_rate_limit_.has_value() && request_started < *last_rate_limit_) return;
  rate_limits_in_a_row_ = 0;
}

}  // namespace gogooku3::market::jquants
