// `gogooku3 sample info`: what the sample market (market/sample) would generate — its options,
// every parameter, and how well its own oracle ranks stocks (the best RankIC a model can hope
// for on this data), measured by simulating start_date..through.
//   sample info [--json] [--seed N] [--stocks N] [--through YYYY-MM-DD]
// Options come from the configuration (sample.seed, sample.stocks, sample.start_date); the
// flags override it. --through defaults to about one year (245 business days) after the start.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/trading_calendar.h"
#include "market/sample/sample_market.h"

namespace gogooku3::cli {
namespace {

constexpr int kDefaultScoredDays = 245;

struct SampleFlags {
  int64_t seed = 0;
  int64_t stocks = 0;
  std::string through;
  bool json = false;
};

std::vector<std::pair<const char*, double>> parameter_list(
    const market::sample::SampleParameters& p) {
  return {
      {"market_daily_vol", p.market_daily_vol},
      {"sector_daily_vol", p.sector_daily_vol},
      {"idio_daily_vol", p.idio_daily_vol},
      {"garch_alpha", p.garch_alpha},
      {"garch_beta", p.garch_beta},
      {"student_t_dof", p.student_t_dof},
      {"reversal_strength", p.reversal_strength},
      {"momentum_strength", p.momentum_strength},
      {"foreign_flow_strength", p.foreign_flow_strength},
      {"lead_lag_strength", p.lead_lag_strength},
      {"foreign_flow_persistence", p.foreign_flow_persistence},
      {"splits_per_stock_year", p.splits_per_stock_year},
      {"halts_per_stock_year", p.halts_per_stock_year},
      {"listings_per_year_fraction", p.listings_per_year_fraction},
      {"delistings_per_year_fraction", p.delistings_per_year_fraction},
      {"correction_probability", p.correction_probability},
  };
}

market::sample::SampleOptions resolve_options(CommandContext& context, const SampleFlags& flags,
                                              bool seed_given, bool stocks_given) {
  const Config& config = context.config();
  market::sample::SampleOptions options;
  const int64_t seed = seed_given ? flags.seed : config.get_integer("sample.seed");
  if (seed < 0) {
    throw UsageError(
        fmt::format("{} must be 0 or more, got {}", seed_given ? "--seed" : "sample.seed", seed));
  }
  options.seed = static_cast<uint64_t>(seed);
  const int64_t stocks = stocks_given ? flags.stocks : config.get_integer("sample.stocks");
  if (stocks < 10 || stocks > 20000) {
    throw UsageError(fmt::format("{} must be between 10 and 20000, got {}",
                                 stocks_given ? "--stocks" : "sample.stocks", stocks));
  }
  options.stocks = static_cast<int>(stocks);
  const std::string start = config.get_string("sample.start_date");
  try {
    options.start_date = Date::parse(start);
  } catch (const Error& e) {
    throw invalid_input("config {}: sample.start_date: {}", config.origin(), e.what());
  }
  return options;
}

int run_info(CommandContext& context, const SampleFlags& flags, bool seed_given,
             bool stocks_given) {
  const market::sample::SampleOptions options =
      resolve_options(context, flags, seed_given, stocks_given);
  const TradingCalendar calendar = context.calendar();
  const Date through = flags.through.empty()
                           ? calendar.add_business_days(options.start_date, kDefaultScoredDays)
                           : parse_date_option(flags.through, "--through");
  if (through <= options.start_date) {
    throw UsageError(fmt::format("--through {} must be after the start date {}",
                                 through.to_string(), options.start_date.to_string()));
  }

  const auto started = std::chrono::steady_clock::now();
  const market::sample::OracleScore score =
      market::sample::score_oracle(options, calendar, through);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const market::sample::SampleParameters parameters;

  if (flags.json) {
    nlohmann::ordered_json out;
    out["options"] = {{"seed", options.seed},
                      {"stocks", options.stocks},
                      {"start_date", options.start_date.to_string()}};
    nlohmann::ordered_json parameter_object = nlohmann::ordered_json::object();
    for (const auto& [name, value] : parameter_list(parameters)) parameter_object[name] = value;
    out["parameters"] = parameter_object;
    out["oracle"] = {{"from", options.start_date.to_string()},
                     {"through", through.to_string()},
                     {"days", score.days},
                     {"rank_ic_1d", score.rank_ic_1d},
                     {"rank_ic_5d", score.rank_ic_5d}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::string text = "sample market options\n";
  text += fmt::format("  {:<30}{}\n", "seed", options.seed);
  text += fmt::format("  {:<30}{}\n", "stocks", options.stocks);
  text += fmt::format("  {:<30}{}\n", "start_date", options.start_date.to_string());
  text += "parameters\n";
  for (const auto& [name, value] : parameter_list(parameters)) {
    text += fmt::format("  {:<30}{}\n", name, value);
  }
  text += fmt::format("oracle RankIC, {} .. {} ({} scored days, simulated in {:.1f} s)\n",
                      options.start_date.to_string(), through.to_string(), score.days, seconds);
  text += fmt::format("  {:<30}{:.4f}\n", "1-day", score.rank_ic_1d);
  text += fmt::format("  {:<30}{:.4f}\n", "5-day", score.rank_ic_5d);
  std::cout << text;
  return kExitOk;
}

}  // namespace

Command register_sample_command(CLI::App& app, CommandContext& context) {
  auto flags = std::make_shared<SampleFlags>();
  CLI::App* command = app.add_subcommand(
      "sample", "The seeded sample market: J-Quants-shaped data with planted signals");
  add_global_options(*command, context.globals);
  command->require_subcommand(1);
  CLI::App* info = command->add_subcommand(
      "info", "Print the generator's options and parameters and its oracle RankIC");
  add_global_options(*info, context.globals);
  CLI::Option* seed =
      info->add_option("--seed", flags->seed, "Random seed (default: sample.seed, 42)");
  CLI::Option* stocks = info->add_option(
      "--stocks", flags->stocks, "Stocks at the start, 10..20000 (default: sample.stocks, 4000)");
  info->add_option("--through", flags->through,
                   "Last day to score the oracle on (default: 245 business days after the "
                   "start)")
      ->option_text("YYYY-MM-DD");
  info->add_flag("--json", flags->json, "Print one JSON object instead of text");
  return {command, [&context, flags, seed, stocks] {
            return run_info(context, *flags, seed->count() > 0, stocks->count() > 0);
          }};
}

}  // namespace gogooku3::cli
