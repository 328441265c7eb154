// The command-line shell shared by every `gogooku3` command.
//
// Each command lives in its own file and registers itself with register_*_command(): it adds a
// CLI11 subcommand with its options and returns the action to run when that subcommand was
// chosen. Actions return the process exit code:
//   0 ok · 1 a "no" or a failed check · 2 usage error · 3 runtime error.
// Global options (--home, --config) are accepted on every command, before or after its name.
// The CommandContext resolves them lazily, so `--help` and pure queries touch no files.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/config.h"
#include "core/date.h"
#include "core/trading_calendar.h"
#include "storage/lake/lake.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRuntime = 3;

// A command line that cannot be run as written (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GlobalOptions {
  std::string home;         // --home, env GOGOOKU3_HOME, default ./var
  std::string config_file;  // --config, env GOGOOKU3_CONFIG, default: none (built-in defaults)
};

class CommandContext {
 public:
  GlobalOptions globals;

  std::filesystem::path home() const;
  // Loaded on first use; errors name the file and key.
  const Config& config();
  // The TSE calendar with the configured calendar.overrides_file applied.
  TradingCalendar calendar();
  // Console logging only: for commands that only answer a question.
  void init_console_logging();
  // Console + the JSON-lines file under home: for commands that change state.
  void init_file_logging();

 private:
  std::optional<Config> config_;
};

// The configured lake (lake.root) recording into the configured metadata database.
struct ConfiguredLake {
  std::unique_ptr<storage::MetadataStore> metadata;  // declared first: the lake points into it
  storage::Lake lake;
};
ConfiguredLake open_configured_lake(CommandContext& context);

using Action = std::function<int()>;

// A registered command: its CLI11 subcommand and what to run when it was chosen.
struct Command {
  CLI::App* app;
  Action action;
};

// Adds --home and --config to `command` (writing into the shared GlobalOptions).
void add_global_options(CLI::App& command, GlobalOptions& globals);

// "2026-09-22" for option `--is`; throws UsageError naming the option.
Date parse_date_option(const std::string& text, std::string_view option);

Command register_version_command(CLI::App& app, CommandContext& context);
Command register_config_command(CLI::App& app, CommandContext& context);
Command register_calendar_command(CLI::App& app, CommandContext& context);
Command register_db_command(CLI::App& app, CommandContext& context);
Command register_parquet_command(CLI::App& app, CommandContext& context);
Command register_lake_command(CLI::App& app, CommandContext& context);
Command register_ingest_command(CLI::App& app, CommandContext& context);
Command register_sample_command(CLI::App& app, CommandContext& context);
Command register_indicators_command(CLI::App& app, CommandContext& context);
Command register_features_command(CLI::App& app, CommandContext& context);
Command register_run_command(CLI::App& app, CommandContext& context);
Command register_backfill_command(CLI::App& app, CommandContext& context);
Command register_materialize_command(CLI::App& app, CommandContext& context);
Command register_step_command(CLI::App& app, CommandContext& context);
Command register_runs_command(CLI::App& app, CommandContext& context);
Command register_status_command(CLI::App& app, CommandContext& context);
Command register_demo_command(CLI::App& app, CommandContext& context);
Command register_scheduler_command(CLI::App& app, CommandContext& context);
Command register_warehouse_command(CLI::App& app, CommandContext& context);
Command register_train_command(CLI::App& app, CommandContext& context);
Command register_predict_command(CLI::App& app, CommandContext& context);

// Parses argv, runs the chosen command, maps errors to exit codes.
int run(int argc, char** argv);

}  // namespace gogooku3::cli
