// The J-Quants client against the in-process fake server: pagination, concurrent chains, the
// retries and the errors its header promises. Rates are set high so that each test takes well
// under two seconds.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "fake_jquants/fake_jquants_server.h"
#include "market/jquants/client.h"
#include "market/jquants/v2_json.h"

namespace gogooku3::market::jquants {
namespace {

using namespace std::chrono_literals;
using fake_jquants::FakeJQuantsServer;
using fake_jquants::Fault;
using fake_jquants::FaultKind;
using fake_jquants::ServerOptions;

// Daily bars of `codes` codes on each of `days` days from 2024-01-04.
Table daily_bars(int days, int codes) {
  const EndpointSpec& spec = endpoint("bars_daily");
  std::vector<Column> columns;
  for (const FieldSpec& field : spec.fields)
    columns.emplace_back(std::string(field.column), field.type);
  for (int day = 0; day < days; ++day) {
    for (int c = 0; c < codes; ++c) {
      const std::string code = c == 1 ? "130A0" : std::to_string(13010 + c * 10);
      for (size_t i = 0; i < spec.fields.size(); ++i) {
        switch (spec.fields[i].kind) {
          case ValueKind::kDate:
            columns[i].append(Date::from_ymd(2024, 1, 4) + day);
            break;
          case ValueKind::kText:
            columns[i].append(code);
            break;
          case ValueKind::kCodeDigit:
            columns[i].append(int32_t{0});
            break;
          default:
            columns[i].append(
                c == 2 && i < 10 ? NAN : 100.0 * (c + 1) + day + 0.5 * static_cast<double>(i));
        }
      }
    }
  }
  return Table(std::move(columns));
}

ClientOptions fast_options(const FakeJQuantsServer& server) {
  ClientOptions options;
  options.base_url = server.base_url();
  options.api_key = "test-key";
  options.requests_per_minute = 6000;  // 10 ms apart
  options.retry_base_delay = 5ms;
  options.retry_max_delay = 50ms;
  options.request_timeout = 2s;
  options.rate_limit_cooldown = 200ms;
  options.jitter_seed = 1;
  return options;
}

class JQuantsClientFakeServerTest : public ::testing::Test {
 protected:
  void start(const ServerOptions& options = {}) {
    server_ = std::make_unique<FakeJQuantsServer>(options);
    server_->set_records("bars_daily", bars_);
    server_->start();
  }

  const EndpointSpec& bars_spec_ = endpoint("bars_daily");
  const Table bars_ = daily_bars(3, 10);
  std::unique_ptr<FakeJQuantsServer> server_;
};

Query on_day(int day) { return Query{{{"date", (Date::from_ymd(2024, 1, 4) + day).to_string()}}}; }

TEST_F(JQuantsClientFakeServerTest, FollowsPaginationToTheLastPage) {
  ServerOptions options;
  options.page_size = 3;
  start(options);
  Client client(fast_options(*server_));
  const Table day = client.fetch(bars_spec_, on_day(1));
  EXPECT_EQ(day.first_difference(bars_.slice(10, 20)), std::nullopt) << day.to_string();
  const FetchStats stats = client.stats();
  EXPECT_EQ(stats.pages, 4);  // 3 + 3 + 3 + 1
  EXPECT_EQ(stats.requests, 4);
  EXPECT_EQ(stats.rows, 10);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_GT(stats.bytes, 0);
  EXPECT_GT(stats.seconds, 0);
}

TEST_F(JQuantsClientFakeServerTest, FetchAllRunsChainsConcurrentlyAndKeepsQueryOrder) {
  ServerOptions options;
  options.page_size = 4;
  start(options);
  Client client(fast_options(*server_));
  const std::vector<Table> days =
      client.fetch_all(bars_spec_, {on_day(2), on_day(0), on_day(1), on_day(9)});
  ASSERT_EQ(days.size(), 4u);
  EXPECT_EQ(days[0].first_difference(bars_.slice(20, 30)), std::nullopt);
  EXPECT_EQ(days[1].first_difference(bars_.slice(0, 10)), std::nullopt);
  EXPECT_EQ(days[2].first_difference(bars_.slice(10, 20)), std::nullopt);
  EXPECT_EQ(days[3].num_rows(), 0u);  // no trading that day: one empty page
  EXPECT_EQ(days[3].schema(), bars_.schema());
  EXPECT_EQ(client.stats().pages, 3 * 3 + 1);
  EXPECT_TRUE(client.fetch_all(bars_spec_, {}).empty());
}

TEST_F(JQuantsClientFakeServerTest, PacesRequestsEvenly) {
  ServerOptions options;
  options.page_size = 2;
  start(options);
  ClientOptions client_options = fast_options(*server_);
  client_options.requests_per_minute = 600;  // 100 ms apart
  Client client(client_options);
  const auto begin = std::chrono::steady_clock::now();
  client.fetch_all(bars_spec_, {on_day(0), on_day(1)});  // 5 + 5 pages
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(elapsed, 900ms);  // 10 starts, 9 intervals
  EXPECT_EQ(client.stats().requests, 10);
}

TEST_F(JQuantsClientFakeServerTest, RetriesServerTroubleTimeoutsAndBrokenBodies) {
  ServerOptions options;
  options.page_size = 4;
  start(options);
  server_->inject(Fault{FaultKind::kServerError, 1});
  server_->inject(Fault{FaultKind::kUnavailable, 1});
  server_->inject(Fault{FaultKind::kMalformedJson, 1});
  server_->inject(Fault{FaultKind::kTruncatedBody, 1});
  server_->inject(Fault{FaultKind::kStall, 1, "", 1500ms});
  ClientOptions client_options = fast_options(*server_);
  client_options.request_timeout = 500ms;
  Client client(client_options);
  const std::vector<Table> days = client.fetch_all(bars_spec_, {on_day(0), on_day(2)});
  EXPECT_EQ(days[0].first_difference(bars_.slice(0, 10)), std::nullopt);
  EXPECT_EQ(days[1].first_difference(bars_.slice(20, 30)), std::nullopt);
  const FetchStats stats = client.stats();
  EXPECT_EQ(stats.retries, 5);
  EXPECT_EQ(stats.requests, 6 + 5);
  EXPECT_EQ(stats.pages, 6);
}

TEST_F(JQuantsClientFakeServerTest, GivesUpAfterMaxAttemptsWithTransient) {
  start();
  server_->inject(Fault{FaultKind::kUnavailable, 10});
  ClientOptions client_options = fast_options(*server_);
  client_options.max_attempts = 3;
  Client client(client_options);
  try {
    client.fetch(bars_spec_, on_day(0));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kTransient);
    const std::string message = error.what();
    EXPECT_NE(message.find("/equities/bars/daily?date=2024-01-04"), std::string::npos) << message;
    EXPECT_NE(message.find("failed 3 times"), std::string::npos) << message;
    EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  }
  EXPECT_EQ(client.stats().requests, 3);
}

TEST_F(JQuantsClientFakeServerTest, RateLimitsWaitRetryAfterAndSlowDown) {
  ServerOptions options;
  options.retry_after_seconds = 1;
  start(options);
  server_->inject(Fault{FaultKind::kRateLimited, 1});
  Client client(fast_options(*server_));
  const auto begin = std::chrono::steady_clock::now();
  const Table day = client.fetch(bars_spec_, on_day(0));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_EQ(day.first_difference(bars_.slice(0, 10)), std::nullopt);
  EXPECT_EQ(client.stats().rate_limited, 1);
  EXPECT_EQ(client.stats().retries, 1);
}

TEST_F(JQuantsClientFakeServerTest, RateLimitsBeyondMaxAttemptsAreRateLimited) {
  ServerOptions options;
  options.retry_after_seconds = 0;
  start(options);
  server_->inject(Fault{FaultKind::kRateLimited, 10});
  ClientOptions client_options = fast_options(*server_);
  client_options.max_attempts = 4;  // the third 429 in a row waits the (short) cooldown
  Client client(client_options);
  try {
    client.fetch(bars_spec_, on_day(0));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kRateLimited);
    EXPECT_NE(std::string(error.what()).find("/equities/bars/daily?date=2024-01-04"),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(client.stats().rate_limited, 4);
}

TEST_F(JQuantsClientFakeServerTest, AWrongKeyIsUnauthorizedNamingTheVariable) {
  start();
  ClientOptions client_options = fast_options(*server_);
  client_options.api_key = "wrong-key";
  Client client(client_options);
  try {
    client.fetch(bars_spec_, on_day(0));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized);
    EXPECT_NE(std::string(error.what()).find("JQUANTS_API_KEY"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("wrong-key"), std::string::npos) << error.what();
  }
  EXPECT_EQ(client.stats().requests, 1);  // never retried
}

TEST_F(JQuantsClientFakeServerTest, DatesOutsideThePlanAreInvalidInputNamingThePlan) {
  ServerOptions options;
  options.window_from = Date::from_ymd(2024, 1, 5);
  start(options);
  Client client(fast_options(*server_));
  try {
    client.fetch(bars_spec_, on_day(0));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    const std::string message = error.what();
    EXPECT_NE(message.find("subscription covers"), std::string::npos) << message;
    EXPECT_NE(message.find("jquants.plan"), std::string::npos) << message;
  }
  EXPECT_EQ(client.stats().requests, 1);
}

TEST_F(JQuantsClientFakeServerTest, TooLargeAsksForANarrowerQueryAndCancelsTheRest) {
  start();
  server_->inject(Fault{FaultKind::kTooLarge, 1});
  Client client(fast_options(*server_));
  try {
    client.fetch_all(bars_spec_, {on_day(0), on_day(1), on_day(2)});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("narrow"), std::string::npos) << error.what();
  }
  // The client is still usable after a cancelled run.
  EXPECT_EQ(client.fetch(bars_spec_, on_day(1)).first_difference(bars_.slice(10, 20)),
            std::nullopt);
}

TEST_F(JQuantsClientFakeServerTest, AnUnreachableServerIsTransient) {
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9/v2";  // discard port: nothing listens
  options.requests_per_minute = 6000;
  options.api_key = "k";
  options.max_attempts = 2;
  options.retry_base_delay = 1ms;
  Client client(options);
  try {
    client.fetch(bars_spec_, on_day(0));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kTransient);
  }
  ClientOptions ftp;
  ftp.base_url = "ftp://example.com/v2";
  EXPECT_THROW(Client{ftp}, Error);
}

}  // namespace
}  // namespace gogooku3::market::jquants
