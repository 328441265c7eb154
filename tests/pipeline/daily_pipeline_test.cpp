// gogooku3's daily job end to end in a temporary home: the sample market, and the production
// J-Quants client against the fake server (faults included), through the executor.
#include <gtest/gtest.h>

#include "market/ingest/clean_prices.h"
#include "market/jquants/client.h"
#include "orchestrator/executor.h"
#include "orchestrator/run_plan.h"
#include "pipeline_fixture.h"

namespace gogooku3::pipeline {
namespace {

using namespace std::chrono_literals;
using orchestrator::RunReport;
using storage::PartitionState;

const Date kDay = Date::from_ymd(2026, 10, 30);  // a Friday, the 22nd business day

class DailyPipelineTest : public testing::PipelineTest {
 protected:
  RunReport run_daily(const orchestrator::Definitions& defs, Date day,
                      orchestrator::ExecutorOptions options) {
    options.job = std::string(kDailyJob);
    options.partition_key = day.to_string();
    const orchestrator::RunPlan plan =
        orchestrator::plan_partitions(defs, defs.job(kDailyJob).assets, day, day);
    return orchestrator::execute(defs, plan, *store_, options);
  }

  market::jquants::ClientOptions client_options(const fake_jquants::FakeJQuantsServer& server) {
    market::jquants::ClientOptions options;
    options.base_url = server.base_url();
    options.api_key = "test-key";
    options.requests_per_minute = 6000;
    options.retry_base_delay = 5ms;
    options.retry_max_delay = 20ms;
    options.max_attempts = 2;
    options.request_timeout = 5s;
    options.jitter_seed = 1;
    return options;
  }
};

TEST_F(DailyPipelineTest, DefinitionsAreValidAndTheDailyJobHasEveryDailyAsset) {
  use_sample_source(kDay);
  const orchestrator::Definitions defs = definitions(resources_);
  EXPECT_EQ(defs.job(kDailyJob).assets,
            (std::vector<std::string>{"raw_equities_master", "raw_bars_daily", "raw_topix",
                                      "raw_investor_types", "prices", "features"}));
  EXPECT_EQ(defs.all_in_dependency_order().back(), "features");
  EXPECT_EQ(defs.asset("features").freshness_minutes, 5);
}

TEST_F(DailyPipelineTest, BackfillThenDailyJobOnTheSampleMarket) {
  use_sample_source(kDay);
  const orchestrator::Definitions defs = definitions(resources_);
  const Date last_history = calendar_->previous_business_day(kDay);
  orchestrator::ExecutorOptions options = executor_options();
  options.job = "backfill";
  const RunReport backfill =
      orchestrator::execute(defs,
                            orchestrator::plan_partitions(defs, defs.job(kDailyJob).assets,
                                                          testing::kSampleStart, last_history),
                            *store_, options);
  ASSERT_TRUE(backfill.succeeded());
  const RunReport daily = run_daily(defs, kDay, executor_options());
  ASSERT_TRUE(daily.succeeded());

  for (const std::string& asset : defs.job(kDailyJob).assets) {
    const auto status = store_->get_partition_status(asset, kDay.to_string());
    ASSERT_TRUE(status) << asset;
    EXPECT_EQ(status->state, PartitionState::kMaterialized) << asset;
    EXPECT_EQ(status->run_id, daily.run.run_id) << asset;
  }
  const Table features = lake_.read_partition(resources_.manifest->dataset(), kDay);
  const Table prices = lake_.read_partition(market::kCleanPricesDataset, kDay);
  EXPECT_EQ(features.num_rows(), prices.num_rows());
  EXPECT_EQ(features.num_columns(), resources_.manifest->features().size() + 2);  // code, date
  const auto checks = store_->checks_for("features", kDay.to_string());
  ASSERT_FALSE(checks.empty());
  EXPECT_EQ(checks.back().check_name, "covers_prices");
  EXPECT_TRUE(checks.back().passed);

  // Running the day again replaces it: nothing is appended twice.
  const auto before = store_->get_partition_status("raw_bars_daily", kDay.to_string());
  ASSERT_TRUE(run_daily(defs, kDay, executor_options()).succeeded());
  const auto after = store_->get_partition_status("raw_bars_daily", kDay.to_string());
  EXPECT_EQ(after->row_count, before->row_count);
  EXPECT_EQ(after->checksum, before->checksum);
}

TEST_F(DailyPipelineTest, SourceFailingForAWhileIsRetriedWithBackoffWithoutDuplicates) {
  fake_jquants::FakeJQuantsServer server;
  server.start();
  testing::publish_through(server, *calendar_, kDay);
  resources_.source = std::make_shared<market::JQuantsSource>(client_options(server));
  const orchestrator::Definitions defs = definitions(resources_);
  // Five 500s on bars: the client's two attempts fail twice, the step's retries outlast them.
  server.inject({.kind = fake_jquants::FaultKind::kServerError,
                 .count = 5,
                 .path_filter = "/equities/bars/daily"});
  std::vector<std::chrono::milliseconds> delays;
  orchestrator::ExecutorOptions options = executor_options();
  options.sleep = [&delays](std::chrono::milliseconds delay) { delays.push_back(delay); };
  const RunReport report = run_daily(defs, kDay, options);
  ASSERT_TRUE(report.succeeded());
  EXPECT_EQ(server.stats().faults_injected, 5);
  ASSERT_GE(delays.size(), 2u);
  EXPECT_GT(delays[1], delays[0]) << "exponential backoff";
  for (const orchestrator::StepReport& step : report.steps) {
    if (step.step.asset == "raw_bars_daily") {
      EXPECT_EQ(step.attempts, 3);
    }
  }
  const Table raw = lake_.read_partition(market::kRawBarsDataset, kDay);
  market::SampleSource sample(testing::pipeline_sample_options(), *calendar_, kDay);
  const Table served = sample.fetch_days(market::jquants::endpoint("bars_daily"), {kDay}).front();
  EXPECT_EQ(raw.num_rows(), served.num_rows());  // one row per code: no doubles
  std::set<std::string> codes;
  for (const std::string& code : raw.column("code").as<std::string>()) codes.insert(code);
  EXPECT_EQ(codes.size(), raw.num_rows());
}

// Regression: with more than one raw step fetching at once, two threads drove one J-Quants
// client at the same time and the process died ("double free or corruption").
TEST_F(DailyPipelineTest, ConcurrentStepsCanShareOneJQuantsSource) {
  fake_jquants::FakeJQuantsServer server;
  server.start();
  testing::publish_through(server, *calendar_, kDay);
  resources_.source = std::make_shared<market::JQuantsSource>(client_options(server));
  const orchestrator::Definitions defs = definitions(resources_);
  orchestrator::ExecutorOptions options = executor_options();
  options.threads = 4;
  options.pool_limits.clear();  // all four raw steps at once
  const RunReport report = run_daily(defs, kDay, options);
  EXPECT_TRUE(report.succeeded());
}

}  // namespace
}  // namespace gogooku3::pipeline
