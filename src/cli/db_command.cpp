// `gogooku3 db info`: opens the metadata database named by `metadata.url` (creating it and
// applying pending migrations, as every command that records runs will), then prints where it
// is, its schema version and how many rows each table holds.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "core/config.h"
#include "storage/metadata/metadata_url.h"
#include "storage/metadata/migrations.h"

namespace gogooku3::cli {

Command register_db_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("db", "The metadata database: runs, events, status");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  CLI::App* info = command->add_subcommand(
      "info", "Create or migrate the database, print its schema version and row counts");
  add_global_options(*info, context.globals);
  return {command, [&context] {
            context.init_file_logging();
            const std::string url = context.config().get_string("metadata.url");
            const auto store = storage::open_metadata_store(url, context.home());
            std::cout << "database        " << mask_url_password(url) << "\n"
                      << "schema version  " << store->schema_version()
                      << " (this binary: " << storage::latest_schema_version() << ")\n";
            for (const auto& [table, rows] : store->row_counts()) {
              std::cout << fmt::format("{:<18}{} rows\n", table, rows);
            }
            return kExitOk;
          }};
}

}  // namespace gogooku3::cli
