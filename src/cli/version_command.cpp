// `gogooku3 version`: what this binary is, for bug reports and run metadata.
#include <iostream>

#include "cli/build_info.h"
#include "cli/command.h"

namespace gogooku3::cli {

Command register_version_command(CLI::App& app, CommandContext& context) {
  CLI::App* command = app.add_subcommand("version", "Print the version and how it was built");
  add_global_options(*command, context.globals);
  return {command, [] {
            const BuildInfo& info = build_info();
            std::cout << "gogooku3 " << info.version << "\n"
                      << "revision  " << info.revision << "\n"
                      << "build     " << info.build_type << ", " << __VERSION__ << ", C++"
                      << __cplusplus / 100 % 100 << "\n";
            return kExitOk;
          }};
}

}  // namespace gogooku3::cli
