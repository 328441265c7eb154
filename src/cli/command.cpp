#include "cli/command.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "storage/metadata/metadata_url.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::cli {

std::filesystem::path CommandContext::home() const {
  return std::filesystem::absolute(globals.home.empty() ? "var" : globals.home);
}

const Config& CommandContext::config() {
  if (!config_) config_ = Config::load(globals.config_file, home());
  return *config_;
}

TradingCalendar CommandContext::calendar() {
  TradingCalendar calendar;
  const std::filesystem::path overrides = config().get_path("calendar.overrides_file");
  if (!overrides.empty()) calendar.load_override_file(overrides);
  return calendar;
}

ConfiguredLake open_configured_lake(CommandContext& context) {
  const Config& config = context.config();
  auto metadata = storage::open_metadata_store(config.get_string("metadata.url"), context.home());
  storage::MetadataStore* recorder = metadata.get();
  return {std::move(metadata),
          storage::Lake(storage::open_object_store(config.get_string("lake.root"),
                                                   storage::s3_options_from_config(config)),
                        recorder)};
}

void CommandContext::init_console_logging() {
  log::init({.level = config().get_string("log.level"), .json_file = {}, .console = true});
}

void CommandContext::init_file_logging() {
  const std::filesystem::path file = config().get_path("log.file");
  if (!file.empty()) std::filesystem::create_directories(file.parent_path());
  log::init({.level = config().get_string("log.level"), .json_file = file, .console = true});
}

void add_global_options(CLI::App& command, GlobalOptions& globals) {
  command
      .add_option("--home", globals.home,
                  "Working directory: local lake, metadata database, logs (default ./var)")
      ->envname("GOGOOKU3_HOME")
      ->option_text("DIR");
  command.add_option("--config", globals.config_file, "YAML configuration file (default: none)")
      ->envname("GOGOOKU3_CONFIG")
      ->option_text("FILE");
}

Date parse_date_option(const std::string& text, std::string_view option) {
  try {
    return Date::parse(text);
  } catch (const Error& e) {
    throw UsageError(fmt::format("{} {}: {}", option, text, e.what()));
  }
}

int run(int argc, char** argv) {
  CLI::App app{
      "gogooku3 — the daily ML pipeline for Japanese equities: J-Quants ingest, features, "
      "Parquet lake, feature store, ATFT-GAT-FAN training and scoring, orchestrated.",
      "gogooku3"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("gogooku3 ") + GOGOOKU3_VERSION);
  CommandContext context;
  add_global_options(app, context.globals);

  const std::vector<Command> commands = {
      register_version_command(app, context),     register_config_command(app, context),
      register_calendar_command(app, context),    register_db_command(app, context),
      register_parquet_command(app, context),     register_lake_command(app, context),
      register_ingest_command(app, context),      register_sample_command(app, context),
      register_indicators_command(app, context),  register_features_command(app, context),
      register_run_command(app, context),         register_backfill_command(app, context),
      register_materialize_command(app, context), register_step_command(app, context),
      register_runs_command(app, context),        register_status_command(app, context),
      register_demo_command(app, context),        register_scheduler_command(app, context),
      register_warehouse_command(app, context),   register_train_command(app, context),
      register_predict_command(app, context),
  };
  app.footer(
      "Exit codes: 0 ok, 1 a 'no' or failed check, 2 usage error, 3 runtime error.\n"
      "Run 'gogooku3 COMMAND --help' for a command's options.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    for (const Command& command : commands) {
      if (command.app->parsed()) return command.action();
    }
    std::cerr << "error: no command given; see gogooku3 --help\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "usage error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const Error& e) {
    std::cerr << "error [" << category_name(e.category()) << "]: " << e.what() << "\n";
    return kExitRuntime;
  } catch (const std::exception& e) {
    std::cerr << "error [Internal]: " << e.what() << "\n";
    return kExitRuntime;
  }
}

}  // namespace gogooku3::cli
