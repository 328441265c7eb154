// `gogooku3 warehouse verify [--from D1] [--to D2] [--dataset NAME]...`: the parallel-run
// consistency check between the lake and ClickHouse (storage/warehouse/warehouse_verify.h).
// One line per day and dataset — rows on each side, the content checksum, and where a day
// differs, the first difference — then a summary. Exit status 0 when every day agrees, 1 when
// any differs (so a cron job or CI step can alert on it), 3 when it could not check.
//
// Defaults: clean/prices and the active manifest's features dataset, the last 20 business days.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "storage/warehouse/warehouse_verify.h"

namespace gogooku3::cli {
namespace {

struct VerifyOptions {
  std::string from;
  std::string to;
  std::vector<std::string> datasets;
};

std::string short_checksum(const std::string& checksum) {
  return checksum.size() > 19 ? checksum.substr(0, 19) : (checksum.empty() ? "-" : checksum);
}

std::string rows_text(std::int64_t rows) { return rows < 0 ? "-" : std::to_string(rows); }

int run_verify(CommandContext& context, const VerifyOptions& options) {
  context.init_console_logging();
  const TradingCalendar calendar = context.calendar();
  const auto [from, to] = day_range_options(calendar, options.from, options.to);
  if (from > to) throw UsageError("--from is after --to");
  auto session = open_pipeline(context, "none", to);
  if (session->resources.warehouse == nullptr) {
    throw UsageError(
        "no warehouse is configured: set warehouse.clickhouse.url (or GOGOOKU3_CLICKHOUSE_URL)");
  }
  std::vector<std::string> datasets = options.datasets;
  if (datasets.empty()) {
    datasets = {"clean/prices", session->resources.manifest->dataset()};
  }
  const storage::warehouse::VerifyReport report = storage::warehouse::verify(
      session->configured.lake, *session->resources.warehouse, datasets, from, to);
  std::cout << fmt::format("{} vs {}, {} .. {}\n", session->configured.lake.store().url(),
                           session->resources.warehouse->client().describe(), from.to_string(),
                           to.to_string());
  std::cout << fmt::format("{:<24} {:<10} {:>9} {:>9}  {:<19}  {}\n", "dataset", "date", "lake",
                           "warehouse", "checksum", "result");
  for (const storage::warehouse::VerifyDay& day : report.days) {
    std::cout << fmt::format("{:<24} {:<10} {:>9} {:>9}  {:<19}  {}\n", day.dataset,
                             day.date.to_string(), rows_text(day.lake_rows),
                             rows_text(day.warehouse_rows),
                             short_checksum(day.ok() ? day.lake_checksum : day.warehouse_checksum),
                             day.ok() ? "ok" : "DIFFERS: " + day.difference);
  }
  const std::int64_t mismatches = report.mismatches();
  std::cout << fmt::format("{} day(s) checked, {} differ\n", report.days.size(), mismatches);
  if (mismatches > 0) {
    std::cout << "reload a day with: gogooku3 materialize warehouse_prices --date D "
                 "(or warehouse_features)\n";
    return kExitNo;
  }
  return kExitOk;
}

}  // namespace

Command register_warehouse_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* command = app.add_subcommand("warehouse", "The ClickHouse warehouse");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  CLI::App* verify =
      command->add_subcommand("verify", "Compare row counts and checksums of lake and warehouse");
  add_global_options(*verify, context.globals);
  verify->add_option("--from", options->from, "First day (default: 20 business days back)");
  verify->add_option("--to", options->to, "Last day (default: today)");
  verify->add_option("--dataset", options->datasets,
                     "A lake dataset (repeatable; default clean/prices and the features)");
  return {command, [&context, options] { return run_verify(context, *options); }};
}

}  // namespace gogooku3::cli
