#include "core/error.h"

namespace gogooku3 {

std::string_view category_name(ErrorCategory category) {
  switch (category) {
    case ErrorCategory::kInvalidInput:
      return "InvalidInput";
    case ErrorCategory::kNotFound:
      return "NotFound";
    case ErrorCategory::kUnauthorized:
      return "Unauthorized";
    case ErrorCategory::kRateLimited:
      return "RateLimited";
    case ErrorCategory::kTransient:
      return "Transient";
    case ErrorCategory::kCorruption:
      return "Corruption";
    case ErrorCategory::kInternal:
      return "Internal";
  }
  return "Internal";
}

bool is_retryable(ErrorCategory category) {
  return category == ErrorCategory::kTransient || category == ErrorCategory::kRateLimited;
}

}  // namespace gogooku3
