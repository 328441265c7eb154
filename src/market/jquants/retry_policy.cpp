#include "market/jquants/retry_policy.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/date.h"

namespace gogooku3::market::jquants {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

bool read_number(std::string_view text, int& value) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate, the only form servers may send).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  int day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_number(text.substr(5, 2), day) || !read_number(text.substr(12, 4), year) ||
      !read_number(text.substr(17, 2), hour) || !read_number(text.substr(20, 2), minute) ||
      !read_number(text.substr(23, 2), second)) {
    return std::nullopt;
  }
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  if (month == kMonths.end() || hour > 23 || minute > 59 || second > 60 || year < 1 ||
      year > 9999 || day < 1 ||
      day > days_in_month(year, static_cast<int>(month - kMonths.begin()) + 1)) {
    return std::nullopt;
  }
  const Date date = Date::from_ymd(year, static_cast<int>(month - kMonths.begin()) + 1, day);
  return std::chrono::system_clock::time_point(
      std::chrono::days(date.days_since_epoch()) + std::chrono::hours(hour) +
      std::chrono::minutes(minute) + std::chrono::seconds(second));
}

}  // namespace

AnswerKind classify(long http_status) {
  if (http_status == 200 || http_status == 210) return AnswerKind::kPage;
  if (http_status == 429) return AnswerKind::kRateLimited;
  if (http_status == 408 || (http_status >= 500 && http_status <= 599)) return AnswerKind::kRetry;
  return AnswerKind::kFail;
}

RetryPolicy::RetryPolicy(std::chrono::milliseconds base_delay, std::chrono::milliseconds max_delay,
                         uint64_t seed)
    : base_delay_(std::max(base_delay, std::chrono::milliseconds(0))),
      max_delay_(std::max(max_delay, std::chrono::milliseconds(0))),
      random_(seed != 0 ? seed
                        : static_cast<uint64_t>(
                              std::chrono::steady_clock::now().time_since_epoch().count())) {}

std::chrono::milliseconds RetryPolicy::ceiling(int retry) const {
  // Doubling stops once it passes the maximum, so no retry count can overflow.
  std::chrono::milliseconds ceiling = base_delay_;
  for (int i = 0; i < retry && ceiling < max_delay_; ++i) ceiling *= 2;
  return std::min(ceiling, max_delay_);
}

std::chrono::milliseconds RetryPolicy::backoff(int retry) {
  std::uniform_int_distribution<int64_t> wait(0, ceiling(retry).count());
  return std::chrono::milliseconds(wait(random_));
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    // More than a day is not a rate limit any client should sit out; cap it there.
    constexpr int64_t kMaxSeconds = 86'400;
    int64_t seconds = kMaxSeconds;
    if (value.size() < 10) std::from_chars(value.data(), value.data() + value.size(), seconds);
    return std::chrono::seconds(std::min(seconds, kMaxSeconds));
  }
  const auto date = parse_http_date(value);
  if (!date.has_value()) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
}

}  // namespace gogooku3::market::jquants
