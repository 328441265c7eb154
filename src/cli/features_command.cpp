// `gogooku3 features`: the feature catalog, the active manifest, and the features asset.
//   features list [--active] [--family F] [--json]   every feature, or the active set
//   features describe NAME                           one feature in full
//   features manifest                                the active set: hash, size, window, families
//   features compute --date D | --from D1 --to D2    compute into features/<hash>/date=D/
//   features correlate --from D1 --to D2 [--above R] active pairs with |Pearson| >= R
// The active set is config/features.yaml as built into the binary, or the file named by the
// features.manifest key (or --manifest).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/config.h"
#include "core/error.h"
#include "core/trading_calendar.h"
#include "features/catalog/catalog.h"
#include "features/engine.h"
#include "features/feature_correlation.h"
#include "features/feature_inputs.h"
#include "features/features_asset.h"
#include "features/manifest.h"
#include "storage/lake/lake.h"
#include "storage/metadata/metadata_url.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::cli {
namespace {

struct FeaturesCommandOptions {
  bool active = false;
  bool json = false;
  std::string family;
  std::string name;
  std::string manifest;
  std::string date;
  std::string from;
  std::string to;
  double above = 0.95;
  int top = 20;
  bool quiet = false;
};

features::FeatureManifest active_manifest(CommandContext& context,
                                          const FeaturesCommandOptions& options) {
  std::string path = options.manifest;
  if (path.empty()) path = context.config().get_path("features.manifest").string();
  return path.empty() ? features::FeatureManifest::built_in()
                      : features::FeatureManifest::load(path);
}

std::pair<Date, Date> date_range(const FeaturesCommandOptions& options) {
  if (!options.date.empty()) {
    if (!options.from.empty() || !options.to.empty()) {
      throw UsageError("give --date or --from/--to, not both");
    }
    const Date day = parse_date_option(options.date, "--date");
    return {day, day};
  }
  if (options.from.empty() || options.to.empty()) {
    throw UsageError("give --date D or both --from D1 and --to D2");
  }
  return {parse_date_option(options.from, "--from"), parse_date_option(options.to, "--to")};
}

nlohmann::json to_json(const features::FeatureDef& f) {
  return {{"name", f.name},
          {"family", f.family},
          {"stage", features::stage_name(f.stage)},
          {"parameters", f.parameters},
          {"lookback", f.lookback},
          {"memory", f.memory},
          {"history_business_days", features::history_business_days(f)},
          {"inputs", f.inputs},
          {"description", f.description}};
}

int run_list(CommandContext& context, const FeaturesCommandOptions& options) {
  std::vector<const features::FeatureDef*> shown;
  if (options.active) {
    const features::FeatureManifest manifest = active_manifest(context, options);
    shown = manifest.features();
  } else {
    for (const auto& f : features::catalog().all()) shown.push_back(&f);
  }
  if (!options.family.empty()) {
    std::erase_if(shown,
                  [&](const features::FeatureDef* f) { return f->family != options.family; });
    if (shown.empty()) {
      throw UsageError(fmt::format("--family {}: no such family; families: {}", options.family,
                                   fmt::join(features::catalog().families(), ", ")));
    }
  }
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* f : shown) out.push_back(to_json(*f));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("{:<32} {:<16} {:<13} {:>8}  {}\n", "name", "family", "stage",
                           "lookback", "description");
  for (const auto* f : shown) {
    std::cout << fmt::format("{:<32} {:<16} {:<13} {:>8}  {}\n", f->name, f->family,
                             features::stage_name(f->stage), f->lookback, f->description);
  }
  std::cout << fmt::format("{} features{}\n", shown.size(),
                           options.active ? " (active)" : " in the catalog");
  return kExitOk;
}

int run_describe(CommandContext& context, const FeaturesCommandOptions& options) {
  const features::FeatureDef* f = features::catalog().find(options.name);
  if (f == nullptr) {
    try {
      features::catalog().get(options.name);
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
  }
  bool active = false;
  const features::FeatureManifest manifest = active_manifest(context, options);
  for (const auto* a : manifest.features()) active |= a == f;
  std::cout << fmt::format(
      "name         {}\nfamily       {}\nstage        {}\nparameters   {}\ninputs       {}\n"
      "lookback     {} {}\nmemory       {} bars (recursive smoothing: see docs/features.md)\n"
      "history      {} business days for one new day\nactive       {}\n"
      "description  {}\n",
      f->name, f->family, features::stage_name(f->stage),
      f->parameters.empty() ? "-" : f->parameters, fmt::join(f->inputs, ", "), f->lookback,
      f->stage == features::FeatureStage::kFlow || f->stage == features::FeatureStage::kMargin
          ? "weeks"
          : "bars",
      f->memory, features::history_business_days(*f), active ? "yes" : "no", f->description);
  return kExitOk;
}

int run_manifest(CommandContext& context, const FeaturesCommandOptions& options) {
  const features::FeatureManifest manifest = active_manifest(context, options);
  std::map<std::string, int> by_family;
  for (const auto* f : manifest.features()) ++by_family[f->family];
  std::cout << fmt::format(
      "manifest  {}\nhash      {}\ndataset   {}\nfeatures  {} active of {} "
      "in the catalog\nwindow    {} business days of history per new day\n",
      manifest.origin(), manifest.hash(), manifest.dataset(), manifest.features().size(),
      features::catalog().size(), manifest.window_business_days());
  for (const std::string& family : features::catalog().families()) {
    std::cout << fmt::format("  {:<16} {:>3}\n", family, by_family[family]);
  }
  return kExitOk;
}

int run_compute(CommandContext& context, const FeaturesCommandOptions& options) {
  const auto [from, to] = date_range(options);
  context.init_file_logging();
  const Config& config = context.config();
  const features::FeatureManifest manifest = active_manifest(context, options);
  const TradingCalendar calendar = context.calendar();
  ConfiguredLake configured = open_configured_lake(context);
  storage::Lake& lake = configured.lake;
  features::FeaturesAssetOptions asset_options;
  asset_options.max_threads = static_cast<int>(config.get_integer("features.threads"));
  if (!options.quiet) {
    asset_options.on_day = [](Date day, int64_t rows) {
      std::cerr << fmt::format("{}  {} rows\n", day.to_string(), rows);
    };
  }
  const auto started = std::chrono::steady_clock::now();
  const features::FeaturesAssetSummary s =
      features::build_features(lake, calendar, manifest, from, to, asset_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format(
      "features {} .. {}: {} days, {} rows x {} features into {}\n"
      "  read {:.2f} s, compute {:.2f} s, write {:.2f} s (overlapped), total {:.2f} s\n",
      from.to_string(), to.to_string(), s.days, s.rows, manifest.features().size(),
      manifest.dataset(), s.read_seconds, s.compute_seconds, s.write_seconds, seconds);
  return kExitOk;
}

int run_correlate(CommandContext& context, const FeaturesCommandOptions& options) {
  const auto [from, to] = date_range(options);
  const features::FeatureManifest manifest = active_manifest(context, options);
  const TradingCalendar calendar = context.calendar();
  ConfiguredLake configured = open_configured_lake(context);
  storage::Lake& lake = configured.lake;
  const features::FeatureInputs inputs =
      features::load_feature_inputs(lake, calendar, from, to, manifest.window_business_days());
  const Table table = features::compute_features(
      {inputs.prices, inputs.topix, inputs.investor_types, inputs.margin_interest},
      manifest.features(), from, to);
  const auto pairs = features::pairwise_correlations(table);
  size_t above = 0;
  for (const auto& p : pairs) above += std::abs(p.correlation) >= options.above ? 1 : 0;
  std::cout << fmt::format("{} rows, {} features, {} pairs; {} with |rho| >= {}\n",
                           table.num_rows(), manifest.features().size(), pairs.size(), above,
                           options.above);
  const size_t shown = std::min(pairs.size(), std::max(above, static_cast<size_t>(options.top)));
  for (size_t i = 0; i < shown; ++i) {
    std::cout << fmt::format("{:>8.4f}  {:<28} {:<28} ({} rows)\n", pairs[i].correlation,
                             pairs[i].first, pairs[i].second, pairs[i].rows);
  }
  return above == 0 ? kExitOk : kExitNo;
}

}  // namespace

Command register_features_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<FeaturesCommandOptions>();
  CLI::App* command = app.add_subcommand("features",
                                         "The feature catalog, the active manifest, the features "
                                         "asset (compute into the lake)");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  const auto manifest_option = [&](CLI::App* sub) {
    sub->add_option("--manifest", options->manifest,
                    "Feature manifest YAML (default: features.manifest, else the built-in "
                    "config/features.yaml)");
  };
  CLI::App* list = command->add_subcommand("list", "List the catalog (or the active set)");
  list->add_flag("--active", options->active, "Only the active manifest's features");
  list->add_option("--family", options->family, "Only this family");
  list->add_flag("--json", options->json, "JSON instead of a table");
  manifest_option(list);
  CLI::App* describe = command->add_subcommand("describe", "One feature in full");
  describe->add_option("name", options->name, "Feature name, e.g. rsi_14")->required();
  manifest_option(describe);
  CLI::App* manifest = command->add_subcommand("manifest", "The active feature set");
  manifest_option(manifest);
  CLI::App* compute = command->add_subcommand(
      "compute", "Compute business days into features/<hash>/date=D/ from clean prices");
  CLI::App* correlate = command->add_subcommand(
      "correlate", "Pairwise Pearson correlation of the active features over a date range");
  for (CLI::App* sub : {compute, correlate}) {
    sub->add_option("--date", options->date, "One day (YYYY-MM-DD)");
    sub->add_option("--from", options->from, "First day of a range");
    sub->add_option("--to", options->to, "Last day of a range");
    manifest_option(sub);
  }
  compute->add_flag("--quiet", options->quiet, "No per-day progress lines");
  correlate->add_option("--above", options->above, "Report pairs with |rho| at or above this")
      ->capture_default_str();
  correlate->add_option("--top", options->top, "Show at least this many pairs")
      ->capture_default_str();
  for (CLI::App* sub : {list, describe, manifest, compute, correlate}) {
    add_global_options(*sub, context.globals);
  }
  return {command, [&context, options, list, describe, manifest, compute, correlate] {
            if (list->parsed()) return run_list(context, *options);
            if (describe->parsed()) return run_describe(context, *options);
            if (manifest->parsed()) return run_manifest(context, *options);
            if (compute->parsed()) return run_compute(context, *options);
            if (correlate->parsed()) return run_correlate(context, *options);
            return kExitUsage;
          }};
}

}  // namespace gogooku3::cli
