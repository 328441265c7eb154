// Exactly some cells of one asset:
//   gogooku3 materialize ASSET --date D [--tickers 7203,6758]   redo those tickers of day D
//                                                              (per-ticker assets), or the day
//   gogooku3 step ASSET PARTITION [--tickers ...]               one step in its own process,
//                                                              the unit a distributed launcher
//                                                              (Kubernetes Jobs, Slurm) hands
//                                                              out; prints one JSON line
// Upstream partitions the step needs on the same day must already be materialized.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "orchestrator/run_plan.h"

namespace gogooku3::cli {
namespace {

struct CellOptions {
  std::string asset;
  std::string partition;
  std::string tickers;
  std::string source;
  bool quiet = false;
};

Date as_of_for(const std::string& partition) {
  return partition.empty() ? Date::today_jst() : parse_date_option(partition, "the partition");
}

int run_materialize(CommandContext& context, const CellOptions& options) {
  context.init_file_logging();
  auto session = open_pipeline(context, options.source, as_of_for(options.partition));
  const std::vector<std::string> tickers = split_comma_list(options.tickers);
  const orchestrator::RunPlan plan =
      orchestrator::plan_cells(session->definitions, options.asset, {options.partition}, tickers);
  return run_plan(context, *session, plan,
                  {.job = "materialize",
                   .partition_key = options.asset + "|" + options.partition,
                   .params_json = nlohmann::json{{"asset", options.asset},
                                                 {"tickers", tickers},
                                                 {"source", session->source_name}}
                                      .dump(),
                   .quiet = options.quiet});
}

int run_step(CommandContext& context, const CellOptions& options) {
  context.init_file_logging();
  auto session = open_pipeline(context, options.source, as_of_for(options.partition));
  const std::vector<std::string> tickers = split_comma_list(options.tickers);
  const orchestrator::RunPlan plan =
      orchestrator::plan_cells(session->definitions, options.asset, {options.partition}, tickers);
  orchestrator::RunReport report;
  const std::string partition_key = options.asset + "|" + options.partition;
  std::streambuf* saved = std::cout.rdbuf(nullptr);  // the JSON line is the only stdout
  int code = kExitRuntime;
  try {
    code = run_plan(context, *session, plan,
                    {.job = "step", .partition_key = partition_key, .quiet = true}, &report);
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);
  nlohmann::json line = {
      {"run_id", report.run.run_id},
      {"asset", options.asset},
      {"partition", options.partition},
      {"status",
       report.blocked_by ? "blocked" : std::string(storage::run_status_name(report.run.status))}};
  if (!report.steps.empty()) {
    const orchestrator::StepReport& step = report.steps.front();
    line["attempts"] = step.attempts;
    line["rows"] = step.rows;
    line["seconds"] = step.seconds;
    line["failed_tickers"] = step.failed_tickers;
    if (!step.error.empty()) line["error"] = step.error;
    if (step.error_category) line["category"] = category_name(*step.error_category);
  }
  std::cout << line.dump() << "\n";
  return code;
}

void add_cell_options(CLI::App& command, CellOptions& options) {
  command.add_option("asset", options.asset, "The asset (gogooku3 status lists them)")->required();
  command.add_option("--tickers", options.tickers,
                     "Comma-separated tickers to redo (per-ticker assets)");
  command.add_option("--source", options.source, "sample, jquants or auto (pipeline.source)");
}

}  // namespace

Command register_materialize_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CellOptions>();
  CLI::App* command =
      app.add_subcommand("materialize", "Materialize one partition of an asset (some tickers)");
  add_global_options(*command, context.globals);
  add_cell_options(*command, *options);
  command->add_option("--date", options->partition, "The business day (YYYY-MM-DD)")->required();
  command->add_flag("--quiet", options->quiet, "No progress line");
  return {command, [&context, options] { return run_materialize(context, *options); }};
}

Command register_step_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CellOptions>();
  CLI::App* command = app.add_subcommand(
      "step", "Run one step (ASSET PARTITION) in this process and print a JSON result line");
  add_global_options(*command, context.globals);
  add_cell_options(*command, *options);
  command->add_option("partition", options->partition, "The partition key (YYYY-MM-DD)")
      ->required();
  return {command, [&context, options] { return run_step(context, *options); }};
}

}  // namespace gogooku3::cli
