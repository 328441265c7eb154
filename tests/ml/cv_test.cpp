// Tests for src/ml/cv: purged walk-forward and purged group k-fold.
//
// The property tests sweep option combinations and day counts and check, for every fold, the
// leakage guarantees directly against the definitions (no training day's label window
// [i+1, i+horizon] touches a test day; embargo spans hold) and the layout promises (disjoint,
// consecutive, time-ordered, evenly sized test blocks). The hand-checked examples pin exact
// indices so that an off-by-one in the purge or the embargo shows up as a named day.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "ml/cv/fold.h"
#include "ml/cv/purged_group_kfold.h"
#include "ml/cv/purged_walk_forward.h"

namespace gogooku3::ml::cv {
namespace {

// `count` weekdays from Friday 2019-01-04 (holidays don't matter to index arithmetic).
std::vector<Date> business_days(int count) {
  std::vector<Date> days;
  for (Date day = Date::from_ymd(2019, 1, 4); static_cast<int>(days.size()) < count; ++day) {
    if (!day.is_weekend()) days.push_back(day);
  }
  return days;
}

std::vector<int> range(int begin, int end) {
  std::vector<int> indices;
  for (int i = begin; i < end; ++i) indices.push_back(i);
  return indices;
}

std::string error_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "expected InvalidInput, nothing was thrown";
  return "";
}

bool label_window_touches(int day, int horizon, const std::set<int>& test) {
  const auto first = test.lower_bound(day + 1);
  return first != test.end() && *first <= day + horizon;
}

// Checks shared by both splitters: test blocks partition [first_test, day_count) into
// consecutive, time-ordered blocks of near-equal size; train and test are disjoint and sorted;
// and no training day's label window reaches a test day of its fold.
void expect_common_properties(const std::vector<Fold>& folds, int first_test, int day_count,
                              int horizon) {
  int expected_begin = first_test;
  size_t smallest = SIZE_MAX;
  size_t largest = 0;
  for (size_t k = 0; k < folds.size(); ++k) {
    const Fold& fold = folds[k];
    ASSERT_EQ(fold.index, static_cast<int>(k));
    ASSERT_FALSE(fold.test_days.empty());
    ASSERT_FALSE(fold.train_days.empty());
    ASSERT_EQ(fold.test_days,
              range(expected_begin, expected_begin + static_cast<int>(fold.test_days.size())));
    expected_begin = fold.test_days.back() + 1;
    smallest = std::min(smallest, fold.test_days.size());
    largest = std::max(largest, fold.test_days.size());
    if (k > 0) {
      ASSERT_GE(fold.test_days.size(), folds[k - 1].test_days.size());
    }
    ASSERT_TRUE(std::is_sorted(fold.train_days.begin(), fold.train_days.end()));
    ASSERT_EQ(std::adjacent_find(fold.train_days.begin(), fold.train_days.end()),
              fold.train_days.end());
    const std::set<int> test(fold.test_days.begin(), fold.test_days.end());
    for (int day : fold.train_days) {
      ASSERT_GE(day, 0);
      ASSERT_LT(day, day_count);
      ASSERT_EQ(test.count(day), 0U) << "fold " << k << " trains and tests on day " << day;
      ASSERT_FALSE(label_window_touches(day, horizon, test))
          << "fold " << k << ": label window of training day " << day << " reaches the test block "
          << fold.test_days.front() << ".." << fold.test_days.back();
    }
  }
  ASSERT_EQ(expected_begin, day_count);
  ASSERT_LE(largest - smallest, 1U);
}

TEST(PurgedWalkForwardTest, HandCheckedSmallExample) {
  const std::vector<Date> days = business_days(30);
  const std::vector<Fold> folds = purged_walk_forward(
      days, {.folds = 2, .min_train_days = 10, .min_test_days = 5, .horizon = 2, .embargo = 2});
  ASSERT_EQ(folds.size(), 2U);
  // Gap max(2, 2) = 2 days, so testing starts at 12; 18 days left make two blocks of 9.
  EXPECT_EQ(folds[0].train_days, range(0, 10));
  EXPECT_EQ(folds[0].purged_days, 2);  // days 10 and 11: labels reach day 12
  EXPECT_EQ(folds[0].embargoed_days, 0);
  EXPECT_EQ(folds[0].test_days, range(12, 21));
  EXPECT_EQ(folds[1].train_days, range(0, 19));  // fold 0's test days 12..18 included
  EXPECT_EQ(folds[1].purged_days, 2);            // days 19 and 20
  EXPECT_EQ(folds[1].embargoed_days, 0);
  EXPECT_EQ(folds[1].test_days, range(21, 30));
}

TEST(PurgedWalkForwardTest, HandCheckedEmbargoLongerThanHorizon) {
  const std::vector<Date> days = business_days(30);
  const std::vector<Fold> folds = purged_walk_forward(
      days, {.folds = 2, .min_train_days = 10, .min_test_days = 5, .horizon = 2, .embargo = 3});
  ASSERT_EQ(folds.size(), 2U);
  // Gap 3 days, testing starts at 13; 17 days left: blocks of 8 and 9 (the later one larger).
  EXPECT_EQ(folds[0].train_days, range(0, 10));
  EXPECT_EQ(folds[0].purged_days, 2);     // days 11, 12
  EXPECT_EQ(folds[0].embargoed_days, 1);  // day 10
  EXPECT_EQ(folds[0].test_days, range(13, 21));
  EXPECT_EQ(folds[1].train_days, range(0, 18));
  EXPECT_EQ(folds[1].purged_days, 2);     // days 19, 20
  EXPECT_EQ(folds[1].embargoed_days, 1);  // day 18
  EXPECT_EQ(folds[1].test_days, range(21, 30));
}

// Would fail if the purge were removed: with no embargo, only the purge keeps the last
// `horizon` days before each test block out of training.
TEST(PurgedWalkForwardTest, PurgeDropsDaysWhoseLabelsReachTheTestBlock) {
  const std::vector<Date> days = business_days(100);
  const std::vector<Fold> folds = purged_walk_forward(
      days, {.folds = 3, .min_train_days = 40, .min_test_days = 10, .horizon = 5, .embargo = 0});
  for (const Fold& fold : folds) {
    const int test_begin = fold.test_days.front();
    EXPECT_EQ(fold.train_days, range(0, test_begin - 5));
    EXPECT_EQ(fold.purged_days, 5);
    EXPECT_EQ(fold.embargoed_days, 0);
  }
  EXPECT_EQ(folds[0].test_days.front(), 45);
}

TEST(PurgedWalkForwardTest, DefaultsOnFiveYearsOfDays) {
  const std::vector<Date> days = business_days(1225);
  const std::vector<Fold> folds = purged_walk_forward(days, {});
  ASSERT_EQ(folds.size(), 5U);
  EXPECT_EQ(folds[0].train_days.size(), 252U);
  EXPECT_EQ(folds[0].test_days.front(), 272);  // 252 training + 20-day gap
  for (const Fold& fold : folds) {
    EXPECT_GE(fold.test_days.size(), 63U);
    EXPECT_EQ(fold.purged_days, 20);
    EXPECT_EQ(fold.embargoed_days, 0);
  }
  expect_common_properties(folds, 272, 1225, 20);
}

TEST(PurgedWalkForwardTest, PropertiesHoldOverOptionsAndDayCounts) {
  int checked = 0;
  for (int folds : {1, 2, 3, 5, 7}) {
    for (int min_train : {1, 4, 17}) {
      for (int min_test : {1, 3, 8}) {
        for (int horizon : {1, 2, 5, 20}) {
          for (int embargo : {0, 1, 3, 20, 27}) {
            const WalkForwardOptions options{.folds = folds,
                                             .min_train_days = min_train,
                                             .min_test_days = min_test,
                                             .horizon = horizon,
                                             .embargo = embargo};
            const int gap = std::max(horizon, embargo);
            const int needed = min_train + gap + folds * min_test;
            for (int day_count : {needed - 1, needed, needed + 1, needed + folds - 1,
                                  needed + 2 * folds + 3, needed + 97}) {
              const std::vector<Date> days = business_days(std::max(day_count, 0));
              if (day_count < needed) {
                EXPECT_THROW(purged_walk_forward(days, options), Error);
                continue;
              }
              SCOPED_TRACE(testing::Message() << "folds " << folds << " min_train " << min_train
                                              << " min_test " << min_test << " horizon " << horizon
                                              << " embargo " << embargo << " days " << day_count);
              const std::vector<Fold> result = purged_walk_forward(days, options);
              ASSERT_EQ(result.size(), static_cast<size_t>(folds));
              expect_common_properties(result, min_train + gap, day_count, horizon);
              for (const Fold& fold : result) {
                const int test_begin = fold.test_days.front();
                ASSERT_GE(fold.test_days.size(), static_cast<size_t>(min_test));
                ASSERT_GE(fold.train_days.size(), static_cast<size_t>(min_train));
                // Expanding window: every day before the gap, nothing after the test block.
                ASSERT_EQ(fold.train_days, range(0, test_begin - gap));
                ASSERT_LT(fold.train_days.back(), test_begin);
                // Embargo: no training day within `embargo` days before the block.
                ASSERT_LT(fold.train_days.back() + embargo, test_begin);
                ASSERT_EQ(fold.purged_days, horizon);
                ASSERT_EQ(fold.embargoed_days, gap - horizon);
                ASSERT_EQ(static_cast<int>(fold.train_days.size()) + fold.purged_days +
                              fold.embargoed_days,
                          test_begin);
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 5 * 3 * 3 * 4 * 5 * 5);  // every combination, five workable day counts
}

TEST(PurgedWalkForwardTest, TooFewDaysSaysHowManyAreNeeded) {
  // Defaults: 252 training + 20-day gap + 5 folds x 63 test days = 587.
  const std::vector<Date> days = business_days(580);
  const std::string message = error_message([&] { purged_walk_forward(days, {}); });
  EXPECT_NE(message.find("needs at least 587 days"), std::string::npos) << message;
  EXPECT_NE(message.find("got 580 days"), std::string::npos) << message;
  EXPECT_NE(message.find("2019-01-04"), std::string::npos) << message;
  EXPECT_NO_THROW(purged_walk_forward(business_days(587), {}));
  EXPECT_THROW(purged_walk_forward(business_days(586), {}), Error);
  EXPECT_NE(error_message([] { purged_walk_forward({}, {}); }).find("got 0 days"),
            std::string::npos);
}

TEST(PurgedWalkForwardTest, RejectsUnsortedAndDuplicateDays) {
  std::vector<Date> days = business_days(700);
  std::swap(days[300], days[301]);
  std::string message = error_message([&] { purged_walk_forward(days, {}); });
  EXPECT_NE(message.find(days[301].to_string()), std::string::npos) << message;
  EXPECT_NE(message.find("ascending"), std::string::npos) << message;

  days = business_days(700);
  days[401] = days[400];
  message = error_message([&] { purged_walk_forward(days, {}); });
  EXPECT_NE(message.find(days[400].to_string()), std::string::npos) << message;
  EXPECT_NE(message.find("unique"), std::string::npos) << message;
}

TEST(PurgedWalkForwardTest, RejectsOptionsOutOfRange) {
  const std::vector<Date> days = business_days(700);
  EXPECT_NE(error_message([&] { purged_walk_forward(days, {.folds = 0}); }).find("folds"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              purged_walk_forward(days, {.min_train_days = 0});
            }).find("min_train_days"),
            std::string::npos);
  EXPECT_NE(
      error_message([&] { purged_walk_forward(days, {.min_test_days = 0}); }).find("min_test_days"),
      std::string::npos);
  EXPECT_NE(error_message([&] { purged_walk_forward(days, {.horizon = 0}); }).find("horizon"),
            std::string::npos);
  EXPECT_NE(error_message([&] { purged_walk_forward(days, {.embargo = -1}); }).find("embargo"),
            std::string::npos);
  // Huge options must fail cleanly, not overflow.
  EXPECT_THROW(purged_walk_forward(days, {.folds = 2'000'000'000, .min_test_days = 2'000'000'000}),
               Error);
  EXPECT_THROW(purged_walk_forward(days, {.horizon = 2'000'000'000, .embargo = 2'000'000'000}),
               Error);
}

TEST(PurgedWalkForwardTest, DescribeFoldNamesDatesAndCounts) {
  const std::vector<Date> days = business_days(30);
  const std::vector<Fold> folds = purged_walk_forward(
      days, {.folds = 2, .min_train_days = 10, .min_test_days = 5, .horizon = 2, .embargo = 3});
  // Index 0 is Friday 2019-01-04; 10 is 2019-01-18; 13 is 2019-01-23; 20 is 2019-02-01.
  EXPECT_EQ(describe_fold(folds[0], days),
            "fold 0: train 2019-01-04..2019-01-17 (10 days, 2 purged, 1 embargoed), "
            "test 2019-01-23..2019-02-01 (8 days)");
  const std::vector<Date> fewer = business_days(20);
  EXPECT_THROW(describe_fold(folds[1], fewer), Error);
}

TEST(PurgedGroupKFoldTest, HandCheckedSmallExample) {
  const std::vector<Date> days = business_days(20);
  const std::vector<Fold> folds =
      purged_group_kfold(days, {.folds = 4, .horizon = 2, .embargo = 2});
  ASSERT_EQ(folds.size(), 4U);
  EXPECT_EQ(folds[0].test_days, range(0, 5));
  EXPECT_EQ(folds[0].train_days, range(7, 20));  // 5, 6 embargoed
  EXPECT_EQ(folds[0].purged_days, 0);
  EXPECT_EQ(folds[0].embargoed_days, 2);
  EXPECT_EQ(folds[1].test_days, range(5, 10));
  EXPECT_EQ(folds[1].train_days, (std::vector<int>{0, 1, 2, 12, 13, 14, 15, 16, 17, 18, 19}));
  EXPECT_EQ(folds[1].purged_days, 2);     // 3, 4
  EXPECT_EQ(folds[1].embargoed_days, 2);  // 10, 11
  EXPECT_EQ(folds[2].test_days, range(10, 15));
  EXPECT_EQ(folds[2].train_days, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 17, 18, 19}));
  EXPECT_EQ(folds[3].test_days, range(15, 20));
  EXPECT_EQ(folds[3].train_days, range(0, 13));  // 13, 14 purged
  EXPECT_EQ(folds[3].purged_days, 2);
  EXPECT_EQ(folds[3].embargoed_days, 0);
}

TEST(PurgedGroupKFoldTest, UnevenDaysGoToTheLaterBlocks) {
  const std::vector<Fold> folds =
      purged_group_kfold(business_days(22), {.folds = 4, .horizon = 1, .embargo = 1});
  std::vector<size_t> sizes;
  for (const Fold& fold : folds) sizes.push_back(fold.test_days.size());
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5, 6, 6}));
}

// Would fail if the purge were removed: the days just before each block (but not after it)
// are missing from training exactly when their label windows reach the block.
TEST(PurgedGroupKFoldTest, PurgeDropsDaysWhoseLabelsReachTheTestBlock) {
  const std::vector<Date> days = business_days(60);
  const std::vector<Fold> folds =
      purged_group_kfold(days, {.folds = 3, .horizon = 4, .embargo = 4});
  for (const Fold& fold : folds) {
    const std::set<int> train(fold.train_days.begin(), fold.train_days.end());
    const int test_begin = fold.test_days.front();
    for (int day = std::max(0, test_begin - 4); day < test_begin; ++day) {
      EXPECT_EQ(train.count(day), 0U) << "fold " << fold.index << " trains on " << day;
    }
    if (test_begin >= 5) {
      EXPECT_EQ(train.count(test_begin - 5), 1U);
    }
    EXPECT_EQ(fold.purged_days, std::min(4, test_begin));
  }
}

TEST(PurgedGroupKFoldTest, PropertiesHoldOverOptionsAndDayCounts) {
  int checked = 0;
  for (int folds : {2, 3, 4, 5, 7, 10}) {
    for (int horizon : {1, 2, 5, 20}) {
      for (int embargo : {horizon, horizon + 1, horizon + 13}) {
        const GroupKFoldOptions options{.folds = folds, .horizon = horizon, .embargo = embargo};
        bool workable_seen = false;
        for (int day_count = 0; day_count <= 4 * (horizon + embargo) + 3 * folds + 40;
             ++day_count) {
          const std::vector<Date> days = business_days(day_count);
          SCOPED_TRACE(testing::Message() << "folds " << folds << " horizon " << horizon
                                          << " embargo " << embargo << " days " << day_count);
          std::vector<Fold> result;
          try {
            result = purged_group_kfold(days, options);
          } catch (const Error& error) {
            ASSERT_FALSE(workable_seen) << "fewer days worked, more fail: " << error.what();
            const std::string text = error.what();
            ASSERT_NE(text.find("needs at least"), std::string::npos) << text;
            continue;
          }
          if (!workable_seen) {
            // The first workable count is the one the error for one day fewer named.
            if (day_count >= folds) {
              const std::string text =
                  error_message([&] { purged_group_kfold(business_days(day_count - 1), options); });
              ASSERT_NE(text.find("needs at least " + std::to_string(day_count) + " days"),
                        std::string::npos)
                  << text;
            }
            workable_seen = true;
          }
          ASSERT_EQ(result.size(), static_cast<size_t>(folds));
          expect_common_properties(result, 0, day_count, horizon);
          for (const Fold& fold : result) {
            const int test_begin = fold.test_days.front();
            const int test_last = fold.test_days.back();
            int expected_train = 0;
            for (int day : fold.train_days) {
              // Embargo: nothing within `embargo` days after the block.
              ASSERT_FALSE(day > test_last && day <= test_last + embargo) << day;
              // AFML's full purge: no shared label day with any test day's label window.
              ASSERT_FALSE(day < test_begin && day + horizon >= test_begin + 1) << day;
              ASSERT_FALSE(day > test_last && day + 1 <= test_last + horizon) << day;
            }
            // Maximal: every day outside test, purge and embargo spans is trained on.
            for (int day = 0; day < day_count; ++day) {
              const bool dropped = (day >= test_begin - horizon && day <= test_last + embargo);
              if (!dropped) ++expected_train;
            }
            ASSERT_EQ(static_cast<int>(fold.train_days.size()), expected_train);
            ASSERT_EQ(fold.purged_days, std::min(horizon, test_begin));
            ASSERT_EQ(fold.embargoed_days, std::min(embargo, day_count - 1 - test_last));
            ASSERT_EQ(static_cast<int>(fold.train_days.size() + fold.test_days.size()) +
                          fold.purged_days + fold.embargoed_days,
                      day_count);
          }
          ++checked;
        }
        ASSERT_TRUE(workable_seen);
      }
    }
  }
  EXPECT_GT(checked, 3000);
}

TEST(PurgedGroupKFoldTest, TooFewDaysSaysHowManyAreNeeded) {
  // 5 folds, horizon 20, embargo 20: a middle fold loses its block, 20 purged and 20 embargoed.
  const std::string message = error_message([] { purged_group_kfold(business_days(40), {}); });
  EXPECT_NE(message.find("got 40 days"), std::string::npos) << message;
  EXPECT_NE(message.find("needs at least 51 days"), std::string::npos) << message;
  EXPECT_NO_THROW(purged_group_kfold(business_days(51), {}));
  EXPECT_NE(
      error_message([] { purged_group_kfold(business_days(3), {}); }).find("needs at least 5 days"),
      std::string::npos);
}

TEST(PurgedGroupKFoldTest, RejectsBadOptionsAndDays) {
  const std::vector<Date> days = business_days(200);
  EXPECT_NE(error_message([&] { purged_group_kfold(days, {.folds = 1}); }).find("folds"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              purged_group_kfold(days, {.horizon = 0, .embargo = 0});
            }).find("horizon"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              purged_group_kfold(days, {.horizon = 20, .embargo = 19});
            }).find("embargo (19) must be at least the horizon (20)"),
            std::string::npos);
  EXPECT_THROW(purged_group_kfold(days, {.folds = 2'000'000'000}), Error);
  EXPECT_THROW(purged_group_kfold(days, {.horizon = 2'000'000'000, .embargo = 2'000'000'000}),
               Error);
  std::vector<Date> unsorted = days;
  std::swap(unsorted[10], unsorted[11]);
  EXPECT_NE(error_message([&] { purged_group_kfold(unsorted, {}); }).find(unsorted[11].to_string()),
            std::string::npos);
}

}  // namespace
}  // namespace gogooku3::ml::cv
