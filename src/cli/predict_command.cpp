// `gogooku3 predict --date D --model DIR`: scores day D's stocks with a model that
// `gogooku3 train` wrote, and stores the result in the lake as predictions/<model>/date=D
// (ml/train/predictor.h has the columns). It reads only what the model needs: D's features,
// the lookback window before it, and the daily returns the day's stock graph is built from.
//
// The features must come from the manifest the model was trained on; the day must have its
// features in the lake (run the daily job, or `gogooku3 materialize features --date D`).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "ml/dataset/panel.h"
#include "ml/train/predictor.h"

namespace gogooku3::cli {
namespace {

struct PredictCommandOptions {
  std::string date;
  std::string model;
  int top = 5;
};

int run_predict(CommandContext& context, const PredictCommandOptions& options) {
  context.init_console_logging();
  const TradingCalendar calendar = context.calendar();
  const Date day = parse_date_option(options.date, "--date");
  if (!calendar.is_business_day(day)) {
    throw UsageError(fmt::format("--date {} is not a TSE business day ({})", day.to_string(),
                                 calendar.describe(day).reason));
  }
  const ml::ModelInfo info = ml::read_model_info(options.model);
  auto session = open_pipeline(context, "none", day);
  const features::FeatureManifest& manifest = *session->resources.manifest;
  if (manifest.hash() != info.manifest_hash) {
    throw Error(ErrorCategory::kInvalidInput,
                fmt::format("model {} was trained on features/{} and the active manifest is "
                            "features/{}: set features.manifest to the model's manifest, or "
                            "train a new model",
                            info.name, info.manifest_hash, manifest.hash()));
  }
  const int history = info.dataset.lookback + 5;
  const Date from = calendar.add_business_days(day, -history);
  const ml::Panel panel = ml::load_panel(session->configured.lake, calendar, manifest, from, day);
  const auto found = std::find(panel.days.begin(), panel.days.end(), day);
  if (found == panel.days.end()) {
    throw not_found("{} has no features for {}: run `gogooku3 materialize features --date {}`",
                    manifest.dataset(), day.to_string(), day.to_string());
  }
  const ml::Dataset dataset(panel, info.dataset);
  const Table predictions =
      ml::predict_day(options.model, dataset, static_cast<size_t>(found - panel.days.begin()));
  const std::string dataset_name = ml::predictions_dataset(info.name);
  const storage::LakePartition written =
      session->configured.lake.write_partition(dataset_name, day, predictions);
  std::cout << fmt::format(
      "{}: {} rows ({} stocks x {} horizons) -> {}/date={}\n", day.to_string(), written.rows,
      predictions.num_rows() / std::max<size_t>(1, info.config.horizons.size()),
      info.config.horizons.size(), dataset_name, day.to_string());
  // The top of the 5-day ranking (or the first horizon's), for a person to glance at.
  const auto& horizon = predictions.column("horizon").as<int32_t>();
  const auto& rank = predictions.column("rank").as<int32_t>();
  const auto& code = predictions.column("code").as<std::string>();
  const auto& median = predictions.column("q50").as<float>();
  const int shown_horizon = std::find(info.config.horizons.begin(), info.config.horizons.end(),
                                      5) != info.config.horizons.end()
                                ? 5
                                : info.config.horizons.front();
  std::vector<size_t> top;
  for (size_t i = 0; i < predictions.num_rows(); ++i) {
    if (horizon[i] == shown_horizon && rank[i] <= options.top) top.push_back(i);
  }
  std::sort(top.begin(), top.end(), [&](size_t a, size_t b) { return rank[a] < rank[b]; });
  if (!top.empty()) {
    std::cout << fmt::format("top {} by {}-day median:", top.size(), shown_horizon);
    for (size_t i : top) std::cout << fmt::format(" {} ({:+.2f})", code[i], median[i]);
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

Command register_predict_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<PredictCommandOptions>();
  CLI::App* command =
      app.add_subcommand("predict", "Score a day's stocks with a trained model into the lake");
  add_global_options(*command, context.globals);
  command->add_option("--date", options->date, "The day to score (its features must exist)")
      ->required();
  command->add_option("--model", options->model, "A directory written by `gogooku3 train`")
      ->required();
  command->add_option("--top", options->top, "How many top-ranked stocks to print (default 5)");
  return {command, [&context, options] { return run_predict(context, *options); }};
}

}  // namespace gogooku3::cli
