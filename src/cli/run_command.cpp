// `gogooku3 run`: the daily job, and looking at runs.
//   run daily [--date D] [--source sample|jquants]   every daily asset for D (default: the
//                                                    latest business day whose session closed)
//   run --from-failure RUN_ID                        only the steps and tickers that failed
//   run show RUN_ID [--events]                       steps, durations, errors (every event)
// Two `run daily` for the same day cannot run at once: the second says which run holds the
// day and exits 1. Ctrl-C cancels cleanly: running steps stop between partitions.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "orchestrator/run_plan.h"

namespace gogooku3::cli {
namespace {

struct RunCommandOptions {
  std::string from_failure;
  std::string date;
  std::string source;
  std::string run_id;
  bool events = false;
  bool quiet = false;
};

int run_daily(CommandContext& context, const RunCommandOptions& options) {
  context.init_file_logging();
  const TradingCalendar calendar = context.calendar();
  const Date day = options.date.empty() ? latest_closed_day(calendar)
                                        : parse_date_option(options.date, "--date");
  if (!calendar.is_business_day(day)) {
    std::cerr << day.to_string() << " is not a TSE business day (" << calendar.describe(day).reason
              << "): the daily job has nothing to do\n";
    return kExitNo;
  }
  auto session = open_pipeline(context, options.source, day);
  const orchestrator::JobDef& job = session->definitions.job(pipeline::kDailyJob);
  const orchestrator::RunPlan plan =
      orchestrator::plan_partitions(session->definitions, job.assets, day, day);
  return run_plan(context, *session, plan,
                  {.job = job.name,
                   .partition_key = day.to_string(),
                   .params_json = nlohmann::json{{"source", session->source_name}}.dump(),
                   .quiet = options.quiet});
}

int run_from_failure(CommandContext& context, const RunCommandOptions& options) {
  context.init_file_logging();
  ConfiguredLake configured = open_configured_lake(context);
  const std::optional<storage::RunRecord> parent =
      configured.metadata->get_run(options.from_failure);
  if (!parent) throw not_found("no run {}; `gogooku3 runs` lists them", options.from_failure);
  // The sample market's prices are as of the failed run's last partition, as they were then.
  const orchestrator::RunPlan original = orchestrator::RunPlan::from_json(
      nlohmann::json::parse(parent->params_json).at("plan").dump());
  std::string last;
  for (const orchestrator::Step& step : original.steps)
    last = std::max(last, step.partitions.back());
  const Date as_of = last.empty() ? Date::today_jst() : Date::parse(last);
  auto session = open_pipeline(context, options.source, as_of);
  const orchestrator::RunPlan plan = orchestrator::plan_from_failure(
      session->definitions, *session->configured.metadata, options.from_failure);
  std::cout << fmt::format("re-executing {} step(s) of run {} ({} {})\n", plan.steps.size(),
                           parent->run_id, parent->job, parent->partition_key);
  return run_plan(context, *session, plan,
                  {.job = parent->job,
                   .partition_key = parent->partition_key,
                   .params_json = parent->params_json,
                   .parent_run_id = parent->run_id,
                   .quiet = options.quiet});
}

int run_show(CommandContext& context, const RunCommandOptions& options) {
  context.init_console_logging();
  ConfiguredLake configured = open_configured_lake(context);
  const storage::MetadataStore& store = *configured.metadata;
  const std::optional<storage::RunRecord> run = store.get_run(options.run_id);
  if (!run) throw not_found("no run {}; `gogooku3 runs` lists them", options.run_id);
  std::cout << fmt::format("run      {}\njob      {} {}\nstatus   {}\ncreated  {}\n", run->run_id,
                           run->job, run->partition_key, storage::run_status_name(run->status),
                           utc_time_text(run->created_at_ms));
  if (run->started_at_ms && run->ended_at_ms) {
    std::cout << fmt::format("duration {:.1f} s\n",
                             static_cast<double>(*run->ended_at_ms - *run->started_at_ms) / 1000);
  }
  if (run->parent_run_id) std::cout << "re-runs  " << *run->parent_run_id << "\n";
  std::cout << fmt::format("process  pid {} on {}\n\n", run->pid, run->host);

  const std::vector<storage::Event> events = store.events_for_run(run->run_id);
  std::cout << fmt::format("{:<34} {:<10} {:>8} {:>9} {:>10}  {}\n", "step", "outcome", "attempts",
                           "rows", "seconds", "error");
  std::map<std::string, int> attempts;
  std::size_t ticker_failures = 0;
  for (const storage::Event& event : events) {
    const std::string step =
        event.asset + (event.partition_key.empty() ? "" : " ") + event.partition_key;
    const nlohmann::json payload = nlohmann::json::parse(event.payload_json);
    switch (event.kind) {
      case storage::EventKind::kStepStart:
        attempts[step] = payload.value("attempt", 1);
        break;
      case storage::EventKind::kStepSuccess:
        std::cout << fmt::format("{:<34} {:<10} {:>8} {:>9} {:>10.2f}\n", step, "succeeded",
                                 payload.value("attempts", 1), payload.value("rows", 0),
                                 payload.value("duration_ms", 0) / 1000.0);
        break;
      case storage::EventKind::kStepFailure:
        std::cout << fmt::format("{:<34} {:<10} {:>8} {:>9} {:>10.2f}  {}\n", step,
                                 payload.value("canceled", false) ? "canceled" : "failed",
                                 payload.value("attempts", attempts[step]), "-",
                                 payload.value("duration_ms", 0) / 1000.0, event.message);
        break;
      case storage::EventKind::kTickerFailure:
        ++ticker_failures;
        break;
      case storage::EventKind::kLog:
        if (payload.value("skipped", false)) {
          std::cout << fmt::format("{:<34} {:<10} {:>8} {:>9} {:>10}  {}\n", step, "skipped", 0,
                                   "-", "-", event.message);
        }
        break;
      default:
        break;
    }
  }
  if (ticker_failures > 0) {
    std::cout << fmt::format("\n{} failed ticker(s):\n", ticker_failures);
    std::size_t shown = 0;
    for (const storage::Event& event : events) {
      if (event.kind != storage::EventKind::kTickerFailure) continue;
      if (++shown > 20 && !options.events) {
        std::cout << "  ... (--events shows all)\n";
        break;
      }
      std::cout << "  " << event.message << "\n";
    }
  }
  if (options.events) {
    std::cout << "\nevents:\n";
    for (const storage::Event& event : events) {
      std::cout << fmt::format("  {} {:<15} {}\n", utc_time_text(event.occurred_at_ms),
                               storage::event_kind_name(event.kind), event.message);
    }
  }
  return kExitOk;
}

}  // namespace

Command register_run_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* command =
      app.add_subcommand("run", "Run the daily job, re-run a failed run, show a run");
  add_global_options(*command, context.globals);
  command->add_option("--from-failure", options->from_failure,
                      "Re-run only the failed steps and tickers of this run");
  command->add_option("--source", options->source, "sample, jquants or auto (pipeline.source)");
  command->add_flag("--quiet", options->quiet, "No progress line");
  command->require_subcommand(0, 1);

  CLI::App* daily = command->add_subcommand("daily", "Every daily asset for one business day");
  add_global_options(*daily, context.globals);
  daily->add_option("--date", options->date,
                    "The business day (default: the latest one whose session has closed)");
  daily->add_option("--source", options->source, "sample, jquants or auto (pipeline.source)");
  daily->add_flag("--quiet", options->quiet, "No progress line");

  CLI::App* show = command->add_subcommand("show", "Steps, durations and errors of one run");
  add_global_options(*show, context.globals);
  show->add_option("run_id", options->run_id, "The run's id (gogooku3 runs)")->required();
  show->add_flag("--events", options->events, "List every event too");

  return {command, [&context, options, daily, show] {
            if (!options->from_failure.empty()) return run_from_failure(context, *options);
            if (daily->parsed()) return run_daily(context, *options);
            if (show->parsed()) return run_show(context, *options);
            throw UsageError("give `run daily`, `run show RUN_ID` or `run --from-failure RUN_ID`");
          }};
}

}  // namespace gogooku3::cli
