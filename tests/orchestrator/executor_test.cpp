// The executor against a real SQLite metadata database, with small synthetic assets whose
// compute functions log what they were asked and fail on cue.
#include "orchestrator/executor.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "orchestrator/run_plan.h"
#include "orchestrator_fixture.h"

namespace gogooku3::orchestrator {
namespace {

using namespace std::chrono_literals;
using storage::EventKind;
using storage::PartitionState;
using storage::RunStatus;

const Date kMonday = Date::from_ymd(2026, 11, 16);
const Date kWednesday = Date::from_ymd(2026, 11, 18);

class ExecutorTest : public testing::OrchestratorTest {
 protected:
  // An asset that logs "<name> <partition>[ tickers]" and reports one row per partition.
  AssetDef logging_asset(const std::string& name, std::vector<Dependency> deps = {}) {
    AssetDef asset;
    asset.name = name;
    asset.partitions = PartitionsDef::business_days(calendar_);
    asset.deps = std::move(deps);
    asset.compute = [this, name](StepContext& context) {
      for (const std::string& key : context.partitions()) {
        std::string entry = name;
        entry += ' ';
        entry += key;
        log_.add(std::move(entry));
        context.materialized({.partition_key = key, .rows = 1, .bytes = 10, .checksum = "x"});
      }
    };
    return asset;
  }

  ExecutorOptions options() {
    ExecutorOptions options;
    options.job = "test";
    options.threads = 3;
    options.sleep = [](std::chrono::milliseconds) {};
    return options;
  }

  RunReport run(const Definitions& defs, const RunPlan& plan, const ExecutorOptions& opts) {
    return execute(defs, plan, *store_, opts);
  }

  std::size_t count_events(const std::string& run_id, EventKind kind) {
    std::size_t n = 0;
    for (const storage::Event& event : store_->events_for_run(run_id)) n += event.kind == kind;
    return n;
  }

  testing::CallLog log_;
};

TEST_F(ExecutorTest, RunsStepsInDependencyOrderAndRecordsEverything) {
  Definitions defs;
  defs.add(logging_asset("b", {Dependency::same_day("a")}));
  defs.add(logging_asset("a"));
  defs.add(logging_asset("c", {Dependency::trailing_window("b", 2), Dependency::previous("c")}));
  defs.validate();
  const RunPlan plan = plan_partitions(defs, {"a", "b", "c"}, kMonday, kWednesday);
  ASSERT_EQ(plan.steps.size(), 9u);
  const RunReport report = run(defs, plan, options());
  ASSERT_TRUE(report.succeeded()) << report.steps[0].error;
  for (const std::string day : {"2026-11-16", "2026-11-17", "2026-11-18"}) {
    EXPECT_LT(log_.index_of("a " + day), log_.index_of("b " + day)) << day;
    EXPECT_LT(log_.index_of("b " + day), log_.index_of("c " + day)) << day;
  }
  EXPECT_LT(log_.index_of("c 2026-11-16"), log_.index_of("c 2026-11-17"));
  EXPECT_LT(log_.index_of("b 2026-11-17"), log_.index_of("c 2026-11-18"));  // the window

  const auto status = store_->get_partition_status("b", "2026-11-17");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, PartitionState::kMaterialized);
  EXPECT_EQ(status->run_id, report.run.run_id);
  EXPECT_EQ(status->row_count, 1);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kRunStart), 1u);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kStepStart), 9u);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kMaterialization), 9u);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kStepSuccess), 9u);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kRunEnd), 1u);
  const auto stored = store_->get_run(report.run.run_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, RunStatus::kSucceeded);
  EXPECT_EQ(RunPlan::from_json(nlohmann::json::parse(stored->params_json)["plan"].dump()).steps,
            plan.steps);
  EXPECT_FALSE(store_->get_lease("job:test|"));  // released
}

TEST_F(ExecutorTest, RetriesTransientErrorsWithBackoff) {
  Definitions defs;
  AssetDef flaky = logging_asset("flaky");
  flaky.retry = RetryPolicy::transient(3, 100ms);
  auto failures_left = std::make_shared<std::atomic<int>>(2);
  flaky.compute = [failures_left](StepContext& context) {
    if ((*failures_left)-- > 0) throw transient("the source answered 503");
    context.materialized({.partition_key = context.partitions().front()});
  };
  defs.add(std::move(flaky));
  std::vector<std::chrono::milliseconds> delays;
  ExecutorOptions opts = options();
  opts.sleep = [&delays](std::chrono::milliseconds delay) { delays.push_back(delay); };
  const RunReport report = run(defs, plan_cells(defs, "flaky", {"2026-11-16"}, {}), opts);
  ASSERT_TRUE(report.succeeded());
  EXPECT_EQ(report.steps[0].attempts, 3);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kRetry), 2u);
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_NEAR(delays[0].count(), 100, 10);  // 10% jitter
  EXPECT_NEAR(delays[1].count(), 200, 20);  // backoff x2
}

TEST_F(ExecutorTest, NeverRetriesOtherErrorsAndSkipsDependents) {
  Definitions defs;
  AssetDef broken = logging_asset("broken");
  broken.retry = RetryPolicy::transient(5, 1ms);
  auto calls = std::make_shared<std::atomic<int>>(0);
  broken.compute = [calls](StepContext&) {
    ++*calls;
    throw invalid_input("bars 2026-11-16: column close is missing");
  };
  defs.add(std::move(broken));
  defs.add(logging_asset("downstream", {Dependency::same_day("broken")}));
  defs.add(logging_asset("independent"));
  const RunReport report =
      run(defs, plan_partitions(defs, {"broken", "downstream", "independent"}, kMonday, kMonday),
          options());
  EXPECT_EQ(report.run.status, RunStatus::kFailed);
  EXPECT_EQ(*calls, 1);
  EXPECT_EQ(report.count(StepOutcome::kFailed), 1u);
  EXPECT_EQ(report.count(StepOutcome::kSkipped), 1u);
  EXPECT_EQ(report.count(StepOutcome::kSucceeded), 1u);
  EXPECT_EQ(log_.index_of("downstream 2026-11-16"), -1);
  const auto status = store_->get_partition_status("broken", "2026-11-16");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, PartitionState::kFailed);
  for (const StepReport& step : report.steps) {
    if (step.step.asset != "broken") continue;
    EXPECT_EQ(step.error_category, ErrorCategory::kInvalidInput);
    EXPECT_NE(step.error.find("column close is missing"), std::string::npos);
  }
}

TEST_F(ExecutorTest, GivesUpAfterMaxRetries) {
  Definitions defs;
  AssetDef down = logging_asset("down");
  down.retry = RetryPolicy::transient(2, 1ms);
  down.compute = [](StepContext&) { throw transient("connection refused"); };
  defs.add(std::move(down));
  const RunReport report = run(defs, plan_cells(defs, "down", {"2026-11-16"}, {}), options());
  EXPECT_EQ(report.run.status, RunStatus::kFailed);
  EXPECT_EQ(report.steps[0].attempts, 3);
  EXPECT_EQ(report.steps[0].error_category, ErrorCategory::kTransient);
}

// Tickers A, B, C: B fails once transiently and is retried alone; C fails for good and is
// listed, while the partition is published for the others.
class TickerExecutorTest : public ExecutorTest {
 protected:
  void SetUp() override {
    AssetDef asset = logging_asset("quotes");
    asset.per_ticker = true;
    asset.retry = RetryPolicy::transient(2, 1ms);
    asset.compute = [this](StepContext& context) {
      std::vector<std::string> tickers = context.tickers();
      if (tickers.empty()) tickers = {"A", "B", "C"};
      const std::string key = context.partitions().front();
      std::string done;
      for (const std::string& ticker : tickers) {
        done += ticker;
        if (ticker == "B" && b_failures_ > 0) {
          --b_failures_;
          context.ticker_failed({key, "B", ErrorCategory::kTransient, "timeout fetching B"});
        } else if (ticker == "C" && c_broken_) {
          context.ticker_failed(
              {key, "C", ErrorCategory::kInvalidInput, "rule high_low: high < low"});
        }
      }
      log_.add("quotes " + key + " " + done);
      context.materialized({.partition_key = key, .rows = 3});
    };
    defs_.add(std::move(asset));
  }
  Definitions defs_;
  int b_failures_ = 1;
  bool c_broken_ = true;
};

TEST_F(TickerExecutorTest, RetriesTransientTickersAloneAndListsPermanentOnes) {
  const RunReport report = run(defs_, plan_cells(defs_, "quotes", {"2026-11-16"}, {}), options());
  ASSERT_TRUE(report.succeeded()) << "failed tickers do not fail the run";
  EXPECT_EQ(log_.entries(),
            (std::vector<std::string>{"quotes 2026-11-16 ABC", "quotes 2026-11-16 B"}));
  const auto status = store_->get_partition_status("quotes", "2026-11-16");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, PartitionState::kMaterialized);
  EXPECT_EQ(status->failed_tickers, std::vector<std::string>{"C"});
  ASSERT_EQ(report.steps[0].failed_tickers.size(), 1u);
  EXPECT_NE(report.steps[0].failed_tickers[0].find("high < low"), std::string::npos);
  EXPECT_EQ(count_events(report.run.run_id, EventKind::kTickerFailure), 1u);

  // The source fixed C: materializing just C clears it and touches nothing else.
  c_broken_ = false;
  const RunReport fix = run(defs_, plan_cells(defs_, "quotes", {"2026-11-16"}, {"C"}), options());
  ASSERT_TRUE(fix.succeeded());
  EXPECT_EQ(log_.entries().back(), "quotes 2026-11-16 C");
  EXPECT_TRUE(store_->get_partition_status("quotes", "2026-11-16")->failed_tickers.empty());
}

TEST_F(TickerExecutorTest, FromFailureRedoesOnlyFailedTickers) {
  const RunReport first = run(defs_, plan_cells(defs_, "quotes", {"2026-11-16"}, {}), options());
  c_broken_ = false;
  const RunPlan redo = plan_from_failure(defs_, *store_, first.run.run_id);
  ASSERT_EQ(redo.steps.size(), 1u);
  EXPECT_EQ(redo.steps[0].tickers, std::vector<std::string>{"C"});
  ExecutorOptions opts = options();
  opts.parent_run_id = first.run.run_id;
  const RunReport second = run(defs_, redo, opts);
  ASSERT_TRUE(second.succeeded());
  EXPECT_EQ(second.run.parent_run_id, first.run.run_id);
  EXPECT_EQ(log_.entries().back(), "quotes 2026-11-16 C");
}

TEST_F(TickerExecutorTest, MaterializingTickersOfAnAssetNotTrackedPerTickerIsRefused) {
  Definitions defs;
  defs.add(logging_asset("plain"));
  EXPECT_THROW(plan_cells(defs, "plain", {"2026-11-16"}, {"7203"}), Error);
}

TEST_F(ExecutorTest, FromFailureRedoesFailedAndSkippedStepsOnly) {
  Definitions defs;
  auto broken = std::make_shared<std::atomic<bool>>(true);
  AssetDef a = logging_asset("a");
  defs.add(a);
  AssetDef b = logging_asset("b", {Dependency::same_day("a")});
  b.compute = [this, broken](StepContext& context) {
    const std::string key = context.partitions().front();
    if (*broken && key == "2026-11-17") throw invalid_input("bad day");
    log_.add("b " + key);
    context.materialized({.partition_key = key});
  };
  defs.add(std::move(b));
  defs.add(logging_asset("c", {Dependency::same_day("b")}));
  const RunReport first =
      run(defs, plan_partitions(defs, {"a", "b", "c"}, kMonday, kWednesday), options());
  EXPECT_EQ(first.run.status, RunStatus::kFailed);
  *broken = false;
  const RunPlan redo = plan_from_failure(defs, *store_, first.run.run_id);
  ASSERT_EQ(redo.steps.size(), 2u);
  EXPECT_EQ(redo.steps[0].label(), "b 2026-11-17");
  EXPECT_EQ(redo.steps[1].label(), "c 2026-11-17");
  const RunReport second = run(defs, redo, options());
  EXPECT_TRUE(second.succeeded());
  EXPECT_THROW(plan_from_failure(defs, *store_, second.run.run_id), Error);  // nothing to redo
  EXPECT_THROW(plan_from_failure(defs, *store_, "01NOSUCHRUN"), Error);
}

TEST_F(ExecutorTest, RequiredUpstreamOutsideThePlanMustBeMaterialized) {
  Definitions defs;
  defs.add(logging_asset("a"));
  defs.add(logging_asset("b", {Dependency::same_day("a")}));
  const RunReport missing = run(defs, plan_cells(defs, "b", {"2026-11-16"}, {}), options());
  EXPECT_EQ(missing.run.status, RunStatus::kFailed);
  EXPECT_EQ(missing.steps[0].error_category, ErrorCategory::kNotFound);
  EXPECT_NE(missing.steps[0].error.find("gogooku3 materialize a --date 2026-11-16"),
            std::string::npos);
  ASSERT_TRUE(run(defs, plan_cells(defs, "a", {"2026-11-16"}, {}), options()).succeeded());
  EXPECT_TRUE(run(defs, plan_cells(defs, "b", {"2026-11-16"}, {}), options()).succeeded());
}

TEST_F(ExecutorTest, BlockingCheckFailsTheStepAndWarningsOnlyRecord) {
  Definitions defs;
  AssetDef checked = logging_asset("checked");
  checked.checks = {{"has_rows", storage::CheckSeverity::kBlocking, "",
                     [](const Materialization& m) {
                       return CheckOutcome{m.rows > 5, "too few rows"};
                     }},
                    {"soft", storage::CheckSeverity::kWarning, "", [](const Materialization&) {
                       return CheckOutcome{false, "just so you know"};
                     }}};
  defs.add(std::move(checked));
  defs.add(logging_asset("after", {Dependency::same_day("checked")}));
  const RunReport report =
      run(defs, plan_partitions(defs, {"checked", "after"}, kMonday, kMonday), options());
  EXPECT_EQ(report.run.status, RunStatus::kFailed);
  EXPECT_EQ(report.count(StepOutcome::kSkipped), 1u);
  const auto checks = store_->checks_for("checked", "2026-11-16");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_FALSE(checks[0].passed);
  EXPECT_EQ(checks[1].severity, storage::CheckSeverity::kWarning);
}

TEST_F(ExecutorTest, CancelStopsBetweenPartitionsAndMarksTheRunCanceled) {
  CancelToken cancel;
  Definitions defs;
  AssetDef slow = logging_asset("slow");
  slow.max_chunk = 3;
  slow.compute = [this, &cancel](StepContext& context) {
    for (const std::string& key : context.partitions()) {
      context.throw_if_canceled();
      log_.add("slow " + key);
      context.materialized({.partition_key = key});
      cancel.cancel();  // Ctrl-C while the first day is being written
    }
  };
  defs.add(std::move(slow));
  defs.add(logging_asset("next", {Dependency::same_day("slow")}));
  ExecutorOptions opts = options();
  opts.cancel = &cancel;
  const RunReport report =
      run(defs, plan_partitions(defs, {"slow", "next"}, kMonday, kWednesday), opts);
  EXPECT_EQ(report.run.status, RunStatus::kCanceled);
  EXPECT_EQ(log_.entries(), std::vector<std::string>{"slow 2026-11-16"});
  EXPECT_FALSE(store_->get_partition_status("next", "2026-11-16"));
}

TEST_F(ExecutorTest, TimeoutIsATransientFailure) {
  Definitions defs;
  AssetDef stuck = logging_asset("stuck");
  stuck.timeout = 20ms;
  stuck.compute = [](StepContext& context) {
    std::this_thread::sleep_for(60ms);
    context.throw_if_canceled();
  };
  defs.add(std::move(stuck));
  const RunReport report = run(defs, plan_cells(defs, "stuck", {"2026-11-16"}, {}), options());
  EXPECT_EQ(report.run.status, RunStatus::kFailed);
  EXPECT_EQ(report.steps[0].error_category, ErrorCategory::kTransient);
  EXPECT_NE(report.steps[0].error.find("timeout"), std::string::npos) << report.steps[0].error;
}

TEST_F(ExecutorTest, PoolLimitsConcurrency) {
  Definitions defs;
  auto running = std::make_shared<std::atomic<int>>(0);
  auto peak = std::make_shared<std::atomic<int>>(0);
  for (const std::string name : {"p1", "p2", "p3", "p4"}) {
    AssetDef asset = logging_asset(name);
    asset.pool = "source";
    asset.compute = [running, peak](StepContext& context) {
      const int now = ++*running;
      int seen = peak->load();
      while (now > seen && !peak->compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(15ms);
      --*running;
      context.materialized({.partition_key = context.partitions().front()});
    };
    defs.add(std::move(asset));
  }
  ExecutorOptions opts = options();
  opts.threads = 4;
  opts.pool_limits = {{"source", 1}};
  const RunReport report =
      run(defs, plan_partitions(defs, {"p1", "p2", "p3", "p4"}, kMonday, kMonday), opts);
  ASSERT_TRUE(report.succeeded());
  EXPECT_EQ(peak->load(), 1);
}

TEST_F(ExecutorTest, AnotherLiveRunHoldingTheJobLeaseBlocksTheRun) {
  Definitions defs;
  defs.add(logging_asset("a"));
  ASSERT_TRUE(store_->try_acquire_lease("job:daily|2026-11-16", "01OTHERRUN", getpid(), this_host(),
                                        std::chrono::minutes(5)));
  ExecutorOptions opts = options();
  opts.job = "daily";
  opts.partition_key = "2026-11-16";
  const RunReport report = run(defs, plan_cells(defs, "a", {"2026-11-16"}, {}), opts);
  ASSERT_TRUE(report.blocked_by);
  EXPECT_EQ(report.blocked_by->owner_run_id, "01OTHERRUN");
  EXPECT_TRUE(log_.entries().empty());
  EXPECT_TRUE(store_->list_runs({}).empty());
}

TEST_F(ExecutorTest, ALeaseOfADeadProcessIsTakenOver) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that no longer exists
  ASSERT_TRUE(store_->try_acquire_lease("job:daily|2026-11-16", "01DEADRUN", child, this_host(),
                                        std::chrono::minutes(5)));
  Definitions defs;
  defs.add(logging_asset("a"));
  ExecutorOptions opts = options();
  opts.job = "daily";
  opts.partition_key = "2026-11-16";
  EXPECT_TRUE(run(defs, plan_cells(defs, "a", {"2026-11-16"}, {}), opts).succeeded());
}

TEST_F(ExecutorTest, AStepWhosePartitionIsLeasedElsewhereRetriesThenFails) {
  ASSERT_TRUE(store_->try_acquire_lease("asset:a|2026-11-16", "01OTHERRUN", getpid(), this_host(),
                                        std::chrono::minutes(5)));
  Definitions defs;
  AssetDef a = logging_asset("a");
  a.retry = RetryPolicy::transient(1, 1ms);
  defs.add(std::move(a));
  const RunReport report = run(defs, plan_cells(defs, "a", {"2026-11-16"}, {}), options());
  EXPECT_EQ(report.run.status, RunStatus::kFailed);
  EXPECT_EQ(report.steps[0].attempts, 2);
  EXPECT_NE(report.steps[0].error.find("01OTHERRUN"), std::string::npos);
}

TEST_F(ExecutorTest, ReapsRunsWhoseProcessIsGone) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const storage::RunRecord orphan = store_->create_run(
      {.job = "backfill", .status = RunStatus::kRunning, .pid = child, .host = this_host()});
  const storage::RunRecord alive = store_->create_run(
      {.job = "backfill", .status = RunStatus::kRunning, .pid = getpid(), .host = this_host()});
  EXPECT_EQ(reap_abandoned_runs(*store_), 1);
  EXPECT_EQ(store_->get_run(orphan.run_id)->status, RunStatus::kFailed);
  EXPECT_EQ(store_->get_run(alive.run_id)->status, RunStatus::kRunning);
}

TEST_F(ExecutorTest, ProgressReachesTheTotal) {
  Definitions defs;
  defs.add(logging_asset("a"));
  std::vector<Progress> seen;
  ExecutorOptions opts = options();
  opts.on_progress = [&seen](const Progress& p) { seen.push_back(p); };
  ASSERT_TRUE(run(defs, plan_partitions(defs, {"a"}, kMonday, kWednesday), opts).succeeded());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.back().steps_finished, 3u);
  EXPECT_EQ(seen.back().partitions_done, 3u);
  EXPECT_EQ(seen.back().partitions_total, 3u);
}

}  // namespace
}  // namespace gogooku3::orchestrator
