// Looking at what the orchestrator did and what the lake holds:
//   gogooku3 runs [--status failed] [--job daily] [--limit 20]    newest first
//   gogooku3 status [ASSET] [--from D1 --to D2]                   partition status
// Without ASSET, status shows one line per asset: business days in the range materialized,
// failed, missing, failed tickers and the newest day. With ASSET, one line per day. It reads
// the dense status table (one row per asset x day), so 2,500 days answer at once.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "pipeline/daily_schedule.h"

namespace gogooku3::cli {
namespace {

struct RunsOptions {
  std::string status;
  std::string job;
  std::size_t limit = 20;
  std::string asset;
  std::string from;
  std::string to;
};

int run_runs(CommandContext& context, const RunsOptions& options) {
  context.init_console_logging();
  ConfiguredLake configured = open_configured_lake(context);
  storage::RunFilter filter;
  if (!options.status.empty()) {
    filter.status = storage::parse_run_status(options.status);
    if (!filter.status) {
      throw UsageError("--status must be queued, running, succeeded, failed or canceled");
    }
  }
  if (!options.job.empty()) filter.job = options.job;
  if (options.limit == 0) throw UsageError("--limit must be positive");
  filter.limit = options.limit;
  const std::vector<storage::RunRecord> runs = configured.metadata->list_runs(filter);
  std::cout << fmt::format("{:<26}  {:<11} {:<24} {:<9} {:<20} {:>9}\n", "run", "job", "partition",
                           "status", "created", "seconds");
  for (const storage::RunRecord& run : runs) {
    const std::string seconds =
        run.started_at_ms && run.ended_at_ms
            ? fmt::format("{:.1f}",
                          static_cast<double>(*run.ended_at_ms - *run.started_at_ms) / 1000)
            : "-";
    std::cout << fmt::format("{:<26}  {:<11} {:<24} {:<9} {:<20} {:>9}\n", run.run_id, run.job,
                             run.partition_key, storage::run_status_name(run.status),
                             utc_time_text(run.created_at_ms), seconds);
  }
  if (runs.empty()) std::cout << "(no runs)\n";
  return kExitOk;
}

int run_status(CommandContext& context, const RunsOptions& options) {
  context.init_console_logging();
  const TradingCalendar calendar = context.calendar();
  const auto [from, to] = day_range_options(calendar, options.from, options.to);
  auto session = open_pipeline(context, "none", to);
  const storage::MetadataStore& store = *session->configured.metadata;
  const std::vector<Date> days = calendar.business_days(from, to);
  std::vector<std::string> assets;
  if (options.asset.empty()) {
    assets = session->definitions.all_in_dependency_order();
  } else {
    assets = {session->definitions.asset(options.asset).name};
  }
  const std::string first = from.to_string();
  const std::string last = to.to_string();
  if (options.asset.empty()) {
    std::cout << fmt::format("{} .. {}: {} business days\n", first, last, days.size());
    std::cout << fmt::format("{:<22} {:>12} {:>7} {:>8} {:>9}  {}\n", "asset", "materialized",
                             "failed", "missing", "tickers!", "newest");
  } else {
    std::cout << fmt::format("{:<12} {:<13} {:>9} {:>11}  {:<26}  {}\n", "date", "state", "rows",
                             "bytes", "run", "failed tickers");
  }
  for (const std::string& asset : assets) {
    const std::vector<storage::PartitionStatus> statuses =
        store.partition_statuses(asset, first, last);
    if (!options.asset.empty()) {
      std::map<std::string, const storage::PartitionStatus*> by_day;
      for (const auto& status : statuses) by_day[status.partition_key] = &status;
      for (const Date day : days) {
        const auto it = by_day.find(day.to_string());
        if (it == by_day.end()) {
          std::cout << fmt::format("{:<12} {:<13}\n", day.to_string(), "missing");
          continue;
        }
        const storage::PartitionStatus& s = *it->second;
        std::string tickers = fmt::format("{}", fmt::join(s.failed_tickers, ","));
        if (tickers.size() > 60) tickers = tickers.substr(0, 57) + "...";
        std::cout << fmt::format("{:<12} {:<13} {:>9} {:>11}  {:<26}  {}\n", day.to_string(),
                                 storage::partition_state_name(s.state), s.row_count, s.byte_count,
                                 s.run_id.value_or("-"), tickers);
      }
      continue;
    }
    std::size_t materialized = 0;
    std::size_t failed = 0;
    std::size_t tickers = 0;
    std::string newest = "-";
    for (const auto& status : statuses) {
      if (status.state == storage::PartitionState::kMaterialized) {
        ++materialized;
        newest = status.partition_key;
      }
      if (status.state == storage::PartitionState::kFailed) ++failed;
      tickers += status.failed_tickers.size();
    }
    const std::size_t missing = days.size() - std::min(days.size(), materialized + failed);
    std::cout << fmt::format("{:<22} {:>12} {:>7} {:>8} {:>9}  {}\n", asset, materialized, failed,
                             missing, tickers, newest);
  }
  if (options.asset.empty()) {
    const std::vector<double> minutes = pipeline::freshness_minutes(store, calendar, from, to);
    if (minutes.empty()) {
      std::cout << "freshness: not measured in this range (the scheduler measures it)\n";
    } else {
      std::cout << fmt::format(
          "freshness (bars published -> features available) over {} day(s): p50 {:.1f} min, "
          "p95 {:.1f} min (SLO p95 <= {} min)\n",
          minutes.size(), pipeline::percentile(minutes, 50), pipeline::percentile(minutes, 95),
          session->definitions.asset(pipeline::kFeaturesAsset).freshness_minutes.value_or(5));
    }
  }
  return kExitOk;
}

}  // namespace

Command register_runs_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<RunsOptions>();
  CLI::App* command = app.add_subcommand("runs", "List runs, newest first");
  add_global_options(*command, context.globals);
  command->add_option("--status", options->status, "Only runs with this status (failed, ...)");
  command->add_option("--job", options->job, "Only runs of this job (daily, backfill, ...)");
  command->add_option("--limit", options->limit, "At most this many")->capture_default_str();
  return {command, [&context, options] { return run_runs(context, *options); }};
}

Command register_status_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<RunsOptions>();
  CLI::App* command =
      app.add_subcommand("status", "Partition status of every asset (or one) over a range");
  add_global_options(*command, context.globals);
  command->add_option("asset", options->asset, "One asset: a line per business day");
  command->add_option("--from", options->from, "First day (default: 20 business days back)");
  command->add_option("--to", options->to, "Last day (default: today)");
  return {command, [&context, options] { return run_status(context, *options); }};
}

}  // namespace gogooku3::cli
