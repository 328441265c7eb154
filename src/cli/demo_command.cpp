// `gogooku3 demo` (what `make run` runs): the whole daily pipeline on the built-in sample
// market, on a fresh machine, with no key and no config.
//   1. backfills the history the feature manifest needs (its window plus a week of business
//      days before the latest closed day) into the lake, in chunks, resumably;
//   2. runs the daily job for the latest closed day, as the scheduler would after the close;
//   3. prints what ran (per asset: steps, partitions, rows, seconds), quarantined rows by rule,
//      the feature set, the timings, and where everything is and how to look at it.
// Default scale: 300 stocks (a few minutes on 2 cores); --stocks 4000 is the full universe.
// Running it again only runs what is missing (and the daily job, which replaces its day).
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "orchestrator/run_plan.h"

namespace gogooku3::cli {
namespace {

struct DemoOptions {
  int stocks = 300;
  std::string date;
  int extra_days = 5;
  bool quiet = false;
};

// Quarantined rows by "<contract>.<rule>", summed over the materializations of `run_id`.
std::map<std::string, std::int64_t> quarantined_by_rule(const storage::MetadataStore& store,
                                                        const std::string& run_id) {
  std::map<std::string, std::int64_t> by_rule;
  for (const storage::Event& event : store.events_for_run(run_id)) {
    if (event.kind != storage::EventKind::kMaterialization) continue;
    const nlohmann::json payload = nlohmann::json::parse(event.payload_json);
    if (!payload.contains("metadata") || !payload["metadata"].contains("findings")) continue;
    const std::string prefix = event.asset == "prices" ? "bars_daily." : "";
    for (const auto& [rule, count] : payload["metadata"]["findings"].items()) {
      by_rule[prefix + rule] += count.get<std::int64_t>();
    }
  }
  return by_rule;
}

void print_section(const std::string& title) { std::cout << "\n== " << title << " ==\n"; }

int run_demo(CommandContext& context, const DemoOptions& options) {
  if (options.stocks < 10 || options.stocks > 20000) {
    throw UsageError("--stocks must be between 10 and 20000");
  }
  context.init_file_logging();
  const auto started = std::chrono::steady_clock::now();
  const TradingCalendar calendar = context.calendar();
  const Date day = options.date.empty() ? latest_closed_day(calendar)
                                        : parse_date_option(options.date, "--date");
  if (!calendar.is_business_day(day)) {
    throw UsageError(fmt::format("--date {} is not a TSE business day ({})", day.to_string(),
                                 calendar.describe(day).reason));
  }
  auto session = open_pipeline(context, "sample", day, options.stocks);
  const features::FeatureManifest& manifest = *session->resources.manifest;
  const int history = manifest.window_business_days() + options.extra_days;
  const Date first = calendar.add_business_days(day, -history);
  const Date last_history = calendar.previous_business_day(day);
  const std::vector<std::string> assets = session->definitions.job(pipeline::kDailyJob).assets;
  storage::MetadataStore& store = *session->configured.metadata;

  std::cout << fmt::format(
      "gogooku3 demo: the sample market ({} stocks, seed {}), {} business days of history "
      "{} .. {}, then the daily job for {}\nhome: {}\n",
      options.stocks, context.config().get_integer("sample.seed"), history, first.to_string(),
      last_history.to_string(), day.to_string(), context.home().string());

  print_section("1. backfill the history");
  orchestrator::PlanOptions plan_options;
  plan_options.skip_materialized = &store;
  const orchestrator::RunPlan backfill = orchestrator::plan_partitions(
      session->definitions, assets, first, last_history, plan_options);
  orchestrator::RunReport backfill_report;
  const int backfill_code =
      run_plan(context, *session, backfill,
               {.job = "backfill",
                .partition_key = first.to_string() + ".." + last_history.to_string(),
                .params_json = nlohmann::json{{"source", "sample"}, {"assets", assets}}.dump(),
                .quiet = options.quiet},
               &backfill_report);
  if (backfill_code != kExitOk) return backfill_code;

  print_section(fmt::format("2. the daily job for {}", day.to_string()));
  const orchestrator::RunPlan daily =
      orchestrator::plan_partitions(session->definitions, assets, day, day);
  orchestrator::RunReport daily_report;
  const int daily_code = run_plan(context, *session, daily,
                                  {.job = std::string(pipeline::kDailyJob),
                                   .partition_key = day.to_string(),
                                   .params_json = nlohmann::json{{"source", "sample"}}.dump(),
                                   .quiet = options.quiet},
                                  &daily_report);
  if (daily_code != kExitOk) return daily_code;

  print_section("3. quarantined rows by rule (history + today)");
  std::map<std::string, std::int64_t> rules;
  for (const orchestrator::RunReport* report : {&backfill_report, &daily_report}) {
    if (report->run.run_id.empty()) continue;
    for (const auto& [rule, count] : quarantined_by_rule(store, report->run.run_id)) {
      rules[rule] += count;
    }
  }
  if (rules.empty()) std::cout << "  none: every row passed its contract\n";
  for (const auto& [rule, count] : rules) std::cout << fmt::format("  {:<44} {:>8}\n", rule, count);

  print_section("4. features");
  std::cout << fmt::format("  manifest {} ({}): {} active features, window {} business days\n",
                           manifest.hash(), manifest.origin(), manifest.features().size(),
                           manifest.window_business_days());
  const std::optional<storage::PartitionStatus> today =
      store.get_partition_status(manifest.dataset(), day.to_string());
  if (today) {
    std::cout << fmt::format("  {} for {}: {} stocks x {} features, {} bytes, {}\n",
                             manifest.dataset(), day.to_string(), today->row_count,
                             manifest.features().size(), today->byte_count, today->checksum);
  }

  print_section("5. timings");
  std::cout << fmt::format(
      "  backfill {:.1f} s ({} steps), daily job {:.2f} s, demo total {:.1f} s\n",
      backfill_report.seconds, backfill_report.steps.size(), daily_report.seconds,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  print_section("6. where things are and how to look at them");
  const std::string home = context.home().string();
  std::cout << fmt::format(
      "  lake      {home}/lake/  (raw/, clean/prices, quarantine/, {dataset}/: hive-partitioned "
      "Parquet)\n"
      "  metadata  {home}/gogooku3.db  (runs, events, partition status, checks)\n"
      "  logs      {home}/logs/\n"
      "  gogooku3 status --home {home}                      what is materialized\n"
      "  gogooku3 runs --home {home}                        the runs above\n"
      "  gogooku3 run show {run} --home {home}\n"
      "  gogooku3 parquet cat {home}/lake/{dataset}/date={day}/data.parquet --limit 5\n"
      "  DuckDB, pandas and polars read {home}/lake/{dataset}/ as hive-partitioned Parquet\n",
      fmt::arg("home", home), fmt::arg("dataset", manifest.dataset()),
      fmt::arg("run", daily_report.run.run_id), fmt::arg("day", day.to_string()));
  return kExitOk;
}

}  // namespace

Command register_demo_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* command = app.add_subcommand(
      "demo", "Backfill the sample market's history and run the daily job (what `make run` runs)");
  add_global_options(*command, context.globals);
  command->add_option("--stocks", options->stocks, "Sample universe size (4000: the full TSE)")
      ->capture_default_str();
  command->add_option("--date", options->date,
                      "The day of the daily job (default: the latest closed business day)");
  command
      ->add_option("--extra-days", options->extra_days,
                   "Business days of history beyond the feature window")
      ->capture_default_str();
  command->add_flag("--quiet", options->quiet, "No progress bars");
  return {command, [&context, options] { return run_demo(context, *options); }};
}

}  // namespace gogooku3::cli
