// `gogooku3 ingest`: fetch business days into the lake's raw assets and build clean prices.
//   ingest --date 2024-06-03 [--source sample|jquants]
//   ingest --from 2024-01-01 --to 2024-12-31 [--source sample] [--assets bars_daily,topix]
//   ingest ... --seed 7 --stocks 500      (sample source: override sample.seed/sample.stocks)
// Non-business days inside --from/--to are skipped; --date must be a business day. The summary
// says rows per asset, pages, requests, retries, 429s, quarantined rows by rule and seconds.
// The sample source's adjusted prices are as of the last day asked for, as if the ingest ran on
// that day; the jquants source needs JQUANTS_API_KEY.
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/pipeline_session.h"
#include "core/config.h"
#include "core/trading_calendar.h"
#include "market/ingest/ingest.h"
#include "storage/lake/lake.h"
#include "storage/metadata/metadata_url.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::cli {
namespace {

struct IngestCommandOptions {
  std::string date;
  std::string from;
  std::string to;
  std::string source = "sample";
  std::string assets;
  std::optional<uint64_t> seed;
  std::optional<int> stocks;
  bool quiet = false;
};

std::string render_summary(const market::IngestSummary& summary, std::string_view source) {
  std::string out = fmt::format("ingested {} business day(s) from {} in {:.1f} s\n", summary.days,
                                source, summary.seconds);
  for (const auto& [asset, rows] : summary.raw_rows) {
    out += fmt::format("  raw/{:<22} {:>10} rows\n", asset, rows);
  }
  out += fmt::format("  clean/prices{:<14} {:>10} rows\n", "", summary.clean_rows);
  out += fmt::format("  quarantined{:<15} {:>10} rows\n", "", summary.quarantined_rows);
  for (const auto& [rule, count] : summary.findings_by_rule) {
    out += fmt::format("    {:<40} {:>8}\n", rule, count);
  }
  const market::jquants::FetchStats& fetch = summary.fetch;
  if (fetch.requests > 0) {
    out += fmt::format(
        "  http: {} requests, {} pages, {} retries, {} answered 429, {:.1f} MB, parsing {:.1f} s\n",
        fetch.requests, fetch.pages, fetch.retries, fetch.rate_limited,
        static_cast<double>(fetch.bytes) / 1e6, fetch.parse_seconds);
  }
  return out;
}

int run_ingest(CommandContext& context, const IngestCommandOptions& options) {
  if (options.date.empty() == (options.from.empty() && options.to.empty())) {
    throw UsageError("give either --date D or --from D1 --to D2");
  }
  if (options.date.empty() && (options.from.empty() || options.to.empty())) {
    throw UsageError("--from and --to go together");
  }
  context.init_file_logging();
  const Config& config = context.config();
  const TradingCalendar calendar = context.calendar();

  std::vector<Date> days;
  if (!options.date.empty()) {
    const Date day = parse_date_option(options.date, "--date");
    if (!calendar.is_business_day(day)) {
      std::cerr << day.to_string()
                << " is not a TSE business day: " << calendar.describe(day).reason
                << "; nothing to ingest\n";
      return kExitNo;
    }
    days.push_back(day);
  } else {
    const Date from = parse_date_option(options.from, "--from");
    const Date to = parse_date_option(options.to, "--to");
    if (to < from) {
      throw UsageError(
          fmt::format("--to {} is before --from {}", to.to_string(), from.to_string()));
    }
    days = calendar.business_days(from, to);
    if (days.empty()) {
      std::cerr << "no TSE business day between " << from.to_string() << " and " << to.to_string()
                << "\n";
      return kExitNo;
    }
  }

  std::unique_ptr<market::MarketSource> source;
  if (options.source == "sample") {
    market::sample::SampleOptions sample_options = market::sample_options_from_config(config);
    if (options.seed) sample_options.seed = *options.seed;
    if (options.stocks) sample_options.stocks = *options.stocks;
    source = std::make_unique<market::SampleSource>(sample_options, calendar, days.back());
  } else if (options.source == "jquants") {
    source = std::make_unique<market::JQuantsSource>(
        market::jquants::client_options_from_config(config, process_environment()));
  } else {
    throw UsageError("--source must be 'sample' or 'jquants', got '" + options.source + "'");
  }

  ConfiguredLake configured = open_configured_lake(context);
  storage::Lake& lake = configured.lake;
  market::IngestOptions ingest_options;
  if (!options.assets.empty()) ingest_options.assets = split_comma_list(options.assets);
  const bool quiet = options.quiet;
  ingest_options.on_day = [quiet](Date day, const market::CleanPricesResult* prices) {
    if (quiet) return;
    std::cerr << day.to_string();
    if (prices != nullptr) {
      std::cerr << fmt::format("  clean {} rows, quarantined {}", prices->rows,
                               prices->quarantined);
    }
    std::cerr << "\n";
  };
  const market::IngestSummary summary =
      market::ingest_days(*source, lake, calendar, days, ingest_options);
  std::cout << render_summary(summary, source->name());
  return kExitOk;
}

}  // namespace

Command register_ingest_command(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<IngestCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "ingest", "Fetch business days into raw/ and build clean/prices (validated, split-adjusted)");
  add_global_options(*command, context.globals);
  command->add_option("--date", options->date, "One business day (YYYY-MM-DD)");
  command->add_option("--from", options->from, "First day of a range");
  command->add_option("--to", options->to, "Last day of a range");
  command->add_option("--source", options->source, "sample (built-in market) or jquants")
      ->capture_default_str();
  command->add_option("--assets", options->assets,
                      "Comma-separated raw assets (default: equities_master,bars_daily,topix,"
                      "investor_types)");
  command->add_option("--seed", options->seed, "Sample market seed (overrides sample.seed)");
  command->add_option("--stocks", options->stocks, "Sample market size (overrides sample.stocks)");
  command->add_flag("--quiet", options->quiet, "No per-day progress lines");
  return {command, [&context, options] { return run_ingest(context, *options); }};
}

}  // namespace gogooku3::cli
