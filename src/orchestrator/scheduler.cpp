#include "orchestrator/scheduler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include "core/error.h"

namespace gogooku3::orchestrator {
namespace {

constexpr double kMsPerMinute = 60'000.0;

std::string minute_text(int minute_of_day) {
  return fmt::format("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
}

// "2026-11-27 15:42" in Japan, for log lines people read.
std::string jst_text(TimestampMs at_ms) {
  const Date date = jst_date(at_ms);
  const auto minute = static_cast<int>((at_ms - jst_instant_ms(date, 0)) / 60'000);
  return date.to_string() + " " + minute_text(minute);
}

// "15 min", "30 s", "250 ms": whichever unit says it exactly.
std::string duration_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 60'000 == 0) return fmt::format("{} min", ms / 60'000);
  if (ms % 1'000 == 0) return fmt::format("{} s", ms / 1'000);
  return fmt::format("{} ms", ms);
}

}  // namespace

struct Scheduler::Stop {
  const CancelToken& cancel;
  std::optional<TimestampMs> until_ms;

  bool reached(TimestampMs now_ms) const {
    return cancel.canceled() || (until_ms && now_ms >= *until_ms);
  }
};

struct Scheduler::Publication {
  bool observed = false;  // a poll saw the data missing before one saw it published
  TimestampMs published_at_ms = 0;
};

Scheduler::Scheduler(const TradingCalendar& calendar, Clock& clock, SchedulerHooks hooks,
                     SchedulerOptions options)
    : calendar_(calendar), clock_(clock), hooks_(std::move(hooks)), options_(options) {
  if (!hooks_.is_done || !hooks_.is_published || !hooks_.run_day) {
    throw invalid_input("scheduler: the is_done, is_published and run_day hooks are required");
  }
  if (options_.max_attempts_per_day < 1) {
    throw invalid_input("scheduler: max_attempts_per_day must be at least 1, got {}",
                        options_.max_attempts_per_day);
  }
  if (options_.poll_interval.count() <= 0) {
    throw invalid_input("scheduler: poll_interval must be positive, got {} ms",
                        options_.poll_interval.count());
  }
  if (options_.retry_failed_after.count() < 0) {
    throw invalid_input("scheduler: retry_failed_after must not be negative, got {} ms",
                        options_.retry_failed_after.count());
  }
}

TimestampMs Scheduler::due_at_ms(Date date) const {
  return jst_instant_ms(date, calendar_.close_minute(date));
}

SchedulerSummary Scheduler::run(const CancelToken& cancel, std::optional<TimestampMs> until_ms) {
  const Stop stop{cancel, until_ms};
  SchedulerSummary summary;
  // Every business day before `day` is done or finished by this run; days are taken in order.
  Date day = calendar_.is_business_day(options_.catch_up_from)
                 ? options_.catch_up_from
                 : calendar_.next_business_day(options_.catch_up_from);
  spdlog::info("scheduler: responsible for business days from {}", day.to_string());
  while (!stop.reached(clock_.now_ms())) {
    if (clock_.now_ms() < due_at_ms(day)) {
      spdlog::info("scheduler: nothing due; sleeping until {} closes at {} JST", day.to_string(),
                   minute_text(calendar_.close_minute(day)));
      if (!sleep_until(due_at_ms(day), stop)) break;
      continue;
    }
    if (hooks_.is_done(day)) {
      spdlog::debug("scheduler: {} is already done", day.to_string());
    } else {
      std::optional<DayOutcome> outcome = run_one_day(day, stop);
      if (!outcome) break;
      summary.days.push_back(*outcome);
    }
    day = calendar_.next_business_day(day);
  }
  spdlog::info("scheduler: stopped at {} JST after finishing {} day(s)", jst_text(clock_.now_ms()),
               summary.days.size());
  return summary;
}

std::optional<DayOutcome> Scheduler::run_one_day(Date date, const Stop& stop) {
  const std::optional<Publication> publication = wait_for_publication(date, stop);
  if (!publication) return std::nullopt;
  DayOutcome outcome{.date = date};
  const int max_attempts = options_.max_attempts_per_day;
  for (;;) {
    ++outcome.attempts;
    spdlog::info("running daily job for {} (attempt {}/{})", date.to_string(), outcome.attempts,
                 max_attempts);
    try {
      outcome.succeeded = hooks_.run_day(date);
    } catch (const std::exception& error) {
      spdlog::error("daily job for {} threw: {}", date.to_string(), error.what());
    }
    const TimestampMs finished_at_ms = clock_.now_ms();
    if (outcome.succeeded) {
      if (publication->observed) {
        outcome.freshness_minutes =
            static_cast<double>(finished_at_ms - publication->published_at_ms) / kMsPerMinute;
        if (hooks_.on_fresh) hooks_.on_fresh(date, publication->published_at_ms, finished_at_ms);
        spdlog::info("daily job for {} succeeded; {:.1f} min after publication", date.to_string(),
                     *outcome.freshness_minutes);
      } else {
        spdlog::info("daily job for {} succeeded", date.to_string());
      }
      return outcome;
    }
    if (outcome.attempts >= max_attempts) {
      spdlog::error("daily job for {} failed {} times; giving up on it and moving on",
                    date.to_string(), outcome.attempts);
      return outcome;
    }
    spdlog::warn("daily job for {} failed (attempt {}/{}); retrying in {}", date.to_string(),
                 outcome.attempts, max_attempts, duration_text(options_.retry_failed_after));
    if (!sleep_until(finished_at_ms + options_.retry_failed_after.count(), stop)) {
      return std::nullopt;
    }
  }
}

std::optional<Scheduler::Publication> Scheduler::wait_for_publication(Date date, const Stop& stop) {
  Publication publication;
  for (;;) {
    const TimestampMs polled_at_ms = clock_.now_ms();
    std::optional<bool> published;  // nullopt: the poll failed and says nothing either way
    try {
      published = hooks_.is_published(date);
    } catch (const std::exception& error) {
      // A source that is down for a while must not end the scheduler; the next poll asks again.
      spdlog::warn("checking whether {} is published failed: {}", date.to_string(), error.what());
    }
    if (published == true) {
      publication.published_at_ms = polled_at_ms;
      if (publication.observed) {
        spdlog::info("{} data published (seen at {} JST)", date.to_string(),
                     jst_text(polled_at_ms));
      }
      return publication;
    }
    if (published == false && !publication.observed) {
      spdlog::info("waiting for {} bars (close {} JST), polling every {}", date.to_string(),
                   minute_text(calendar_.close_minute(date)),
                   duration_text(options_.poll_interval));
      publication.observed = true;
    }
    if (!sleep_until(polled_at_ms + options_.poll_interval.count(), stop)) return std::nullopt;
  }
}

bool Scheduler::sleep_until(TimestampMs at_ms, const Stop& stop) {
  const TimestampMs target_ms = stop.until_ms ? std::min(at_ms, *stop.until_ms) : at_ms;
  if (!clock_.sleep_until(target_ms, stop.cancel)) return false;
  return !stop.reached(clock_.now_ms());
}

}  // namespace gogooku3::orchestrator
