// The scheduler runs gogooku3's daily job by itself: a simulated clock, the production
// J-Quants client against the fake server, which "publishes" the day's bars at 15:42 JST.
#include "pipeline/daily_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "orchestrator/clock.h"
#include "orchestrator/scheduler.h"
#include "pipeline_fixture.h"

namespace gogooku3::pipeline {
namespace {

using namespace std::chrono_literals;
using orchestrator::jst_instant_ms;

TEST(FreshnessPercentileTest, InterpolatesLinearly) {
  EXPECT_TRUE(std::isnan(percentile({}, 95)));
  EXPECT_DOUBLE_EQ(percentile({3}, 95), 3);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 50), 3);
  EXPECT_DOUBLE_EQ(percentile({5, 1, 4, 2, 3}, 100), 5);
  EXPECT_NEAR(
      percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, 95),
      20, 1e-12);
}

class DailyScheduleTest : public testing::PipelineTest {};

TEST_F(DailyScheduleTest, CatchesUpThenRunsTheDayWhenItsBarsArePublished) {
  const Date today = Date::from_ymd(2026, 10, 30);  // Friday
  const Date wednesday = Date::from_ymd(2026, 10, 28);
  const Date thursday = Date::from_ymd(2026, 10, 29);
  fake_jquants::FakeJQuantsServer server;
  server.start();
  testing::publish_through(server, *calendar_, thursday);

  market::jquants::ClientOptions client;
  client.base_url = server.base_url();
  client.api_key = "test-key";
  client.requests_per_minute = 6000;
  client.retry_base_delay = 5ms;
  client.jitter_seed = 1;
  auto source = std::make_shared<market::JQuantsSource>(client);
  const orchestrator::Definitions defs = definitions(resources_);
  DailySchedule schedule(
      resources_, defs, [source](Date) { return source; }, executor_options());

  // Wednesday is already done (an earlier process ran it); Thursday was missed.
  use_sample_source(wednesday);
  ASSERT_TRUE(schedule.hooks().run_day(wednesday));
  resources_.source.reset();

  const storage::TimestampMs publish_at = jst_instant_ms(today, 15 * 60 + 42);
  orchestrator::SimulatedClock clock(jst_instant_ms(today, 9 * 60));
  bool published = false;
  clock.set_on_advance([&](storage::TimestampMs now) {
    if (!published && now >= publish_at) {
      testing::publish_through(server, *calendar_, today);
      published = true;
    }
  });
  orchestrator::SchedulerOptions options;
  options.catch_up_from = wednesday;
  options.poll_interval = 1min;
  orchestrator::Scheduler scheduler(*calendar_, clock, schedule.hooks(), options);
  orchestrator::CancelToken cancel;
  const orchestrator::SchedulerSummary summary =
      scheduler.run(cancel, jst_instant_ms(today, 20 * 60));

  ASSERT_EQ(summary.days.size(), 2u);
  EXPECT_EQ(summary.days[0].date, thursday);  // caught up at once, in the morning
  EXPECT_TRUE(summary.days[0].succeeded);
  EXPECT_FALSE(summary.days[0].freshness_minutes) << "published before the scheduler looked";
  EXPECT_EQ(summary.days[1].date, today);
  EXPECT_TRUE(summary.days[1].succeeded);
  ASSERT_TRUE(summary.days[1].freshness_minutes);
  EXPECT_LE(*summary.days[1].freshness_minutes, 5.0);

  for (const Date day : {thursday, today}) {
    const auto status = store_->get_partition_status("features", day.to_string());
    ASSERT_TRUE(status) << day.to_string();
    EXPECT_EQ(status->state, storage::PartitionState::kMaterialized);
  }
  // Freshness is a recorded check on the day's features, found by the SLO query.
  const std::vector<double> minutes = freshness_minutes(*store_, *calendar_, wednesday, today);
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_DOUBLE_EQ(minutes[0], *summary.days[1].freshness_minutes);
  const auto checks = store_->checks_for("features", today.to_string());
  const auto freshness = std::ranges::find_if(
      checks, [](const storage::CheckResult& c) { return c.check_name == "freshness"; });
  ASSERT_NE(freshness, checks.end());
  EXPECT_TRUE(freshness->passed);
  EXPECT_NE(freshness->metadata_json.find(std::to_string(publish_at)), std::string::npos)
      << "published at the first poll on or after 15:42 JST: " << freshness->metadata_json;
  // Three daily runs in all (Wednesday by hand, Thursday, Friday); none for Saturday.
  EXPECT_EQ(store_->list_runs({.job = std::string(kDailyJob)}).size(), 3u);
}

}  // namespace
}  // namespace gogooku3::pipeline
