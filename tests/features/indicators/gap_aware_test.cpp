// GapCompressor: a series without halted days passes through without a copy; halted days are
// dropped for the kernel and come back as NaN, with the kernel's state carried across them;
// expand() may write over the compact values in place.
#include "features/indicators/gap_aware.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.h"

namespace gogooku3::features::indicators {
namespace {

using Values = std::vector<double>;
constexpr double kHalt = kNaN;

// A stateful stand-in for a kernel: the running sum of its input.
void running_sum(Series in, Output out) {
  double sum = 0;
  for (size_t i = 0; i < in.size(); ++i) out[i] = sum += in[i];
}

void expect_same(const Values& actual, const Values& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << "row " << i << " is " << actual[i];
    } else {
      EXPECT_EQ(actual[i], expected[i]) << "row " << i;
    }
  }
}

TEST(GapCompressorTest, NoGapsMeansNoCopy) {
  const Values close = {1, 2, 3, 4};
  const Values volume = {10, 0, 30, 40};
  const GapCompressor gaps({close, volume});
  EXPECT_FALSE(gaps.has_gaps());
  EXPECT_EQ(gaps.traded_days(), 4u);
  std::vector<double> storage;
  const Series compact = gaps.compress(close, storage);
  EXPECT_EQ(compact.data(), close.data());
  EXPECT_TRUE(storage.empty());

  Values scratch(4), out(4);
  running_sum(compact, scratch);
  gaps.expand(scratch, out);
  expect_same(out, {1, 3, 6, 10});
  gaps.expand(out, out);  // in place: nothing to move
  expect_same(out, {1, 3, 6, 10});
}

TEST(GapCompressorTest, HaltedRowsAreNaNAndStateCarriesAcrossThem) {
  // A row is halted when any input is not finite: the close on row 1, the volume on row 4,
  // infinity on row 5.
  const Values close = {1, kHalt, 2, 3, 4, 5, 6};
  const Values volume = {10, 10, 10, 10, kHalt, std::numeric_limits<double>::infinity(), 10};
  const GapCompressor gaps({close, volume});
  EXPECT_TRUE(gaps.has_gaps());
  EXPECT_EQ(gaps.traded_days(), 4u);
  std::vector<double> storage;
  const Series compact = gaps.compress(close, storage);
  expect_same(Values(compact.begin(), compact.end()), {1, 2, 3, 6});
  EXPECT_EQ(compact.data(), storage.data());

  Values scratch(gaps.traded_days()), out(close.size());
  running_sum(compact, scratch);
  gaps.expand(scratch, out);
  expect_same(out, {1, kHalt, 3, 6, kHalt, kHalt, 12});
}

TEST(GapCompressorTest, LeadingAndTrailingHaltsAndAllHalted) {
  const Values close = {kHalt, kHalt, 5, 7, kHalt};
  const GapCompressor gaps({close});
  std::vector<double> storage;
  Values scratch(gaps.traded_days()), out(close.size(), 99.0);
  running_sum(gaps.compress(close, storage), scratch);
  gaps.expand(scratch, out);
  expect_same(out, {kHalt, kHalt, 5, 12, kHalt});

  const Values halted = {kHalt, kHalt};
  const GapCompressor none({halted});
  EXPECT_EQ(none.traded_days(), 0u);
  Values all(2, 1.0);
  none.expand(Series(), all);
  expect_same(all, {kHalt, kHalt});

  const GapCompressor empty({Values{}});
  EXPECT_FALSE(empty.has_gaps());
  Values nothing;
  empty.expand(nothing, nothing);
}

TEST(GapCompressorTest, ExpandsInPlace) {
  const Values close = {1, kHalt, 2, kHalt, kHalt, 3, 4, kHalt};
  const GapCompressor gaps({close});
  std::vector<double> storage;
  const Series compact = gaps.compress(close, storage);
  // The kernel writes its compact result into the front of the output, which is then spread
  // out over the same buffer.
  Values out(close.size(), -1.0);
  running_sum(compact, Output(out).first(gaps.traded_days()));
  gaps.expand(Series(out).first(gaps.traded_days()), out);
  expect_same(out, {1, kHalt, 3, kHalt, kHalt, 6, 10, kHalt});
}

TEST(GapCompressorTest, MismatchedLengthsAreInvalidInput) {
  const Values four(4, 1.0), three(3, 1.0);
  EXPECT_THROW(GapCompressor({four, three}), Error);
  const GapCompressor gaps({four});
  std::vector<double> storage;
  EXPECT_THROW(gaps.compress(three, storage), Error);
  Values out(4), wrong(3);
  EXPECT_THROW(gaps.expand(three, out), Error);
  EXPECT_THROW(gaps.expand(four, wrong), Error);
  try {
    GapCompressor({four, three});
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
  }
}

}  // namespace
}  // namespace gogooku3::features::indicators
