// `gogooku3 calendar`: the TSE business-day calendar from the command line.
//   calendar --from 2026-01-01 --to 2026-12-31 [--holidays] [--reasons]
//   calendar --is 2026-09-22          exit 0 open, 1 closed (and says why)
//   calendar --next 2026-12-30 [-n 3] the n-th business day after (or --previous before)
// Overrides from `calendar.overrides_file` in the configuration are applied first.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "core/trading_calendar.h"

namespace gogooku3::cli {
namespace {

struct CalendarOptions {
  std::string from;
  std::string to;
  std::string is;
  std::string next;
  std::string previous;
  int count = 1;
  bool holidays = false;
  bool reasons = false;
};

std::string format_close(int close_minute) {
  return fmt::format("{:02d}:{:02d}", close_minute / 60, close_minute % 60);
}

int run_calendar(CommandContext& context, const CalendarOptions& options) {
  const TradingCalendar calendar = context.calendar();

  if (!options.is.empty()) {
    const Date day = parse_date_option(options.is, "--is");
    if (calendar.is_business_day(day)) {
      std::cout << day.to_string() << " is a TSE business day; the session closes at "
                << format_close(calendar.close_minute(day)) << " JST\n";
      return kExitOk;
    }
    std::cout << day.to_string() << " is closed: " << calendar.describe(day).reason << "\n";
    return kExitNo;
  }
  if (options.count < 1) throw UsageError("-n/--count must be 1 or more");
  if (!options.next.empty()) {
    const Date day = parse_date_option(options.next, "--next");
    std::cout << calendar.add_business_days(day, options.count).to_string() << "\n";
    return kExitOk;
  }
  if (!options.previous.empty()) {
    const Date day = parse_date_option(options.previous, "--previous");
    std::cout << calendar.add_business_days(day, -options.count).to_string() << "\n";
    return kExitOk;
  }

  const int this_year = Date::today_jst().year();
  const Date from = options.from.empty() ? Date::from_ymd(this_year, 1, 1)
                                         : parse_date_option(options.from, "--from");
  const Date to = options.to.empty() ? Date::from_ymd(from.year(), 12, 31)
                                     : parse_date_option(options.to, "--to");
  if (to < from) {
    throw UsageError(fmt::format("--to {} is before --from {}", to.to_string(), from.to_string()));
  }
  const std::vector<Date> days =
      options.holidays ? calendar.holidays(from, to) : calendar.business_days(from, to);
  std::string out;
  for (const Date day : days) {
    out += day.to_string();
    if (options.reasons) {
      out += options.holidays ? "  " + calendar.describe(day).reason
                              : "  close " + format_close(calendar.close_minute(day));
    }
    out += '\n';
  }
  std::cout << out;
  return kExitOk;
}

}  // namespace

Command register_calendar_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CalendarOptions>();
  CLI::App* command = app.add_subcommand(
      "calendar", "TSE business days: list them, test a day, step n business days");
  add_global_options(*command, context.globals);
  command
      ->add_option("--from", options->from, "First day of the listing (default: Jan 1 this year)")
      ->option_text("YYYY-MM-DD");
  command
      ->add_option("--to", options->to,
                   "Last day of the listing (default: Dec 31 of --from's year)")
      ->option_text("YYYY-MM-DD");
  command->add_flag("--holidays", options->holidays,
                    "List the weekdays TSE is closed instead of the business days");
  command->add_flag("--reasons", options->reasons,
                    "Add why each listed day is closed (or its session close time)");
  CLI::Option* is = command
                        ->add_option("--is", options->is,
                                     "Is this day a business day? Exit 0 yes, 1 no (says why)")
                        ->option_text("YYYY-MM-DD");
  CLI::Option* next =
      command->add_option("--next", options->next, "Print the n-th business day after this day")
          ->option_text("YYYY-MM-DD");
  CLI::Option* previous = command
                              ->add_option("--previous", options->previous,
                                           "Print the n-th business day before this day")
                              ->option_text("YYYY-MM-DD");
  command->add_option("-n,--count", options->count, "n for --next/--previous (default 1)");
  is->excludes(next)->excludes(previous);
  next->excludes(previous);
  return {command, [&context, options] { return run_calendar(context, *options); }};
}

}  // namespace gogooku3::cli
