// `gogooku3 demo` (what `make run` runs): the whole daily pipeline on the built-in sample
// market, on a fresh machine, with no key and no config.
//   1. backfills the history the feature manifest needs (its window plus a week of business
//      days before the latest closed day) into the lake, in chunks, resumably;
//   2. runs the daily job for the latest closed day, as the scheduler would after the close;
//   3. prints what ran (per asset: steps, partitions, rows, seconds), quarantined rows by rule,
//      the feature set;
//   4. trains ATFT-GAT-FAN briefly (two walk-forward folds, with the Ridge and XGBoost
//      baselines and the sample market's oracle for comparison) and writes the daily job's
//      day's predictions to the lake;
//   5. prints the timings, and where everything is and how to look at it.
// Default scale: 300 stocks (a few minutes on 2 cores); --stocks 4000 is the full universe.
// Running it again only runs what is missing (and the daily job, which replaces its day).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "cli/training_report.h"
#include "ml/dataset/panel.h"
#include "ml/train/predictor.h"
#include "ml/train/trainer.h"
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

// The demo's training run: the CPU profile, cut to two walk-forward folds of two short epochs,
// so that it takes about a minute on 300 stocks. A real run is `gogooku3 train`.
ml::TrainOptions demo_training_options(size_t features) {
  ml::TrainOptions options = ml::TrainOptions::cpu_profile();
  options.model.features = static_cast<int>(features);
  options.cv.folds = 2;
  options.cv.min_train_days = 252;
  options.cv.min_test_days = 63;
  options.epochs = 2;
  options.days_per_epoch = 60;
  options.xgboost.rounds = 100;
  options.baseline_day_stride = 3;
  return options;
}

// Trains on [first, day] (once per day: a second demo reuses the model) and scores `day`.
// Returns the model directory.
std::filesystem::path train_and_predict(CommandContext& context, PipelineSession& session,
                                        Date first, Date day, int stocks) {
  const features::FeatureManifest& manifest = *session.resources.manifest;
  const TradingCalendar calendar = context.calendar();
  const ml::Panel panel = ml::load_panel(session.configured.lake, calendar, manifest, first, day);
  const ml::TrainOptions options = demo_training_options(manifest.features().size());
  const ml::Dataset dataset(panel, options.dataset);
  const std::filesystem::path out = context.home() / "models" / ("demo-" + day.to_string());
  if (std::filesystem::exists(out / "metrics.json")) {
    std::cout << fmt::format("  already trained for {}: {}\n", day.to_string(), out.string());
  } else {
    std::filesystem::remove_all(out);  // an interrupted earlier demo
    ml::TrainContext train_context{.out = out, .manifest_hash = manifest.hash()};
    train_context.on_progress = print_training_progress;
    const std::unique_ptr<ml::SampleOracle> oracle =
        sample_oracle_for(context, dataset, options, stocks);
    attach_oracle(train_context, *oracle, options);
    const ml::TrainResult result = ml::train_model(dataset, options, train_context);
    print_training_summary(result.metrics, options);
    std::cout << fmt::format("  trained in {:.0f} s -> {}\n", result.seconds, out.string());
  }
  const size_t index = panel.days.size() - 1;
  const Table predictions = ml::predict_day(out, dataset, index);
  const ml::ModelInfo info = ml::read_model_info(out);
  session.configured.lake.write_partition(ml::predictions_dataset(info.name), day, predictions);
  const auto& horizon = predictions.column("horizon").as<int32_t>();
  const auto& rank = predictions.column("rank").as<int32_t>();
  const auto& code = predictions.column("code").as<std::string>();
  const auto& median = predictions.column("q50").as<float>();
  std::vector<std::pair<int32_t, size_t>> top;
  for (size_t i = 0; i < predictions.num_rows(); ++i) {
    if (horizon[i] == 5 && rank[i] <= 5) top.emplace_back(rank[i], i);
  }
  std::sort(top.begin(), top.end());
  std::cout << fmt::format("  predictions for the days after {} -> lake {}/date={} ({} rows)\n",
                           day.to_string(), ml::predictions_dataset(info.name), day.to_string(),
                           predictions.num_rows());
  std::cout << "  top 5 by the 5-day median:";
  for (const auto& [r, i] : top) std::cout << fmt::format(" {} ({:+.2f})", code[i], median[i]);
  std::cout << "\n";
  return out;
}

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

  print_section("5. ATFT-GAT-FAN: walk-forward training, baselines, next-day predictions");
  const auto training_started = std::chrono::steady_clock::now();
  const std::filesystem::path model_dir =
      train_and_predict(context, *session, first, day, options.stocks);
  const double training_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - training_started).count();

  print_section("6. timings");
  std::cout << fmt::format(
      "  backfill {:.1f} s ({} steps), daily job {:.2f} s, training + predictions {:.1f} s, "
      "demo total {:.1f} s\n",
      backfill_report.seconds, backfill_report.steps.size(), daily_report.seconds, training_seconds,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  print_section("7. where things are and how to look at them");
  const std::string home = context.home().string();
  std::cout << fmt::format(
      "  lake      {home}/lake/  (raw/, clean/prices, quarantine/, {dataset}/: hive-partitioned "
      "Parquet)\n"
      "  metadata  {home}/gogooku3.db  (runs, events, partition status, checks)\n"
      "  logs      {home}/logs/\n"
      "  model     {model}/  (metrics.json: model vs ridge vs xgboost per fold and horizon)\n"
      "  gogooku3 status --home {home}                      what is materialized\n"
      "  gogooku3 runs --home {home}                        the runs above\n"
      "  gogooku3 run show {run} --home {home}\n"
      "  gogooku3 parquet cat {home}/lake/{dataset}/date={day}/data.parquet --limit 5\n"
      "  DuckDB, pandas and polars read {home}/lake/{dataset}/ as hive-partitioned Parquet\n",
      fmt::arg("home", home), fmt::arg("dataset", manifest.dataset()),
      fmt::arg("run", daily_report.run.run_id), fmt::arg("day", day.to_string()),
      fmt::arg("model", model_dir.string()));
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
