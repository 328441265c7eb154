// What every command that runs the pipeline shares: opening the configured lake and metadata
// database, choosing the market source, building pipeline::definitions(), executing a plan
// with Ctrl-C handling and a progress line, and printing what a run did.
//
// The source: `--source sample|jquants` on the command, else pipeline.source, whose default
// `auto` means J-Quants when JQUANTS_API_KEY is set and the built-in sample market otherwise.
// The sample market's adjusted prices are as of the last day the command materializes.
// With warehouse.clickhouse.url set, the session has a Warehouse and the warehouse_* assets.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "cli/command.h"
#include "orchestrator/executor.h"
#include "pipeline/definitions.h"

namespace gogooku3::cli {

struct PipelineSession {
  ConfiguredLake configured;
  std::string source_name;  // "sample" or "jquants"
  pipeline::PipelineResources resources;
  orchestrator::Definitions definitions;  // points into resources: the session never moves
  // Set when warehouse.clickhouse.url is: the daily job then loads ClickHouse too.
  std::unique_ptr<storage::warehouse::Warehouse> warehouse{};
};

// `source` as given on the command line ("" when not; "none" for commands that fetch nothing).
// `as_of`: the last day to be fetched.
// `sample_stocks` overrides sample.stocks (the demo's scale).
std::unique_ptr<PipelineSession> open_pipeline(CommandContext& context, const std::string& source,
                                               Date as_of,
                                               std::optional<int> sample_stocks = std::nullopt);

struct LaunchOptions {
  std::string job;
  std::string partition_key;
  std::string params_json = "{}";
  std::optional<std::string> parent_run_id{};
  bool quiet = false;  // no progress line
};

// Runs `plan` (SIGINT/SIGTERM cancel it) and prints the summary; returns the exit code:
// 0 succeeded, 1 another run holds the job's lease, 3 failed or canceled.
int run_plan(CommandContext& context, PipelineSession& session, const orchestrator::RunPlan& plan,
             const LaunchOptions& launch, orchestrator::RunReport* report_out = nullptr);

// The summary a person reads after a run: status, per-asset steps/partitions/rows/seconds,
// failures with their errors, failed tickers (first few), and how to see more.
std::string render_run_report(const orchestrator::RunReport& report);

// --from/--to of a range command (status, warehouse verify); without them, the 20 business
// days up to today in Japan. UsageError for a malformed date.
std::pair<Date, Date> day_range_options(const TradingCalendar& calendar, const std::string& from,
                                        const std::string& to);

// The latest business day whose session has closed, in Japan's time, by the system clock.
Date latest_closed_day(const TradingCalendar& calendar);

// "2026-11-28 03:24:00Z": a metadata timestamp (UTC milliseconds) for people.
std::string utc_time_text(storage::TimestampMs ms);

// "7203,6758" -> {"7203", "6758"}; empty items dropped.
std::vector<std::string> split_comma_list(const std::string& text);

}  // namespace gogooku3::cli
