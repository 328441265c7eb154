#include "fake_jquants/fake_jquants_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "market/jquants/endpoints.h"
#include "market/jquants/v2_json.h"

namespace gogooku3::fake_jquants {
namespace {

using market::jquants::endpoint;
using market::jquants::parse_page;
using market::jquants::read_message;

constexpr const char* kBarsPath = "/v2/equities/bars/daily";
constexpr const char* kMasterPath = "/v2/equities/master";
constexpr const char* kCalendarPath = "/v2/markets/calendar";
constexpr const char* kInvestorTypesPath = "/v2/equities/investor-types";

struct Bar {
  const char* date;
  const char* code;
  double close;
};

// bars_daily rows with every column of the endpoint; the close tells rows apart.
Table bars_table(const std::vector<Bar>& bars) {
  Table table = market::jquants::empty_table(endpoint("bars_daily"));
  std::vector<Column> columns = table.columns();
  for (const Bar& bar : bars) {
    for (Column& column : columns) {
      if (column.name() == "date") {
        column.append(Date::parse(bar.date));
      } else if (column.name() == "code") {
        column.append(bar.code);
      } else if (column.type() == ColumnType::kInt32) {
        column.append(int32_t{0});
      } else if (column.name() == "volume") {
        column.append_null();  // a null travels too
      } else {
        column.append(column.name() == "adjustment_factor" ? 1.0 : bar.close);
      }
    }
  }
  return Table(std::move(columns));
}

// Four days x three codes, stored by date then code like the loader stores them.
std::vector<Bar> sample_bars() {
  std::vector<Bar> bars;
  const char* dates[] = {"2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"};
  const char* codes[] = {"13010", "130A0", "86970"};
  double close = 100;
  for (const char* date : dates) {
    for (const char* code : codes) bars.push_back({date, code, close++});
  }
  return bars;
}

Table calendar_table() {
  return Table({Column::of<Date>("date", {Date::parse("2024-06-01"), Date::parse("2024-06-02"),
                                          Date::parse("2024-06-03")}),
                Column::of<int32_t>("holiday_division", {0, 0, 1})});
}

Table investor_types_table() {
  Table table = market::jquants::empty_table(endpoint("investor_types"));
  std::vector<Column> columns = table.columns();
  for (const char* section : {"TSEPrime", "TSEStandard", "TSEGrowth"}) {
    for (Column& column : columns) {
      if (column.type() == ColumnType::kDate) {
        column.append(Date::parse("2024-06-06"));
      } else if (column.name() == "section") {
        column.append(section);
      } else {
        column.append(int64_t{1000});
      }
    }
  }
  return Table(std::move(columns));
}

class FakeJQuantsServerTest : public ::testing::Test {
 protected:
  void start(const ServerOptions& options = {}) {
    server_.emplace(options);
    server_->set_records("bars_daily", bars_table(sample_bars()));
    server_->set_records("calendar", calendar_table());
    server_->set_records("investor_types", investor_types_table());
    server_->start();
    client_.emplace("127.0.0.1", server_->port());
    client_->set_read_timeout(std::chrono::seconds(5));
  }

  httplib::Result get(const std::string& path, const httplib::Params& params = {},
                      const httplib::Headers& headers = {{"x-api-key", "test-key"}}) {
    return client_->Get(path, params, headers);
  }

  // The rows of a 200 page of bars_daily, failing the test for anything else.
  Table bars(const httplib::Params& params) {
    httplib::Result result = get(kBarsPath, params);
    if (!result) {
      ADD_FAILURE() << "no answer: " << httplib::to_string(result.error());
      return {};
    }
    EXPECT_EQ(result->status, 200) << result->body;
    return parse_page(endpoint("bars_daily"), result->body).rows;
  }

  std::vector<std::string> codes_of(const Table& rows) {
    return rows.num_columns() == 0 ? std::vector<std::string>{}
                                   : rows.column("code").as<std::string>();
  }

  std::optional<FakeJQuantsServer> server_;
  std::optional<httplib::Client> client_;  // destroyed first: its connection ends before stop
};

void expect_message(const httplib::Result& result, int status, const std::string& message) {
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, status) << result->body;
  EXPECT_EQ(read_message(result->body), message);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
}

TEST_F(FakeJQuantsServerTest, WrongOrMissingKeyIs403WithTheDocumentedMessage) {
  start();
  const std::string message = "The incoming api key is invalid or expired";
  expect_message(get(kBarsPath, {{"date", "20240603"}}, {{"x-api-key", "other"}}), 403, message);
  expect_message(get(kBarsPath, {{"date", "20240603"}}, {}), 403, message);
  EXPECT_EQ(get(kBarsPath, {{"date", "20240603"}}, {{"x-api-key", "other"}})->body,
            R"({"message":"The incoming api key is invalid or expired"})");
  EXPECT_EQ(server_->stats().answered_200, 0);
}

TEST_F(FakeJQuantsServerTest, UnknownPathOrMethodIs403MissingAuthenticationToken) {
  start();
  expect_message(get("/v2/equities/bars/weekly"), 403, "Missing Authentication Token");
  expect_message(get("/equities/bars/daily", {{"date", "20240603"}}), 403,
                 "Missing Authentication Token");
  expect_message(get("/v1/prices/daily_quotes", {{"date", "20240603"}}), 403,
                 "Missing Authentication Token");
  // Checked before the key, like API Gateway does.
  expect_message(get("/v2/nope", {}, {}), 403, "Missing Authentication Token");
  httplib::Result post = client_->Post(kBarsPath, {{"x-api-key", "test-key"}}, "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  EXPECT_EQ(read_message(post->body), "Missing Authentication Token");
}

TEST_F(FakeJQuantsServerTest, PagesVisitEveryRowOnceWithAFreshKeyEachPage) {
  ServerOptions options;
  options.page_size = 2;
  start(options);
  const auto& spec = endpoint("bars_daily");

  httplib::Params params = {{"code", "86970"}, {"from", "2024-06-01"}};
  std::vector<Table> pages;
  std::set<std::string> keys;
  for (int request = 0; request < 10; ++request) {
    httplib::Result result = get(kBarsPath, params);
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    market::jquants::Page page = parse_page(spec, result->body);
    pages.push_back(page.rows);
    if (!page.pagination_key) {
      EXPECT_EQ(result->body.find("pagination_key"), std::string::npos) << result->body;
      break;
    }
    EXPECT_TRUE(keys.insert(*page.pagination_key).second) << "key repeated";
    params.erase("pagination_key");
    params.emplace("pagination_key", *page.pagination_key);
  }
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].num_rows(), 2u);
  EXPECT_EQ(pages[1].num_rows(), 2u);

  // Every day of the table, three rows a day over two pages: every row once, in stored order.
  const Table expected = bars_table(sample_bars());
  std::vector<Table> all_pages;
  for (const char* date : {"2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"}) {
    httplib::Params day = {{"date", date}};
    for (;;) {
      httplib::Result result = get(kBarsPath, day);
      ASSERT_TRUE(result);
      ASSERT_EQ(result->status, 200) << result->body;
      market::jquants::Page page = parse_page(spec, result->body);
      all_pages.push_back(page.rows);
      if (!page.pagination_key) break;
      EXPECT_TRUE(keys.insert(*page.pagination_key).second) << "key repeated";
      day = {{"date", date}, {"pagination_key", *page.pagination_key}};
    }
  }
  EXPECT_EQ(all_pages.size(), 8u);
  const Table joined = Table::concat(all_pages);
  EXPECT_TRUE(joined.equals(expected)) << joined.first_difference(expected).value_or("");
}

TEST_F(FakeJQuantsServerTest, ABadOrForeignPaginationKeyIs400) {
  ServerOptions options;
  options.page_size = 2;
  start(options);
  httplib::Result first = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(first);
  const std::optional<std::string> key =
      parse_page(endpoint("bars_daily"), first->body).pagination_key;
  ASSERT_TRUE(key);

  for (const httplib::Params& params : std::vector<httplib::Params>{
           {{"date", "2024-06-04"}, {"pagination_key", *key}},  // another query
           {{"date", "2024-06-03"}, {"pagination_key", "garbage"}},
           {{"date", "2024-06-03"}, {"pagination_key", "64." + key->substr(2)}}}) {
    httplib::Result result = get(kBarsPath, params);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << params.rbegin()->second;
    EXPECT_NE(read_message(result->body).find("pagination_key"), std::string::npos);
  }
  // An empty key asks for the first page, as if it were absent.
  httplib::Result empty = get(kBarsPath, {{"date", "2024-06-03"}, {"pagination_key", ""}});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, first->body);

  // Replacing the records retires the keys of the old ones.
  server_->set_records("bars_daily", bars_table(sample_bars()));
  httplib::Result stale = get(kBarsPath, {{"date", "2024-06-03"}, {"pagination_key", *key}});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 400);
}

TEST_F(FakeJQuantsServerTest, GzipsTheAnswerWhenTheRequestAcceptsIt) {
  start();
  client_->set_decompress(false);
  httplib::Result zipped = get(kBarsPath, {{"date", "2024-06-03"}},
                               {{"x-api-key", "test-key"}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->status, 200);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped->get_header_value("Content-Type"), "application/json; charset=utf-8");
  ASSERT_GE(zipped->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(zipped->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(zipped->body[1]), 0x8b);

  // gzip even when brotli is offered first; errors are gzipped too.
  httplib::Result error =
      get(kBarsPath, {}, {{"x-api-key", "test-key"}, {"Accept-Encoding", "br, deflate, gzip"}});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->get_header_value("Content-Encoding"), "gzip");

  for (const char* refused : {"identity", "gzip;q=0", "br"}) {
    httplib::Result plain = get(kBarsPath, {{"date", "2024-06-03"}},
                                {{"x-api-key", "test-key"}, {"Accept-Encoding", refused}});
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->has_header("Content-Encoding")) << refused;
  }

  client_->set_decompress(true);
  httplib::Result unzipped = get(kBarsPath, {{"date", "2024-06-03"}},
                                 {{"x-api-key", "test-key"}, {"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(unzipped);
  EXPECT_EQ(parse_page(endpoint("bars_daily"), unzipped->body).rows.num_rows(), 3u);
}

TEST_F(FakeJQuantsServerTest, FiltersByCodeDateAndRange) {
  start();
  using Codes = std::vector<std::string>;
  EXPECT_EQ(codes_of(bars({{"code", "86970"}})), Codes(4, "86970"));
  EXPECT_EQ(codes_of(bars({{"code", "8697"}})), Codes(4, "86970"));  // 4 chars: common stock
  EXPECT_EQ(codes_of(bars({{"code", "130A0"}})), Codes(4, "130A0"));
  EXPECT_EQ(codes_of(bars({{"code", "1301"}})), Codes(4, "13010"));
  EXPECT_EQ(bars({{"code", "99990"}}).num_rows(), 0u);

  Table day = bars({{"date", "20240604"}});
  EXPECT_EQ(codes_of(day), (Codes{"13010", "130A0", "86970"}));
  EXPECT_EQ(day.column("date").as<Date>()[0], Date::parse("2024-06-04"));
  EXPECT_EQ(bars({{"date", "2024-06-04"}}).num_rows(), 3u);
  EXPECT_EQ(bars({{"date", "2024-06-08"}}).num_rows(), 0u);

  Table range = bars({{"code", "86970"}, {"from", "2024-06-04"}, {"to", "20240605"}});
  ASSERT_EQ(range.num_rows(), 2u);
  EXPECT_EQ(range.column("date").as<Date>()[0], Date::parse("2024-06-04"));
  EXPECT_EQ(range.column("date").as<Date>()[1], Date::parse("2024-06-05"));
  EXPECT_EQ(range.column("close").as<double>()[0], 105.0);
  EXPECT_TRUE(std::isnan(range.column("volume").as<double>()[0]));

  httplib::Result holidays = get(kCalendarPath, {{"hol_div", "0"}, {"from", "2024-06-01"}});
  ASSERT_TRUE(holidays);
  EXPECT_EQ(parse_page(endpoint("calendar"), holidays->body).rows.num_rows(), 2u);
  httplib::Result prime = get(kInvestorTypesPath, {{"section", "TSEPrime"}});
  ASSERT_TRUE(prime);
  Table sections = parse_page(endpoint("investor_types"), prime->body).rows;
  ASSERT_EQ(sections.num_rows(), 1u);
  EXPECT_EQ(sections.column("section").as<std::string>()[0], "TSEPrime");

  // An endpoint with no records loaded answers an empty page.
  httplib::Result topix = get("/v2/indices/bars/daily/topix");
  ASSERT_TRUE(topix);
  EXPECT_EQ(topix->status, 200);
  EXPECT_EQ(topix->body, R"({"data":[]})");
}

TEST_F(FakeJQuantsServerTest, BadParametersAre400) {
  start();
  const std::string required = "This API requires at least 1 parameter as follows; 'date','code'.";
  expect_message(get(kBarsPath), 400, required);
  expect_message(get(kBarsPath, {{"from", "2024-06-03"}}), 400, required);
  expect_message(get(kMasterPath), 400, required);

  for (const httplib::Params& params : std::vector<httplib::Params>{
           {{"date", "2024-13-01"}}, {{"date", "June 3"}}, {{"code", "86970"}, {"from", "x"}}}) {
    httplib::Result result = get(kBarsPath, params);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400);
    EXPECT_NE(read_message(result->body).find("YYYYMMDD or YYYY-MM-DD"), std::string::npos)
        << result->body;
  }
  httplib::Result code = get(kBarsPath, {{"code", "869"}});
  ASSERT_TRUE(code);
  EXPECT_EQ(code->status, 400);
}

TEST_F(FakeJQuantsServerTest, DatesOutsideTheSubscriptionAre400WithTheApiMessage) {
  ServerOptions options;
  options.window_from = Date::from_ymd(2024, 6, 4);
  options.window_to = Date::from_ymd(2024, 6, 5);
  start(options);
  const std::string message =
      "Your subscription covers the following dates: 2024-06-04 ~ 2024-06-05. If you want more "
      "data, please check other plans:  https://jpx-jquants.com/#jquants-api";
  expect_message(get(kBarsPath, {{"date", "20240603"}}), 400, message);
  expect_message(get(kBarsPath, {{"date", "2024-06-06"}}), 400, message);
  expect_message(get(kBarsPath, {{"code", "86970"}, {"from", "2024-06-01"}}), 400, message);
  expect_message(get(kBarsPath, {{"code", "86970"}, {"to", "2024-06-30"}}), 400, message);
  // Without dates only the window's rows are served.
  EXPECT_EQ(bars({{"code", "86970"}}).num_rows(), 2u);
  // The calendar is published beyond any plan's window.
  httplib::Result calendar = get(kCalendarPath, {{"from", "2024-06-01"}});
  ASSERT_TRUE(calendar);
  EXPECT_EQ(parse_page(endpoint("calendar"), calendar->body).rows.num_rows(), 3u);
}

TEST_F(FakeJQuantsServerTest, BeyondTheRateAnswers429WithRetryAfter) {
  ServerOptions options;
  options.requests_per_minute = 3;
  options.retry_after_seconds = 7;
  start(options);
  for (int i = 0; i < 3; ++i) {
    httplib::Result result = get(kBarsPath, {{"date", "2024-06-03"}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200);
  }
  httplib::Result limited = get(kBarsPath, {{"date", "2024-06-03"}});
  expect_message(limited, 429, "Rate limit exceeded");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "7");

  server_->set_requests_per_minute(0);
  httplib::Result unlimited = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(unlimited);
  EXPECT_EQ(unlimited->status, 200);

  const ServerStats stats = server_->stats();
  EXPECT_EQ(stats.requests, 5);
  EXPECT_EQ(stats.answered_200, 4);
  EXPECT_EQ(stats.answered_429, 1);
  EXPECT_EQ(stats.max_requests_per_minute, 5);
}

TEST_F(FakeJQuantsServerTest, StatusFaultsAnswerTheirStatusThenStop) {
  start();
  server_->inject({FaultKind::kServerError, 2, "bars/daily"});
  server_->inject({FaultKind::kUnavailable});
  server_->inject({FaultKind::kTooLarge});
  server_->inject({FaultKind::kRateLimited});
  const httplib::Params params = {{"date", "2024-06-03"}};

  // The calendar is not bars/daily: it takes the first fault that has no filter.
  expect_message(get(kCalendarPath), 503, "Service Unavailable");
  expect_message(get(kBarsPath, params), 500, "Internal Server Error");
  expect_message(get(kBarsPath, params), 500, "Internal Server Error");
  httplib::Result too_large = get(kBarsPath, params);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_EQ(read_message(too_large->body).rfind("Response too large", 0), 0u);
  httplib::Result limited = get(kBarsPath, params);
  expect_message(limited, 429, "Rate limit exceeded");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "1");
  httplib::Result normal = get(kBarsPath, params);
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->status, 200);
  EXPECT_EQ(server_->stats().faults_injected, 5);
}

TEST_F(FakeJQuantsServerTest, AStallOutlastsTheClientTimeoutThenAnswers) {
  start();
  server_->inject({FaultKind::kStall, 1, "", std::chrono::milliseconds(200)});
  client_->set_read_timeout(std::chrono::milliseconds(50));
  const auto started = std::chrono::steady_clock::now();
  httplib::Result stalled = get(kBarsPath, {{"date", "2024-06-03"}});
  EXPECT_FALSE(stalled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(190));

  client_->set_read_timeout(std::chrono::seconds(5));
  httplib::Result normal = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->status, 200);

  // A stalled answer still comes, late, to a patient client.
  server_->inject({FaultKind::kStall, 1, "", std::chrono::milliseconds(200)});
  const auto patient = std::chrono::steady_clock::now();
  httplib::Result late = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - patient, std::chrono::milliseconds(200));
}

TEST_F(FakeJQuantsServerTest, StopEndsAStallAtOnce) {
  start();
  server_->inject({FaultKind::kStall, 1, "", std::chrono::seconds(30)});
  std::thread request([this] { get(kBarsPath, {{"date", "2024-06-03"}}); });
  while (server_->stats().faults_injected == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto stopping = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
  request.join();
}

TEST_F(FakeJQuantsServerTest, ATruncatedBodyEndsTheConnectionShortOfItsLength) {
  start();
  server_->inject({FaultKind::kTruncatedBody});
  httplib::Result truncated = get(kBarsPath, {{"date", "2024-06-03"}});
  EXPECT_FALSE(truncated);
  EXPECT_EQ(truncated.error(), httplib::Error::Read);

  // What a client sees on the wire: the full length announced, half the bytes, then EOF.
  server_->inject({FaultKind::kTruncatedBody});
  size_t announced = 0;
  std::string received;
  httplib::Result streamed = client_->Get(
      std::string(kBarsPath) + "?date=2024-06-03", {{"x-api-key", "test-key"}},
      [&](const httplib::Response& response) {
        announced = std::stoul(response.get_header_value("Content-Length"));
        return true;
      },
      [&](const char* data, size_t length) {
        received.append(data, length);
        return true;
      });
  EXPECT_FALSE(streamed);
  EXPECT_GT(announced, 100u);
  EXPECT_EQ(received.size(), announced / 2);

  httplib::Result normal = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(normal);
  EXPECT_EQ(normal->status, 200);
  EXPECT_EQ(normal->body.size(), announced);
}

TEST_F(FakeJQuantsServerTest, MalformedJsonIs200WithABodyTheParserRejects) {
  start();
  server_->inject({FaultKind::kMalformedJson});
  httplib::Result malformed = get(kBarsPath, {{"date", "2024-06-03"}});
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 200);
  try {
    parse_page(endpoint("bars_daily"), malformed->body);
    ADD_FAILURE() << "parsed: " << malformed->body;
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
  }
}

TEST_F(FakeJQuantsServerTest, RecordsMustHaveTheEndpointColumns) {
  FakeJQuantsServer server;
  Table wrong({Column::of<std::string>("date", {"2024-06-03"}),
               Column::of<int32_t>("holiday_division", {1})});
  try {
    server.set_records("calendar", wrong);
    ADD_FAILURE() << "accepted a string date column";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("date"), std::string::npos);
  }
  EXPECT_THROW(server.set_records("no_such_asset", calendar_table()), Error);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:0/v2");
  const int port = server.start();
  EXPECT_GT(port, 0);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(port) + "/v2");
}

}  // namespace
}  // namespace gogooku3::fake_jquants
