// `gogooku3 config show`: the effective configuration after defaults, the file and the
// environment, each value annotated with where it came from; secrets masked.
#include <iostream>

#include "cli/command.h"

namespace gogooku3::cli {

Command register_config_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("config", "Show the effective configuration");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  CLI::App* show =
      command->add_subcommand("show", "Print every key's effective value and its source");
  add_global_options(*show, context.globals);
  return {command, [&context] {
            std::cout << context.config().render_effective();
            return kExitOk;
          }};
}

}  // namespace gogooku3::cli
