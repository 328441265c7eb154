// FakeJQuantsServer: a J-Quants v2 server on 127.0.0.1 for tests and benchmarks.
//
// It speaks the documented protocol (../shared/reference/jquants-api.md): GET <path>?params
// with an x-api-key header; {"data": [...], "pagination_key": "..."} pages of at most
// page_size rows with an opaque key that changes on every page (an unknown or foreign key is
// a 400); gzip when the request accepts it; 403 {"message": "The incoming api key is invalid
// or expired"} for a wrong or missing key; 403 {"message": "Missing Authentication Token"}
// for unknown paths and for methods other than GET, like API Gateway; 400 with "Your
// subscription covers the following dates: A ~ B. ..." for dates outside the window (the
// calendar is served beyond it, as the real one is), for a date that does not parse, and for
// bars_daily or equities_master asked without code or date; 429 {"message": "Rate limit
// exceeded"} with Retry-After beyond the configured requests in any sliding 60 s. Every answer
// is Content-Type application/json; charset=utf-8.
// The data is whatever tables were loaded with set_records(), filtered the way the API filters
// (code, a 4-character code meaning code+"0", date, from/to on the endpoint's date field,
// section, s33, hol_div), in stored order; an endpoint with no records answers {"data":[]}.
// The order of checks: path, key, rate limit, faults, parameters.
//
// Faults are injected per test: the next `count` requests whose path contains `path_filter`
// get the fault instead of their answer (500, 503, a stall longer than the client's timeout,
// a body cut short, malformed JSON, 413). Faults are taken in the order injected. A stall
// ends early when stop() is called.
//
// Thread-safe: handlers run on the server's thread pool; configuration calls may come from
// the test thread while it runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/table.h"

namespace gogooku3::fake_jquants {

struct ServerOptions {
  std::string api_key = "test-key";
  int port = 0;  // 0: any free port (see port())
  size_t page_size = 1000;
  double requests_per_minute = 0;                 // 0: no limit; else answers 429 beyond it
  int retry_after_seconds = 1;                    // sent with every 429
  Date window_from = Date::from_ymd(2000, 1, 1);  // the subscription's dates
  Date window_to = Date::from_ymd(2099, 12, 31);
};

enum class FaultKind {
  kServerError,    // 500 {"message": "Internal Server Error"}
  kUnavailable,    // 503
  kStall,          // sleeps `stall` before answering normally
  kTruncatedBody,  // announces the full Content-Length, sends half, closes
  kMalformedJson,  // 200 with a body that is not JSON
  kTooLarge,       // 413 {"message": "Response too large ..."}
  kRateLimited,    // 429 regardless of the rate
};

struct Fault {
  FaultKind kind;
  int count = 1;
  std::string path_filter{};  // empty: any path
  std::chrono::milliseconds stall{0};
};

struct ServerStats {
  int64_t requests = 0;      // every request, whatever its answer
  int64_t answered_200 = 0;  // pages served (a malformed or truncated fault is not one)
  int64_t answered_429 = 0;  // over the rate, and kRateLimited faults
  int64_t faults_injected = 0;
  // The highest number of requests seen in any sliding 60-second window.
  int64_t max_requests_per_minute = 0;
};

class FakeJQuantsServer {
 public:
  explicit FakeJQuantsServer(ServerOptions options = {});
  ~FakeJQuantsServer();  // stops the server
  FakeJQuantsServer(const FakeJQuantsServer&) = delete;
  FakeJQuantsServer& operator=(const FakeJQuantsServer&) = delete;

  // Serves `records` (the endpoint's columns, endpoints.h) for the endpoint of raw asset
  // `asset`; replaces earlier records of that endpoint.
  void set_records(std::string_view asset, Table records);
  void inject(Fault fault);
  void set_requests_per_minute(double limit);

  // Binds 127.0.0.1 and starts answering on a background thread; returns the port.
  int start();
  void stop();
  int port() const;
  // "http://127.0.0.1:<port>/v2": what jquants.base_url should say.
  std::string base_url() const;
  ServerStats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gogooku3::fake_jquants
