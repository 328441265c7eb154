// `gogooku3 train --from D1 --to D2 --out DIR`: trains ATFT-GAT-FAN with purged walk-forward
// cross-validation on the lake's features, fits the Ridge and XGBoost baselines on the same
// folds, and writes the model, its metrics and the watchdog history to DIR (ml/train/trainer.h
// describes the directory). `--resume` continues a killed run from its last checkpoint with
// the options it was started with.
//
// Options: `--profile cpu|gpu` picks the sizes; `--options FILE.json` overrides any field of
// ml::TrainOptions (the run's DIR/options.json shows them all); the flags below override both.
// The model's feature count is always the active manifest's.
//
// When the data is the built-in sample market (pipeline.source resolves to `sample`), the
// metrics also carry the simulator's oracle RankIC for the same test days: the ceiling a model
// could reach. --stocks must then be the universe size the lake was built with (the demo's 300
// or sample.stocks).
//
// Exit status: 0 trained, 1 stopped by the Variance Watchdog (metrics.json says why), 2 usage,
// 3 runtime error.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "cli/training_report.h"
#include "ml/dataset/panel.h"
#include "ml/train/sample_oracle.h"
#include "ml/train/trainer.h"

namespace gogooku3::cli {
namespace {

struct TrainCommandOptions {
  std::string from;
  std::string to;
  std::string out;
  std::string profile = "cpu";
  std::string options_file;
  std::optional<int> epochs;
  std::optional<int> folds;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  std::optional<int> stocks;
  std::string name;
  bool no_baselines = false;
  bool resume = false;
  bool quiet = false;
};

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read {}", path.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw UsageError(fmt::format("{} is not valid JSON: {}", path.string(), error.what()));
  }
}

ml::TrainOptions train_options(const TrainCommandOptions& cli, size_t features) {
  const std::filesystem::path out(cli.out);
  if (cli.resume) return ml::TrainOptions::from_json(read_json_file(out / "options.json"));
  nlohmann::json patch =
      cli.options_file.empty() ? nlohmann::json::object() : read_json_file(cli.options_file);
  if (!patch.contains("profile")) patch["profile"] = cli.profile;
  patch["model"]["features"] = features;
  if (cli.epochs) patch["epochs"] = *cli.epochs;
  if (cli.folds) patch["cv"]["folds"] = *cli.folds;
  if (cli.seed) patch["seed"] = *cli.seed;
  if (cli.threads) patch["threads"] = *cli.threads;
  if (cli.no_baselines) patch["baselines"] = false;
  try {
    return ml::TrainOptions::from_json(patch);
  } catch (const Error& error) {
    throw UsageError(error.what());
  }
}

int run_train(CommandContext& context, const TrainCommandOptions& cli) {
  if (cli.out.empty()) throw UsageError("--out DIR is required");
  context.init_file_logging();
  const TradingCalendar calendar = context.calendar();
  const Date from = parse_date_option(cli.from, "--from");
  const Date to = parse_date_option(cli.to, "--to");
  if (from >= to) throw UsageError("--from must be before --to");
  auto session = open_pipeline(context, "", to, cli.stocks);
  const features::FeatureManifest& manifest = *session->resources.manifest;
  const ml::TrainOptions options = train_options(cli, manifest.features().size());

  if (!cli.quiet) {
    std::cout << fmt::format("loading {} for {} .. {}\n", manifest.dataset(), from.to_string(),
                             to.to_string());
  }
  const ml::Panel panel = ml::load_panel(session->configured.lake, calendar, manifest, from, to);
  const ml::Dataset dataset(panel, options.dataset);
  if (!cli.quiet) {
    std::cout << fmt::format("{} days x {} stocks x {} features; profile {}, {} folds, {} epochs\n",
                             panel.num_days(), panel.num_codes(), panel.num_features(),
                             options.profile, options.cv.folds, options.epochs);
  }

  ml::TrainContext train_context;
  train_context.out = cli.out;
  train_context.manifest_hash = manifest.hash();
  train_context.model_name = cli.name;
  train_context.resume = cli.resume;
  std::unique_ptr<ml::SampleOracle> oracle;
  if (session->source_name == "sample") {
    oracle = sample_oracle_for(context, dataset, options, cli.stocks);
    attach_oracle(train_context, *oracle, options);
  }
  if (!cli.quiet) train_context.on_progress = print_training_progress;
  const ml::TrainResult result = ml::train_model(dataset, options, train_context);
  if (!cli.quiet) print_training_summary(result.metrics, options);
  std::cout << fmt::format("\ntrained in {:.0f} s; model, metrics.json and watchdog.json in {}\n",
                           result.seconds, cli.out);
  if (!result.early_stop_reason.empty()) {
    std::cout << fmt::format(
        "stopped early: {} (predictions stopped varying across stocks; see watchdog.json)\n",
        result.early_stop_reason);
    return kExitNo;
  }
  return kExitOk;
}

}  // namespace

Command register_train_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<TrainCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "train", "Train ATFT-GAT-FAN with purged walk-forward CV, baselines and metrics");
  add_global_options(*command, context.globals);
  command->add_option("--from", options->from, "First feature day")->required();
  command->add_option("--to", options->to, "Last feature day")->required();
  command->add_option("--out", options->out, "Output directory (model, metrics.json, checkpoints)")
      ->required();
  command->add_option("--profile", options->profile, "Sizes: cpu (default) or gpu")
      ->check(CLI::IsMember({"cpu", "gpu"}));
  command->add_option("--options", options->options_file,
                      "JSON file overriding training options (see DIR/options.json)");
  command->add_option("--epochs", options->epochs, "Epochs per fold");
  command->add_option("--folds", options->folds, "Walk-forward folds");
  command->add_option("--seed", options->seed, "Random seed");
  command->add_option("--threads", options->threads, "CPU threads (default: every core)");
  command->add_option("--stocks", options->stocks,
                      "Sample market size the lake was built with (for the oracle)");
  command->add_option("--name", options->name, "Model name (default: the --out directory's name)");
  command->add_flag("--no-baselines", options->no_baselines, "Skip Ridge and XGBoost");
  command->add_flag("--resume", options->resume, "Continue a killed run from its checkpoint");
  command->add_flag("--quiet", options->quiet, "No progress lines");
  return {command, [&context, options] { return run_train(context, *options); }};
}

}  // namespace gogooku3::cli
