// `gogooku3 lake ls [DATASET]`: what the lake (lake.root) holds. Without a dataset, one line
// per dataset with its number of days and date range; with one, one line per day with rows,
// bytes and checksum as recorded in the metadata database.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "storage/lake/lake.h"
#include "storage/metadata/metadata_url.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::cli {

Command register_lake_command(CLI::App& app, CommandContext& context) {
  auto dataset = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("lake", "The Parquet lake: datasets and partitions");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  CLI::App* ls = command->add_subcommand("ls", "List datasets, or the partitions of DATASET");
  add_global_options(*ls, context.globals);
  ls->add_option("DATASET", *dataset, "e.g. clean/prices");
  return {command, [&context, dataset] {
            context.init_console_logging();
            const ConfiguredLake configured = open_configured_lake(context);
            const storage::Lake& lake = configured.lake;
            if (dataset->empty()) {
              const std::vector<std::string> datasets = lake.datasets();
              if (datasets.empty()) std::cerr << lake.store().url() << " holds no partitions\n";
              for (const std::string& name : datasets) {
                const auto partitions = lake.list_partitions(name);
                std::cout << fmt::format("{:<40} {:>6} days  {} .. {}\n", name, partitions.size(),
                                         partitions.front().date.to_string(),
                                         partitions.back().date.to_string());
              }
              return kExitOk;
            }
            std::cout << fmt::format("{:<12} {:>10} {:>12}  {}\n", "date", "rows", "bytes",
                                     "checksum");
            for (const storage::LakePartition& p : lake.list_partitions(*dataset)) {
              std::cout << fmt::format("{:<12} {:>10} {:>12}  {}\n", p.date.to_string(),
                                       p.rows < 0 ? std::string("?") : std::to_string(p.rows),
                                       p.bytes, p.checksum.empty() ? "-" : p.checksum);
            }
            return kExitOk;
          }};
}

}  // namespace gogooku3::cli
