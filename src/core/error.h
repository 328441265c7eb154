// The one error type of gogooku3.
//
// Every failure that crosses a module boundary is a gogooku3::Error: a category that tells a
// caller what it may do about it, and a message written for a person that names the thing
// (file, field, date, ticker, asset, partition) and says what to do next.
//
// The category is the contract with the orchestrator: Transient and RateLimited errors are
// retried with backoff, every other category fails the step at once. The CLI maps categories
// to exit codes (InvalidInput from a command line is a usage error, the rest runtime errors).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace gogooku3 {

enum class ErrorCategory {
  kInvalidInput,  // the caller gave something wrong: bad config key, malformed date, bad row
  kNotFound,      // a file, partition, asset or key that does not exist
  kUnauthorized,  // credentials missing, wrong or not covering the request
  kRateLimited,   // the peer asked us to slow down; retry later, slower
  kTransient,     // a failure that may go away by itself: timeouts, 5xx, a locked database
  kCorruption,    // stored data is damaged: bad magic, lying lengths, broken checksums
  kInternal,      // a bug in gogooku3: an invariant did not hold
};

// "InvalidInput", "NotFound", ... as written in logs and the event log.
std::string_view category_name(ErrorCategory category);

// Whether the orchestrator may retry a step that failed with this category.
bool is_retryable(ErrorCategory category);

class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, const std::string& message)
      : std::runtime_error(message), category_(category) {}

  ErrorCategory category() const { return category_; }

 private:
  ErrorCategory category_;
};

// Builders that read like the sentence they produce:
//   throw invalid_input("config {}: key '{}' must be a positive integer, got '{}'", ...);
template <typename... Args>
Error make_error(ErrorCategory category, fmt::format_string<Args...> format, Args&&... args) {
  return Error(category, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
Error invalid_input(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(ErrorCategory::kInvalidInput, format, std::forward<Args>(args)...);
}
template <typename... Args>
Error not_found(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(ErrorCategory::kNotFound, format, std::forward<Args>(args)...);
}
template <typename... Args>
Error transient(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(ErrorCategory::kTransient, format, std::forward<Args>(args)...);
}
template <typename... Args>
Error corruption(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(ErrorCategory::kCorruption, format, std::forward<Args>(args)...);
}
template <typename... Args>
Error internal_error(fmt::format_string<Args...> format, Args&&... args) {
  return make_error(ErrorCategory::kInternal, format, std::forward<Args>(args)...);
}

}  // namespace gogooku3
