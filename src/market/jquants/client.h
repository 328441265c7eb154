// jquants::Client: the J-Quants v2 HTTP client — rate-paced, concurrent, retrying.
//
// A request is a path and query; the client follows pagination (repeating the identical query
// with pagination_key until the key is absent or empty) and returns every page's rows as one
// Table. fetch_all() runs many queries at once over curl multi, at most `max_in_flight`
// requests open, so a year of daily bars is a few hundred date= queries in parallel chains.
//
// Pacing: requests start on an even schedule, one every 60/requests_per_minute seconds (per
// endpoint the stricter of the plan and the endpoint's own cap, e.g. fins at 60/min), never in
// bursts. A 429 waits for Retry-After (or the backoff when absent) and slows the schedule by
// a lasting factor (x1.5 per 429, up to x4); three 429s in a row wait rate_limit_cooldown
// (5 minutes against the real API: "sustained excess blocks all requests for ~5 minutes").
//
// Failures: 5xx answers, timeouts, connection errors, truncated or undecodable bodies and
// malformed JSON are retried with exponential backoff and full jitter, up to max_attempts per
// request, then thrown as Transient naming the endpoint, query and last failure. 429s beyond
// max_attempts are RateLimited. 400 is InvalidInput with the server's message (a date outside
// the subscription says which dates the plan covers and names the plan setting), 403 is
// Unauthorized (bad key: names JQUANTS_API_KEY; else the server's message), 413 is
// InvalidInput asking for a narrower query. A 200 page that fails the schema (a field of the
// wrong type) is InvalidInput from the parser and is not retried.
//
// The API key is registered with the logger as a secret and never logged.
// The schedule and the slow-down are pacer.h; backoff, Retry-After and which statuses are
// retried are retry_policy.h. A 5xx's Retry-After, when sent, replaces the backoff too, and a
// server that answers a page with the pagination_key it was asked for (a loop) is InvalidInput.
// Thread safety: one Client may be used from one thread at a time; stats() from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/table.h"
#include "market/jquants/endpoints.h"

namespace gogooku3::market::jquants {

inline constexpr std::string_view kDefaultBaseUrl = "https://api.jquants.com/v2";

struct ClientOptions {
  std::string base_url = std::string(kDefaultBaseUrl);
  std::string api_key;
  double requests_per_minute = 60;  // the plan's rate (light)
  std::string plan = "light";       // for messages only
  int max_in_flight = 4;
  int max_attempts = 6;
  std::chrono::milliseconds retry_base_delay{500};
  std::chrono::milliseconds retry_max_delay{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // whole request, body included
  std::chrono::milliseconds rate_limit_cooldown{300'000};
  uint64_t jitter_seed = 0;  // 0: seeded from the clock
};

// Requests per minute of a plan name (free 5, light 60, standard 120, premium 500);
// InvalidInput listing the plans for anything else.
double plan_requests_per_minute(std::string_view plan);

// From the configuration: jquants.base_url, jquants.plan, jquants.requests_per_minute (0 =
// the plan's), jquants.max_in_flight, jquants.max_attempts, jquants.timeout_seconds, and the
// key from JQUANTS_API_KEY in `environment`. Unauthorized naming JQUANTS_API_KEY when the key
// is empty.
ClientOptions client_options_from_config(const Config& config,
                                         const std::map<std::string, std::string>& environment);

struct Query {
  std::vector<std::pair<std::string, std::string>> params;  // e.g. {{"date", "2024-01-04"}}
  std::string to_string() const;                            // "date=2024-01-04&code=86970"
};

struct FetchStats {
  int64_t requests = 0;  // HTTP requests sent, retries included
  int64_t pages = 0;     // 200 pages accepted
  int64_t rows = 0;
  int64_t retries = 0;       // requests sent again after a failure
  int64_t rate_limited = 0;  // 429 answers
  int64_t bytes = 0;         // body bytes received (decompressed)
  double seconds = 0;        // wall time inside fetch/fetch_all
  double parse_seconds = 0;  // of which JSON parsing
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const;

  // Every page of one query, rows in page order.
  Table fetch(const EndpointSpec& endpoint, const Query& query);
  // Every query's pages, concurrently; results in query order. The first error (after
  // retries) cancels the rest and is thrown.
  std::vector<Table> fetch_all(const EndpointSpec& endpoint, const std::vector<Query>& queries);

  FetchStats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gogooku3::market::jquants
