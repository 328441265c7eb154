// `gogooku3 scheduler`: the long-running process that replaces cron + Dagster's schedule.
// On each TSE business day, from the session close (15:30 JST; 15:00 before 2024-11-05), it
// polls the source every scheduler.poll_seconds until the day's bars are published, runs the
// daily job, and records the freshness (minutes from publication to features) as a check on
// features/D. On start it catches up the last scheduler.catch_up_days business days that are
// not done, oldest first. Non-business days do nothing. SIGINT/SIGTERM stop it cleanly (a
// running daily job is canceled between partitions and can be resumed with --from-failure).
//   gogooku3 scheduler [--source sample|jquants] [--catch-up-days N] [--poll-seconds S]
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "orchestrator/clock.h"
#include "orchestrator/scheduler.h"
#include "pipeline/daily_schedule.h"

namespace gogooku3::cli {
namespace {

struct SchedulerCommandOptions {
  std::string source;
  std::optional<int> catch_up_days;
  std::optional<int> poll_seconds;
};

int run_scheduler(CommandContext& context, const SchedulerCommandOptions& options) {
  context.init_file_logging();
  const Config& config = context.config();
  const TradingCalendar calendar = context.calendar();
  const int catch_up_days = options.catch_up_days.value_or(
      static_cast<int>(config.get_integer("scheduler.catch_up_days")));
  const int poll_seconds =
      options.poll_seconds.value_or(static_cast<int>(config.get_integer("scheduler.poll_seconds")));
  if (catch_up_days < 0 || poll_seconds < 1) {
    throw UsageError("--catch-up-days must be >= 0 and --poll-seconds >= 1");
  }
  const Date latest = latest_closed_day(calendar);
  auto session = open_pipeline(context, options.source, latest);
  const std::string source_name = session->source_name;
  const Config* config_ptr = &config;
  auto calendar_copy = session->resources.calendar;
  std::shared_ptr<market::MarketSource> jquants = session->resources.source;
  pipeline::DailySchedule::SourceFactory source_for =
      [source_name, config_ptr, calendar_copy,
       jquants](Date day) -> std::shared_ptr<market::MarketSource> {
    if (source_name == "jquants") return jquants;
    return std::make_shared<market::SampleSource>(market::sample_options_from_config(*config_ptr),
                                                  *calendar_copy, day);
  };

  orchestrator::CancelToken cancel;
  orchestrator::SignalCancelScope signals(cancel);
  orchestrator::ExecutorOptions executor;
  executor.threads = static_cast<int>(config.get_integer("orchestrator.threads"));
  executor.pool_limits = {{"source", 1}};
  executor.cancel = &cancel;
  pipeline::DailySchedule schedule(session->resources, session->definitions, source_for, executor);
  orchestrator::SystemClock clock;
  orchestrator::SchedulerOptions scheduler_options;
  scheduler_options.catch_up_from = calendar.add_business_days(latest, -catch_up_days);
  scheduler_options.poll_interval = std::chrono::seconds(poll_seconds);
  orchestrator::Scheduler scheduler(calendar, clock, schedule.hooks(), scheduler_options);
  std::cout << fmt::format(
      "scheduler: source {}, catching up from {}, polling every {} s after each close; "
      "Ctrl-C stops\n",
      source_name, scheduler_options.catch_up_from.to_string(), poll_seconds);
  const orchestrator::SchedulerSummary summary = scheduler.run(cancel);
  for (const orchestrator::DayOutcome& day : summary.days) {
    std::cout << fmt::format(
        "  {} {} after {} attempt(s){}\n", day.date.to_string(),
        day.succeeded ? "succeeded" : "FAILED", day.attempts,
        day.freshness_minutes ? fmt::format(", fresh in {:.1f} min", *day.freshness_minutes) : "");
  }
  std::cout << "scheduler stopped\n";
  return kExitOk;
}

}  // namespace

Command register_scheduler_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<SchedulerCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "scheduler", "Run the daily job after every close, catching up missed days (long-running)");
  add_global_options(*command, context.globals);
  command->add_option("--source", options->source, "sample, jquants or auto (pipeline.source)");
  command->add_option("--catch-up-days", options->catch_up_days,
                      "Business days to catch up on start (scheduler.catch_up_days)");
  command->add_option("--poll-seconds", options->poll_seconds,
                      "Seconds between polls for the day's bars (scheduler.poll_seconds)");
  return {command, [&context, options] { return run_scheduler(context, *options); }};
}

}  // namespace gogooku3::cli
