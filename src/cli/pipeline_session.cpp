#include "cli/pipeline_session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <sstream>

#include "market/ingest/market_source.h"
#include "orchestrator/cancellation.h"

namespace gogooku3::cli {
namespace {

std::string resolve_source(CommandContext& context, const std::string& requested) {
  std::string source =
      requested.empty() ? context.config().get_string("pipeline.source") : requested;
  if (source == "auto") {
    const auto environment = process_environment();
    const auto key = environment.find("JQUANTS_API_KEY");
    source = key != environment.end() && !key->second.empty() ? "jquants" : "sample";
  }
  if (source != "sample" && source != "jquants") {
    throw UsageError("the source must be sample, jquants or auto, got '" + source + "'");
  }
  return source;
}

std::string duration_text(double seconds) {
  if (seconds < 60) return fmt::format("{:.0f}s", seconds);
  if (seconds < 3600)
    return fmt::format("{:.0f}m{:02.0f}s", std::floor(seconds / 60), std::fmod(seconds, 60));
  return fmt::format("{:.0f}h{:02.0f}m", std::floor(seconds / 3600), std::fmod(seconds, 3600) / 60);
}

// One line on stderr: a bar on a terminal (rewritten in place), else a line per 10%.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1) {}
  ~ProgressPrinter() {
    if (drawn_) std::cerr << "\n";
  }
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  void update(const orchestrator::Progress& p) {
    if (quiet_ || p.steps_total == 0) return;
    const double fraction =
        static_cast<double>(p.steps_finished) / static_cast<double>(p.steps_total);
    const int decile = static_cast<int>(fraction * 10);
    if (!tty_ && decile == last_decile_ && p.steps_finished != p.steps_total) return;
    last_decile_ = decile;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    const std::string line =
        fmt::format("[{}{}] {:>3.0f}%  {}/{} partitions  {}  ETA {}  {}", std::string(filled, '#'),
                    std::string(kWidth - filled, '.'), fraction * 100, p.partitions_done,
                    p.partitions_total, duration_text(p.elapsed_seconds),
                    p.eta_seconds ? duration_text(*p.eta_seconds) : std::string("?"), p.last_step);
    if (tty_) {
      std::cerr << "\r\033[K" << line << std::flush;
      drawn_ = true;
    } else {
      std::cerr << line << "\n";
    }
  }

 private:
  bool quiet_;
  bool tty_;
  bool drawn_ = false;
  int last_decile_ = -1;
};

}  // namespace

std::string utc_time_text(storage::TimestampMs ms) {
  const std::time_t seconds = ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

Date latest_closed_day(const TradingCalendar& calendar) {
  const storage::TimestampMs now_jst_ms = storage::now_utc_ms() + 9LL * 3600 * 1000;
  const Date today(static_cast<int32_t>(now_jst_ms / 86'400'000));
  const int minute = static_cast<int>((now_jst_ms % 86'400'000) / 60'000);
  if (calendar.is_business_day(today) && minute >= calendar.close_minute(today)) return today;
  return calendar.previous_business_day(today);
}

std::vector<std::string> split_comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::pair<Date, Date> day_range_options(const TradingCalendar& calendar, const std::string& from,
                                        const std::string& to) {
  const Date last = to.empty() ? Date::today_jst() : parse_date_option(to, "--to");
  const Date first =
      from.empty()
          ? calendar.add_business_days(
                calendar.is_business_day(last) ? last : calendar.previous_business_day(last), -19)
          : parse_date_option(from, "--from");
  return {first, last};
}

std::unique_ptr<PipelineSession> open_pipeline(CommandContext& context, const std::string& source,
                                               Date as_of, std::optional<int> sample_stocks) {
  const Config& config = context.config();
  auto calendar = std::make_shared<const TradingCalendar>(context.calendar());
  const std::string source_name = source == "none" ? source : resolve_source(context, source);
  std::shared_ptr<market::MarketSource> market_source;
  if (source_name == "none") {
    // Commands that only read statuses: no source is needed.
  } else if (source_name == "sample") {
    market::sample::SampleOptions sample = market::sample_options_from_config(config);
    if (sample_stocks) sample.stocks = *sample_stocks;
    market_source = std::make_shared<market::SampleSource>(sample, *calendar, as_of);
  } else {
    market_source = std::make_shared<market::JQuantsSource>(
        market::jquants::client_options_from_config(config, process_environment()));
  }
  const std::string manifest_path = config.get_path("features.manifest").string();
  auto manifest = std::make_shared<const features::FeatureManifest>(
      manifest_path.empty() ? features::FeatureManifest::built_in()
                            : features::FeatureManifest::load(manifest_path));
  auto session = std::unique_ptr<PipelineSession>(
      new PipelineSession{open_configured_lake(context), source_name, {}, {}});
  session->resources = {
      .lake = &session->configured.lake,
      .store = session->configured.metadata.get(),
      .calendar = calendar,
      .manifest = manifest,
      .source = market_source,
      .feature_threads = static_cast<int>(config.get_integer("features.threads"))};
  if (!config.get_string("warehouse.clickhouse.url").empty()) {
    session->warehouse = std::make_unique<storage::warehouse::Warehouse>(
        storage::warehouse::clickhouse_options_from_config(config));
    session->resources.warehouse = session->warehouse.get();
  }
  session->definitions = pipeline::definitions(session->resources);
  return session;
}

int run_plan(CommandContext& context, PipelineSession& session, const orchestrator::RunPlan& plan,
             const LaunchOptions& launch, orchestrator::RunReport* report_out) {
  storage::MetadataStore& store = *session.configured.metadata;
  if (const int reaped = orchestrator::reap_abandoned_runs(store); reaped > 0) {
    std::cerr << fmt::format("marked {} run(s) failed whose process is gone (killed or crashed)\n",
                             reaped);
  }
  if (plan.steps.empty()) {
    std::cout << "nothing to do: every partition asked for is already materialized "
                 "(--force redoes them)\n";
    return kExitOk;
  }
  orchestrator::CancelToken cancel;
  orchestrator::SignalCancelScope signals(cancel);
  orchestrator::ExecutorOptions options;
  options.job = launch.job;
  options.partition_key = launch.partition_key;
  options.params_json = launch.params_json;
  options.parent_run_id = launch.parent_run_id;
  options.threads = static_cast<int>(context.config().get_integer("orchestrator.threads"));
  // One fetch at a time: the source serialises them anyway, and a J-Quants fetch already
  // runs the day's requests concurrently at the subscription's pace.
  options.pool_limits = {{"source", 1}};
  options.cancel = &cancel;
  orchestrator::RunReport report;
  {
    ProgressPrinter printer(launch.quiet);
    options.on_progress = [&printer](const orchestrator::Progress& p) { printer.update(p); };
    report = orchestrator::execute(session.definitions, plan, store, options);
  }
  if (report.blocked_by) {
    const storage::Lease& lease = *report.blocked_by;
    std::cerr << fmt::format(
        "{} {} is already running (run {}, pid {} on {}); not starting another. "
        "`gogooku3 run show {}` follows it.\n",
        launch.job, launch.partition_key, lease.owner_run_id, lease.pid, lease.host,
        lease.owner_run_id);
    if (report_out != nullptr) *report_out = std::move(report);
    return kExitNo;
  }
  std::cout << render_run_report(report);
  const int code = report.succeeded() ? kExitOk : kExitRuntime;
  if (report_out != nullptr) *report_out = std::move(report);
  return code;
}

std::string render_run_report(const orchestrator::RunReport& report) {
  using orchestrator::StepOutcome;
  struct AssetLine {
    int steps = 0;
    int succeeded = 0;
    std::size_t partitions = 0;
    std::int64_t rows = 0;
    double seconds = 0;
    std::size_t failed_tickers = 0;
  };
  std::map<std::string, AssetLine> lines;
  std::vector<std::string> order;
  for (const orchestrator::StepReport& step : report.steps) {
    if (!lines.contains(step.step.asset)) order.push_back(step.step.asset);
    AssetLine& line = lines[step.step.asset];
    ++line.steps;
    if (step.outcome == StepOutcome::kSucceeded) {
      ++line.succeeded;
      line.partitions += step.step.partitions.size();
    }
    line.rows += step.rows;
    line.seconds += step.seconds;
    line.failed_tickers += step.failed_tickers.size();
  }
  std::string out = fmt::format("run {} {} {}: {} in {:.1f} s\n", report.run.run_id, report.run.job,
                                report.run.partition_key,
                                storage::run_status_name(report.run.status), report.seconds);
  out += fmt::format("  {:<22} {:>11} {:>11} {:>12} {:>9} {:>9}\n", "asset", "steps ok",
                     "partitions", "rows", "seconds", "tickers!");
  for (const std::string& asset : order) {
    const AssetLine& line = lines[asset];
    out += fmt::format("  {:<22} {:>5}/{:<5} {:>11} {:>12} {:>9.1f} {:>9}\n", asset, line.succeeded,
                       line.steps, line.partitions, line.rows, line.seconds, line.failed_tickers);
  }
  int shown = 0;
  for (const orchestrator::StepReport& step : report.steps) {
    if (step.outcome == StepOutcome::kFailed || step.outcome == StepOutcome::kCanceled) {
      out += fmt::format("  {} {} after {} attempt(s): {}\n", step.step.label(),
                         orchestrator::step_outcome_name(step.outcome), step.attempts, step.error);
    }
  }
  const std::size_t skipped = report.count(StepOutcome::kSkipped);
  if (skipped > 0) out += fmt::format("  {} step(s) skipped: an upstream step failed\n", skipped);
  std::size_t total_failed_tickers = 0;
  for (const orchestrator::StepReport& step : report.steps) {
    total_failed_tickers += step.failed_tickers.size();
    for (const std::string& failure : step.failed_tickers) {
      if (shown++ < 5) out += fmt::format("  failed ticker {} {}\n", step.step.asset, failure);
    }
  }
  if (total_failed_tickers > 5) {
    out += fmt::format("  ... {} failed tickers in all: `gogooku3 run show {}`\n",
                       total_failed_tickers, report.run.run_id);
  }
  if (!report.succeeded()) {
    out += fmt::format(
        "  `gogooku3 run show {}` has every event; `gogooku3 run --from-failure {}` "
        "redoes only what did not succeed\n",
        report.run.run_id, report.run.run_id);
  }
  return out;
}

}  // namespace gogooku3::cli
