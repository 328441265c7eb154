// fake-jquants-server: the fake J-Quants v2 API (fake_jquants_server.h) serving the sample
// market (market/sample/sample_market.h), for running the pipeline and the benchmarks without
// a subscription.
//
//   fake-jquants-server --port 8787 --stocks 200 --from 2024-01-04 --to 2024-12-30
//
// It simulates [from, to] once at start-up, prints "listening on http://127.0.0.1:PORT/v2"
// (the jquants.base_url to configure) and serves until SIGINT or SIGTERM. The endpoints the
// sample market does not simulate (margin interest, short ratio, fins) answer empty pages.
// Exit codes: 0 after a signal, 2 for bad options, 3 when the server cannot start.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/table.h"
#include "core/trading_calendar.h"
#include "fake_jquants/fake_jquants_server.h"
#include "market/sample/sample_market.h"

namespace gogooku3::fake_jquants {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 3;

struct Flags {
  int port = 0;
  std::string api_key = "test-key";
  size_t page_size = 1000;
  double requests_per_minute = 0;
  int retry_after_seconds = 1;
  int stocks = 200;
  uint64_t seed = 42;
  std::string from = "2024-01-04";
  std::string to = "2024-12-30";
  std::string window_from = "2000-01-01";
  std::string window_to = "2099-12-31";
};

// One endpoint's records of every simulated day, in day order (by date, then code).
class RecordsBuilder {
 public:
  void add(const Table& day) {
    if (day.num_rows() > 0) days_.push_back(day);
  }
  void load_into(FakeJQuantsServer& server, std::string_view asset) const {
    if (!days_.empty()) server.set_records(asset, Table::concat(days_));
  }

 private:
  std::vector<Table> days_;
};

// The sample market starts on the first business day from `from`; the calendar from `from`.
void load_sample_market(FakeJQuantsServer& server, const Flags& flags, Date from, Date to) {
  const TradingCalendar calendar;
  const Date calendar_from = from;
  if (!calendar.is_business_day(from)) from = calendar.next_business_day(from);
  market::sample::SampleMarket market(
      market::sample::SampleOptions{.seed = flags.seed, .stocks = flags.stocks, .start_date = from},
      calendar, to);
  RecordsBuilder bars, master, topix, investor_types;
  while (std::optional<market::sample::SampleDay> day = market.next_day()) {
    bars.add(day->bars);
    master.add(day->master);
    topix.add(day->topix);
    investor_types.add(day->investor_types);
  }
  bars.load_into(server, "bars_daily");
  master.load_into(server, "equities_master");
  topix.load_into(server, "topix");
  investor_types.load_into(server, "investor_types");
  // Like the real calendar, published through the end of next year.
  const Date calendar_end = std::min(Date::from_ymd(std::min(to.year() + 1, 2099), 12, 31),
                                     TradingCalendar::kLastSupportedDate);
  server.set_records("calendar", market::sample::SampleMarket::calendar_records(
                                     calendar, calendar_from, calendar_end));
}

int run(int argc, char** argv) {
  Flags flags;
  CLI::App app{"A fake J-Quants v2 API on 127.0.0.1 serving the seeded sample market",
               "fake-jquants-server"};
  app.add_option("--port", flags.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  app.add_option("--api-key", flags.api_key, "The x-api-key requests must send")
      ->capture_default_str();
  app.add_option("--page-size", flags.page_size, "Rows per page")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--requests-per-minute", flags.requests_per_minute,
                 "Answer 429 beyond this many requests in any 60 s; 0: no limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--retry-after", flags.retry_after_seconds, "Retry-After seconds sent with 429")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--stocks", flags.stocks, "Stocks in the sample market (10..20000)")
      ->capture_default_str();
  app.add_option("--seed", flags.seed, "Seed of the sample market")->capture_default_str();
  app.add_option("--from", flags.from, "First simulated day (YYYY-MM-DD)")->capture_default_str();
  app.add_option("--to", flags.to, "Last simulated day (YYYY-MM-DD)")->capture_default_str();
  app.add_option("--window-from", flags.window_from,
                 "First date of the subscription window; earlier dates answer 400")
      ->capture_default_str();
  app.add_option("--window-to", flags.window_to,
                 "Last date of the subscription window; later dates answer 400")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  ServerOptions options;
  Date from;
  Date to;
  try {
    from = Date::parse(flags.from);
    to = Date::parse(flags.to);
    options.window_from = Date::parse(flags.window_from);
    options.window_to = Date::parse(flags.window_to);
  } catch (const Error& e) {
    std::cerr << "usage error: " << e.what() << "\n";
    return kExitUsage;
  }
  if (from > to) {
    std::cerr << "usage error: --from " << flags.from << " is after --to " << flags.to << "\n";
    return kExitUsage;
  }
  options.port = flags.port;
  options.api_key = flags.api_key;
  options.page_size = flags.page_size;
  options.requests_per_minute = flags.requests_per_minute;
  options.retry_after_seconds = flags.retry_after_seconds;

  // Blocked before the pool threads exist, so that they inherit the mask and only sigwait
  // below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    FakeJQuantsServer server(options);
    load_sample_market(server, flags, from, to);
    server.start();
    std::cout << "listening on " << server.base_url() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const Error& e) {
    std::cerr << "error [" << category_name(e.category()) << "]: " << e.what() << "\n";
    return e.category() == ErrorCategory::kInvalidInput ? kExitUsage : kExitRuntime;
  }
  return kExitOk;
}

}  // namespace
}  // namespace gogooku3::fake_jquants

int main(int argc, char** argv) { return gogooku3::fake_jquants::run(argc, argv); }
