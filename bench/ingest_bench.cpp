// Ingest benchmark: a year of the sample market (4,000 codes by default) served by the fake
// J-Quants server at a plan's rate (500 requests/minute: premium), ingested through the
// production client into a temporary lake. The peer is the pacing floor itself — requests x
// 60 / rate seconds, the least time any client honouring the rate can take — so the ratio
// says how much the client loses to latency, retries and the lake writes (target: within 5%),
// and the server counts 429s (target: none).
//   ingest_bench [--stocks 4000] [--from 2024-01-01] [--to 2024-12-31] [--rpm 500]
//                [--page-size 1000] [--in-flight 4]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/allocator.h"
#include "core/trading_calendar.h"
#include "fake_jquants/fake_jquants_server.h"
#include "market/ingest/ingest.h"
#include "market/sample/sample_market.h"
#include "storage/lake/lake.h"
#include "storage/object_store/object_store.h"

namespace {

using namespace gogooku3;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string flag(int argc, char** argv, std::string_view name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator_for_batch_work();  // as the gogooku3 binary does
  const int stocks = std::stoi(flag(argc, argv, "--stocks", "4000"));
  const Date from = Date::parse(flag(argc, argv, "--from", "2024-01-01"));
  const Date to = Date::parse(flag(argc, argv, "--to", "2024-12-31"));
  const double rpm = std::stod(flag(argc, argv, "--rpm", "500"));
  const size_t page_size = std::stoul(flag(argc, argv, "--page-size", "1000"));
  const int in_flight = std::stoi(flag(argc, argv, "--in-flight", "4"));

  const TradingCalendar calendar;
  const std::vector<Date> days = calendar.business_days(from, to);
  auto start = Clock::now();
  market::sample::SampleMarket sample({.seed = 42, .stocks = stocks, .start_date = days.front()},
                                      calendar, days.back());
  std::vector<Table> bars, master, topix, investor_types;
  while (auto day = sample.next_day()) {
    bars.push_back(std::move(day->bars));
    master.push_back(std::move(day->master));
    topix.push_back(std::move(day->topix));
    investor_types.push_back(std::move(day->investor_types));
  }
  std::printf("sample market: %d stocks x %zu days simulated in %.2f s\n", stocks, days.size(),
              seconds_since(start));

  fake_jquants::FakeJQuantsServer server(
      {.api_key = "bench-key", .page_size = page_size, .requests_per_minute = rpm});
  server.set_records("bars_daily", Table::concat(bars));
  server.set_records("equities_master", Table::concat(master));
  server.set_records("topix", Table::concat(topix));
  server.set_records("investor_types", Table::concat(investor_types));
  bars.clear();
  master.clear();
  server.start();

  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("g3_ingest_bench_" + std::to_string(getpid()));
  storage::Lake lake(storage::open_object_store("file://" + root.string()));
  market::jquants::ClientOptions options;
  options.base_url = server.base_url();
  options.api_key = "bench-key";
  options.requests_per_minute = rpm;
  options.max_in_flight = in_flight;
  market::JQuantsSource source(options);

  start = Clock::now();
  const market::IngestSummary summary = market::ingest_days(source, lake, calendar, days);
  const double wall = seconds_since(start);
  std::filesystem::remove_all(root);

  const market::jquants::FetchStats& fetch = summary.fetch;
  const fake_jquants::ServerStats served = server.stats();
  const double floor = static_cast<double>(fetch.requests) * 60.0 / rpm;
  std::printf("ingest: %d days, %lld bars rows, %lld requests, %lld pages, %lld retries\n",
              summary.days, static_cast<long long>(summary.raw_rows.at("bars_daily")),
              static_cast<long long>(fetch.requests), static_cast<long long>(fetch.pages),
              static_cast<long long>(fetch.retries));
  std::printf(
      "server: %lld requests, %lld answered 429, busiest minute %lld requests (limit %.0f)\n",
      static_cast<long long>(served.requests), static_cast<long long>(served.answered_429),
      static_cast<long long>(served.max_requests_per_minute), rpm);
  std::printf("wall %.1f s, pacing floor %.1f s (requests x 60 / %.0f): %.2f%% over the floor\n",
              wall, floor, rpm, (wall / floor - 1.0) * 100.0);
  std::printf("JSON parsing: %.2f s = %.2f%% of the ingest, %.0f records/s\n", fetch.parse_seconds,
              100.0 * fetch.parse_seconds / wall,
              static_cast<double>(fetch.rows) / std::max(fetch.parse_seconds, 1e-9));
  return served.answered_429 == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
