#include "core/error.h"

#include <gtest/gtest.h>

namespace gogooku3 {
namespace {

TEST(ErrorTest, OnlyTransientAndRateLimitedAreRetried) {
  EXPECT_TRUE(is_retryable(ErrorCategory::kTransient));
  EXPECT_TRUE(is_retryable(ErrorCategory::kRateLimited));
  for (ErrorCategory category :
       {ErrorCategory::kInvalidInput, ErrorCategory::kNotFound, ErrorCategory::kUnauthorized,
        ErrorCategory::kCorruption, ErrorCategory::kInternal}) {
    EXPECT_FALSE(is_retryable(category)) << category_name(category);
  }
}

TEST(ErrorTest, BuildersFormatAndCategorise) {
  const Error e = invalid_input("bars {}: field '{}' must be a number", "2026-09-24", "C");
  EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
  EXPECT_STREQ(e.what(), "bars 2026-09-24: field 'C' must be a number");
  EXPECT_EQ(category_name(corruption("x").category()), "Corruption");
  EXPECT_EQ(category_name(not_found("x").category()), "NotFound");
  EXPECT_EQ(category_name(transient("x").category()), "Transient");
  EXPECT_EQ(category_name(internal_error("x").category()), "Internal");
  EXPECT_EQ(category_name(ErrorCategory::kUnauthorized), "Unauthorized");
  EXPECT_EQ(category_name(ErrorCategory::kRateLimited), "RateLimited");
}

}  // namespace
}  // namespace gogooku3
