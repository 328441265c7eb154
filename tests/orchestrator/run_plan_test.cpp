#include "orchestrator/run_plan.h"

#include <gtest/gtest.h>

#include "orchestrator_fixture.h"

namespace gogooku3::orchestrator {
namespace {

class RunPlanTest : public testing::OrchestratorTest {
 protected:
  AssetDef asset(const std::string& name, int chunk, std::vector<Dependency> deps = {}) {
    return {.name = name,
            .partitions = PartitionsDef::business_days(calendar_),
            .deps = std::move(deps),
            .max_chunk = chunk,
            .compute = [](StepContext&) {}};
  }
};

TEST_F(RunPlanTest, ChunksEachAssetAndOrdersByDayThenDependency) {
  Definitions defs;
  defs.add(asset("features", 3, {Dependency::same_day("raw")}));
  defs.add(asset("raw", 2));
  defs.validate();
  // Five business days: 2026-11-16..20.
  const RunPlan plan = plan_partitions(defs, {"features", "raw"}, Date::from_ymd(2026, 11, 16),
                                       Date::from_ymd(2026, 11, 20));
  std::vector<std::string> labels;
  for (const Step& step : plan.steps) labels.push_back(step.label());
  EXPECT_EQ(labels, (std::vector<std::string>{
                        "raw 2026-11-16..2026-11-17", "features 2026-11-16..2026-11-18",
                        "raw 2026-11-18..2026-11-19", "features 2026-11-19..2026-11-20",
                        "raw 2026-11-20"}));
  EXPECT_EQ(plan.partition_count(), 10u);
  EXPECT_EQ(RunPlan::from_json(plan.to_json()).steps, plan.steps);
  PlanOptions one_day;
  one_day.chunk_days = 1;
  EXPECT_EQ(plan_partitions(defs, {"raw"}, Date::from_ymd(2026, 11, 16),
                            Date::from_ymd(2026, 11, 20), one_day)
                .steps.size(),
            5u);
}

TEST_F(RunPlanTest, SkipsMaterializedPartitionsToResume) {
  Definitions defs;
  defs.add(asset("raw", 5));
  const storage::RunRecord run = store_->create_run({.job = "backfill"});
  for (const std::string day : {"2026-11-17", "2026-11-18"}) {
    store_->upsert_partition_status({.asset = "raw",
                                     .partition_key = day,
                                     .state = storage::PartitionState::kMaterialized,
                                     .run_id = run.run_id});
  }
  // A partition with failed tickers is redone.
  store_->upsert_partition_status({.asset = "raw",
                                   .partition_key = "2026-11-20",
                                   .state = storage::PartitionState::kMaterialized,
                                   .run_id = run.run_id,
                                   .failed_tickers = {"7203"}});
  PlanOptions resume;
  resume.skip_materialized = store_.get();
  const RunPlan plan = plan_partitions(defs, {"raw"}, Date::from_ymd(2026, 11, 16),
                                       Date::from_ymd(2026, 11, 20), resume);
  ASSERT_EQ(plan.steps.size(), 2u);  // a gap ends a chunk: each step is consecutive days
  EXPECT_EQ(plan.steps[0].label(), "raw 2026-11-16");
  EXPECT_EQ(plan.steps[1].label(), "raw 2026-11-19..2026-11-20");
}

TEST_F(RunPlanTest, RejectsMalformedPlansAndRanges) {
  EXPECT_THROW(RunPlan::from_json("{not json"), Error);
  EXPECT_THROW(RunPlan::from_json(R"([{"asset":"raw","partitions":[]}])"), Error);
  Definitions defs;
  defs.add(asset("raw", 1));
  EXPECT_THROW(
      plan_partitions(defs, {"raw"}, Date::from_ymd(2026, 11, 20), Date::from_ymd(2026, 11, 16)),
      Error);
  EXPECT_THROW(
      plan_partitions(defs, {"nope"}, Date::from_ymd(2026, 11, 16), Date::from_ymd(2026, 11, 16)),
      Error);
  EXPECT_THROW(plan_cells(defs, "raw", {"2026-11-23"}, {}), Error);  // a holiday
}

TEST(DefinitionsTest, RefusesWhatWouldOnlyFailLater) {
  const auto compute = [](StepContext&) {};
  {
    Definitions defs;
    defs.add({.name = "a", .compute = compute});
    EXPECT_THROW(defs.add({.name = "a", .compute = compute}), Error);
    EXPECT_THROW(defs.add({.name = "b"}), Error);  // no compute
  }
  {
    Definitions defs;
    defs.add({.name = "a", .deps = {Dependency::same_day("ghost")}, .compute = compute});
    EXPECT_THROW(defs.validate(), Error);
  }
  {
    Definitions defs;
    defs.add({.name = "a", .deps = {Dependency::same_day("b")}, .compute = compute});
    defs.add({.name = "b", .deps = {Dependency::same_day("a")}, .compute = compute});
    try {
      defs.validate();
      FAIL();
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("cycle"), std::string::npos);
    }
  }
  {
    Definitions defs;
    defs.add({.name = "a", .deps = {Dependency::same_day("a")}, .compute = compute});
    EXPECT_THROW(defs.validate(), Error);  // only `previous` may point at itself
  }
  {
    Definitions defs;
    defs.add({.name = "model", .max_chunk = 5, .compute = compute});
    EXPECT_THROW(defs.validate(), Error);  // chunks need dates
  }
}

TEST(RetryPolicyTest, RetriesOnlyTransientAndRateLimited) {
  const RetryPolicy policy = RetryPolicy::transient(2, std::chrono::milliseconds(100));
  EXPECT_TRUE(policy.should_retry(ErrorCategory::kTransient, 0));
  EXPECT_TRUE(policy.should_retry(ErrorCategory::kRateLimited, 1));
  EXPECT_FALSE(policy.should_retry(ErrorCategory::kTransient, 2));
  for (const ErrorCategory category :
       {ErrorCategory::kInvalidInput, ErrorCategory::kNotFound, ErrorCategory::kUnauthorized,
        ErrorCategory::kCorruption, ErrorCategory::kInternal}) {
    EXPECT_FALSE(policy.should_retry(category, 0)) << category_name(category);
  }
}

TEST(RetryPolicyTest, BacksOffExponentiallyWithBoundedSeededJitter) {
  RetryPolicy policy{.max_retries = 10,
                     .delay = std::chrono::milliseconds(1000),
                     .backoff = 2.0,
                     .max_delay = std::chrono::milliseconds(5000),
                     .jitter = 0.25};
  for (int retry = 1; retry <= 6; ++retry) {
    const double base = std::min(1000.0 * (1 << (retry - 1)), 5000.0);
    const auto delay = policy.delay_before(retry, 7);
    EXPECT_GE(delay.count(), base * 0.75) << retry;
    EXPECT_LE(delay.count(), base * 1.25) << retry;
    EXPECT_EQ(delay, policy.delay_before(retry, 7)) << "the same seed, the same delay";
  }
  EXPECT_NE(policy.delay_before(1, 7), policy.delay_before(1, 8));
  policy.jitter = 0;
  EXPECT_EQ(policy.delay_before(3, 1).count(), 4000);
}

}  // namespace
}  // namespace gogooku3::orchestrator
