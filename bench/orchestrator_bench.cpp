// Orchestrator benchmark: what the engine itself costs, apart from the work of the assets.
//
//   empty steps     a run of N one-partition steps whose compute does nothing but report the
//                   partition: the per-step overhead (plan, leases, events, partition status,
//                   SQLite commits), with 1 and 4 threads
//   event log       append_event one at a time, and append_events in batches of 1,000
//   status query    6 assets x 2,500 business days of dense partition status in a 4,000-ticker
//                   universe (a few failed tickers listed on some days): the rows behind
//                   `gogooku3 status ASSET --from --to`, per asset and for all six
//
// There is no peer measured in the same run: Dagster (the system this replaces) is not
// packaged for Debian 12. The numbers are absolute, on a SQLite database in a temporary
// directory (WAL mode, as in production).
//   orchestrator_bench [--steps 2000] [--events 20000] [--days 2500]
#include <fmt/format.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <random>

#include "bench_timer.h"
#include "orchestrator/executor.h"
#include "orchestrator/run_plan.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3 {
namespace {

std::filesystem::path scratch_directory() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "gogooku3-orchestrator-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void bench_empty_steps(const std::filesystem::path& dir, int steps) {
  auto calendar = std::make_shared<const TradingCalendar>();
  orchestrator::Definitions defs;
  defs.add({.name = "empty",
            .partitions = orchestrator::PartitionsDef::business_days(calendar),
            .compute = [](orchestrator::StepContext& context) {
              context.materialized({.partition_key = context.partitions().front()});
            }});
  const Date to = Date::from_ymd(2025, 12, 30);
  const Date from = calendar->add_business_days(to, -(steps - 1));
  const orchestrator::RunPlan plan = orchestrator::plan_partitions(defs, {"empty"}, from, to);
  for (const int threads : {1, 4}) {
    storage::SqliteMetadataStore store(dir / fmt::format("steps-{}.db", threads));
    orchestrator::ExecutorOptions options;
    options.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const orchestrator::RunReport report = orchestrator::execute(defs, plan, store, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!report.succeeded()) throw std::runtime_error("the empty run failed");
    std::printf(
        "empty steps, %d thread(s): %zu steps in %.2f s = %.3f ms per step "
        "(%zu events)\n",
        threads, plan.steps.size(), seconds, seconds * 1e3 / static_cast<double>(plan.steps.size()),
        store.events_for_run(report.run.run_id).size());
  }
}

void bench_event_log(const std::filesystem::path& dir, int events) {
  storage::SqliteMetadataStore store(dir / "events.db");
  const storage::RunRecord run = store.create_run({.job = "bench"});
  const storage::Event event{.run_id = run.run_id,
                             .kind = storage::EventKind::kMaterialization,
                             .asset = "prices",
                             .partition_key = "2025-12-30",
                             .message = "prices 2025-12-30: 4000 rows",
                             .payload_json = R"({"rows":4000,"bytes":123456})"};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < events; ++i) store.append_event(event);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("event log, one at a time:     %d events in %.2f s = %.0f events/s\n", events,
              seconds, events / seconds);
  const std::vector<storage::Event> batch(1000, event);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < events / 1000; ++i) store.append_events(batch);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("event log, batches of 1,000:  %d events in %.2f s = %.0f events/s\n", events,
              seconds, events / seconds);
  start = std::chrono::steady_clock::now();
  const std::size_t read = store.events_for_run(run.run_id).size();
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("event log, reading one run:   %zu events in %.3f s\n", read, seconds);
}

void bench_status_query(const std::filesystem::path& dir, int days) {
  storage::SqliteMetadataStore store(dir / "status.db");
  const TradingCalendar calendar;
  const Date to = Date::from_ymd(2025, 12, 30);
  const Date from = calendar.add_business_days(to, -(days - 1));
  const storage::RunRecord run = store.create_run({.job = "bench"});
  const std::vector<std::string> assets = {"raw_equities_master", "raw_bars_daily", "raw_topix",
                                           "raw_investor_types",  "prices",         "features"};
  std::mt19937 random(7);
  std::uniform_int_distribution<int> ticker(1000, 4999);
  std::uniform_int_distribution<int> failures(0, 9);
  const auto fill_start = std::chrono::steady_clock::now();
  for (const std::string& asset : assets) {
    std::vector<storage::PartitionStatus> rows;
    for (const Date day : calendar.business_days(from, to)) {
      storage::PartitionStatus status{.asset = asset,
                                      .partition_key = day.to_string(),
                                      .state = storage::PartitionState::kMaterialized,
                                      .run_id = run.run_id,
                                      .row_count = 4000,
                                      .byte_count = 1 << 20,
                                      .checksum = "sha256:0"};
      if (asset == "prices") {  // a few failed tickers on some days
        for (int n = failures(random) - 6; n > 0; --n) {
          status.failed_tickers.push_back(std::to_string(ticker(random)) + "0");
        }
      }
      rows.push_back(std::move(status));
    }
    store.upsert_partition_statuses(rows);
  }
  std::printf("status table: %zu assets x %d days written in %.2f s\n", assets.size(), days,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count());
  const std::string first = from.to_string();
  const std::string last = to.to_string();
  std::size_t rows = 0;
  const double one = bench::best_seconds(
      5, [&] { rows = store.partition_statuses("prices", first, last).size(); });
  std::printf("status query, one asset:      %zu days in %.2f ms\n", rows, one * 1e3);
  const double all = bench::best_seconds(5, [&] {
    rows = 0;
    for (const std::string& asset : assets) {
      rows += store.partition_statuses(asset, first, last).size();
    }
  });
  std::printf("status query, all six assets: %zu rows in %.2f ms\n", rows, all * 1e3);
}

}  // namespace
}  // namespace gogooku3

int main(int argc, char** argv) {
  CLI::App app{"The orchestrator's own costs: empty steps, the event log, the status query"};
  int steps = 2000;
  int events = 20000;
  int days = 2500;
  app.add_option("--steps", steps, "Empty steps per run")->capture_default_str();
  app.add_option("--events", events, "Events appended (a multiple of 1,000)")
      ->capture_default_str();
  app.add_option("--days", days, "Business days of partition status")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const std::filesystem::path dir = gogooku3::scratch_directory();
  try {
    gogooku3::bench_empty_steps(dir, steps);
    gogooku3::bench_event_log(dir, events);
    gogooku3::bench_status_query(dir, days);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "orchestrator_bench: %s\n", error.what());
    std::filesystem::remove_all(dir);
    return 3;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
