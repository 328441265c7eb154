// `gogooku3 backfill --from D1 --to D2 [--assets a,b] [--chunk-days N] [--force]`: materialize
// every business day of a range, in chunks (a step does up to 20 days of one asset), with a
// progress bar and ETA. Resumable: partitions already materialized (with no failed tickers)
// are left out, so after a crash, kill -9 or Ctrl-C the same command finishes the rest and
// the lake ends byte-identical to an uninterrupted backfill. --force redoes everything.
// Assets default to the daily job's; naming some runs only those (their upstream partitions
// must exist already).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "orchestrator/run_plan.h"

namespace gogooku3::cli {
namespace {

struct BackfillOptions {
  std::string from;
  std::string to;
  std::string assets;
  std::string source;
  int chunk_days = 0;
  bool force = false;
  bool quiet = false;
};

int run_backfill(CommandContext& context, const BackfillOptions& options) {
  const Date from = parse_date_option(options.from, "--from");
  const Date to = parse_date_option(options.to, "--to");
  if (to < from) {
    throw UsageError(fmt::format("--to {} is before --from {}", to.to_string(), from.to_string()));
  }
  if (options.chunk_days < 0) throw UsageError("--chunk-days must be positive");
  context.init_file_logging();
  const TradingCalendar calendar = context.calendar();
  const std::vector<Date> days = calendar.business_days(from, to);
  if (days.empty()) {
    std::cerr << "no TSE business day between " << from.to_string() << " and " << to.to_string()
              << "\n";
    return kExitNo;
  }
  auto session = open_pipeline(context, options.source, days.back());
  std::vector<std::string> assets = split_comma_list(options.assets);
  if (assets.empty()) assets = session->definitions.job(pipeline::kDailyJob).assets;
  orchestrator::PlanOptions plan_options;
  plan_options.chunk_days = options.chunk_days;
  if (!options.force) plan_options.skip_materialized = session->configured.metadata.get();
  const orchestrator::RunPlan plan = orchestrator::plan_partitions(
      session->definitions, assets, days.front(), days.back(), plan_options);
  const std::size_t all = assets.size() * days.size();
  if (!options.quiet && plan.partition_count() < all) {
    std::cerr << fmt::format("{} of {} partitions are already materialized; doing the other {}\n",
                             all - plan.partition_count(), all, plan.partition_count());
  }
  const nlohmann::json params = {{"from", days.front().to_string()},
                                 {"to", days.back().to_string()},
                                 {"assets", assets},
                                 {"source", session->source_name}};
  return run_plan(context, *session, plan,
                  {.job = "backfill",
                   .partition_key = days.front().to_string() + ".." + days.back().to_string(),
                   .params_json = params.dump(),
                   .quiet = options.quiet});
}

}  // namespace

Command register_backfill_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<BackfillOptions>();
  CLI::App* command = app.add_subcommand(
      "backfill", "Materialize a range of business days (chunked, resumable, with progress)");
  add_global_options(*command, context.globals);
  command->add_option("--from", options->from, "First day (YYYY-MM-DD)")->required();
  command->add_option("--to", options->to, "Last day (YYYY-MM-DD)")->required();
  command->add_option("--assets", options->assets,
                      "Comma-separated assets (default: the daily job's)");
  command->add_option("--chunk-days", options->chunk_days,
                      "At most this many days per step (default: each asset's chunk)");
  command->add_option("--source", options->source, "sample, jquants or auto (pipeline.source)");
  command->add_flag("--force", options->force, "Redo partitions that are already materialized");
  command->add_flag("--quiet", options->quiet, "No progress bar");
  return {command, [&context, options] { return run_backfill(context, *options); }};
}

}  // namespace gogooku3::cli
