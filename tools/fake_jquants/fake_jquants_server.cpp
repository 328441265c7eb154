#include "fake_jquants/fake_jquants_server.h"

#include <httplib.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "fake_jquants/pagination_key.h"
#include "fake_jquants/query_filter.h"
#include "fake_jquants/rate_window.h"
#include "market/jquants/endpoints.h"
#include "market/jquants/v2_json.h"

namespace gogooku3::fake_jquants {
namespace {

using market::jquants::EndpointSpec;

constexpr std::string_view kApiPrefix = "/v2";
// With the charset parameter cpp-httplib 0.11 leaves the body alone, so the server decides the
// encoding itself: gzip like the real API, never the brotli httplib would prefer.
constexpr const char* kJsonContentType = "application/json; charset=utf-8";
constexpr std::string_view kInvalidKeyMessage = "The incoming api key is invalid or expired";
constexpr std::string_view kMissingTokenMessage = "Missing Authentication Token";
// Idle keep-alive connections hold a pool thread; a short timeout keeps stop() quick.
constexpr time_t kKeepAliveTimeoutSeconds = 2;
constexpr auto kStartTimeout = std::chrono::seconds(10);

struct Answer {
  int status = 200;
  std::string body;
};

Answer message_answer(int status, std::string_view message) {
  return {status, market::jquants::write_message(message)};
}

std::string_view trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Whether an Accept-Encoding value admits gzip: a "gzip" (or "x-gzip") coding whose q is not 0.
bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view coding = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semicolon = coding.find(';');
    const std::string_view name = trim(coding.substr(0, semicolon));
    if (!equals_ignoring_case(name, "gzip") && !equals_ignoring_case(name, "x-gzip")) continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string_view parameter = trim(coding.substr(semicolon + 1));
    if (parameter.size() < 2 || !equals_ignoring_case(parameter.substr(0, 2), "q=")) return true;
    const std::string q(trim(parameter.substr(2)));
    return std::strtod(q.c_str(), nullptr) > 0;
  }
  return false;
}

std::string gzip(std::string_view data) {
  z_stream stream{};
  // 15 + 16: the largest window, with a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw internal_error("fake J-Quants server: zlib deflateInit2 failed");
  }
  std::string compressed(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_out = static_cast<uInt>(compressed.size());
  const int result = deflate(&stream, Z_FINISH);
  compressed.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw internal_error("fake J-Quants server: zlib deflate failed");
  return compressed;
}

const EndpointSpec* find_endpoint_by_path(std::string_view request_path) {
  if (!request_path.starts_with(kApiPrefix)) return nullptr;
  request_path.remove_prefix(kApiPrefix.size());
  for (const EndpointSpec& spec : market::jquants::endpoints()) {
    if (spec.path == request_path) return &spec;
  }
  return nullptr;
}

}  // namespace

struct FakeJQuantsServer::State {
  explicit State(ServerOptions server_options) : options(std::move(server_options)) {}

  // The normal answer to a GET of a known endpoint: a page, or a 400.
  Answer answer_query(const EndpointSpec& endpoint, const httplib::Request& request);
  void handle_get(const httplib::Request& request, httplib::Response& response);
  // The fault to apply to a request of `path`, consuming one of its count.
  std::optional<Fault> take_fault(const std::string& path);
  // Sleeps `duration`, or less when stop() is called meanwhile.
  void stall(std::chrono::milliseconds duration);

  const ServerOptions options;

  mutable std::mutex mutex;  // guards everything below
  std::map<std::string, std::shared_ptr<const EndpointRecords>, std::less<>> records;
  uint64_t next_generation = 1;
  std::deque<Fault> faults;
  double requests_per_minute = 0;
  RateWindow admitted;  // requests let through the rate limit
  RateWindow seen;      // every request, for max_requests_per_minute
  ServerStats stats;
  bool stopping = false;
  std::condition_variable stop_requested;

  std::unique_ptr<httplib::Server> http;  // set while running
  std::thread listener;
  int port = 0;
};

Answer FakeJQuantsServer::State::answer_query(const EndpointSpec& endpoint,
                                              const httplib::Request& request) {
  std::shared_ptr<const EndpointRecords> stored;
  {
    std::lock_guard lock(mutex);
    auto it = records.find(endpoint.asset);
    if (it != records.end()) stored = it->second;
  }
  if (stored == nullptr) {
    stored = std::make_shared<const EndpointRecords>(
        endpoint, market::jquants::empty_table(endpoint), uint64_t{0});
  }
  try {
    const RecordQuery query = parse_record_query(
        endpoint, request.params, SubscriptionWindow{options.window_from, options.window_to});
    const std::vector<size_t> matched = stored->select(query);
    const uint64_t hash = query_hash(request.path, request.params, stored->generation());
    size_t offset = 0;
    if (const auto key = request.params.find(std::string(kPaginationKeyParam));
        key != request.params.end() && !key->second.empty()) {
      offset = read_pagination_key(key->second, hash, matched.size(), options.page_size);
    }
    const size_t end = std::min(matched.size(), offset + options.page_size);
    std::optional<std::string> next_key;
    if (end < matched.size()) next_key = make_pagination_key(end, hash);
    const Table page =
        stored->table().take(std::span<const size_t>(matched).subspan(offset, end - offset));
    return {200, market::jquants::write_page(endpoint, page, 0, page.num_rows(), next_key)};
  } catch (const Error& error) {
    if (error.category() != ErrorCategory::kInvalidInput) throw;
    return message_answer(400, error.what());
  }
}

std::optional<Fault> FakeJQuantsServer::State::take_fault(const std::string& path) {
  std::lock_guard lock(mutex);
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if (!it->path_filter.empty() && path.find(it->path_filter) == std::string::npos) continue;
    Fault fault = *it;
    if (--it->count <= 0) faults.erase(it);
    ++stats.faults_injected;
    return fault;
  }
  return std::nullopt;
}

void FakeJQuantsServer::State::stall(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex);
  stop_requested.wait_for(lock, duration, [this] { return stopping; });
}

void FakeJQuantsServer::State::handle_get(const httplib::Request& request,
                                          httplib::Response& response) {
  const bool gzip_accepted = accepts_gzip(request.get_header_value("Accept-Encoding"));
  // The body as sent: gzip when the request accepts it, like the real API.
  auto encode = [&](const Answer& answer) {
    response.status = answer.status;
    if (!gzip_accepted) return answer.body;
    response.set_header("Content-Encoding", "gzip");
    return gzip(answer.body);
  };
  auto send = [&](const Answer& answer) { response.set_content(encode(answer), kJsonContentType); };
  auto send_rate_limited = [&] {
    {
      std::lock_guard lock(mutex);
      ++stats.answered_429;
    }
    response.set_header("Retry-After", std::to_string(options.retry_after_seconds));
    send(message_answer(429, "Rate limit exceeded"));
  };

  const auto now = RateWindow::Clock::now();
  {
    std::lock_guard lock(mutex);
    ++stats.requests;
    stats.max_requests_per_minute =
        std::max(stats.max_requests_per_minute, static_cast<int64_t>(seen.record(now)));
  }

  const EndpointSpec* endpoint = find_endpoint_by_path(request.path);
  if (endpoint == nullptr) return send(message_answer(403, kMissingTokenMessage));
  if (!request.has_header("x-api-key") ||
      request.get_header_value("x-api-key") != options.api_key) {
    return send(message_answer(403, kInvalidKeyMessage));
  }

  bool over_limit = false;
  {
    std::lock_guard lock(mutex);
    if (requests_per_minute > 0 &&
        static_cast<double>(admitted.count(now)) + 1 > requests_per_minute) {
      over_limit = true;
    } else {
      admitted.record(now);
    }
  }
  if (over_limit) return send_rate_limited();

  const std::optional<Fault> fault = take_fault(request.path);
  if (fault) {
    switch (fault->kind) {
      case FaultKind::kServerError:
        return send(message_answer(500, "Internal Server Error"));
      case FaultKind::kUnavailable:
        return send(message_answer(503, "Service Unavailable"));
      case FaultKind::kTooLarge:
        return send(message_answer(
            413, "Response too large: narrow the query (one code or one date per request)"));
      case FaultKind::kRateLimited:
        return send_rate_limited();
      case FaultKind::kStall:
        stall(fault->stall);
        break;  // then answers normally
      case FaultKind::kMalformedJson: {
        // The page cut in half: never JSON, since the closing brace is gone.
        Answer answer = answer_query(*endpoint, request);
        answer.body.resize(answer.body.size() / 2);
        answer.status = 200;
        return send(answer);
      }
      case FaultKind::kTruncatedBody: {
        auto body = std::make_shared<std::string>(encode(answer_query(*endpoint, request)));
        // Announces the whole body, writes half, then fails the provider: httplib closes the
        // connection, and the client reads EOF short of Content-Length.
        response.set_content_provider(body->size(), kJsonContentType,
                                      [body](size_t offset, size_t, httplib::DataSink& sink) {
                                        if (offset == 0) sink.write(body->data(), body->size() / 2);
                                        return false;
                                      });
        return;
      }
    }
  }

  const Answer answer = answer_query(*endpoint, request);
  if (answer.status == 200) {
    std::lock_guard lock(mutex);
    ++stats.answered_200;
  }
  send(answer);
}

FakeJQuantsServer::FakeJQuantsServer(ServerOptions options)
    : state_(std::make_unique<State>(std::move(options))) {
  const ServerOptions& checked = state_->options;
  if (checked.page_size == 0) throw invalid_input("fake J-Quants server: page_size must be > 0");
  if (checked.requests_per_minute < 0) {
    throw invalid_input("fake J-Quants server: requests_per_minute must be >= 0, got {}",
                        checked.requests_per_minute);
  }
  if (checked.window_from > checked.window_to) {
    throw invalid_input("fake J-Quants server: window_from {} is after window_to {}",
                        checked.window_from.to_string(), checked.window_to.to_string());
  }
  state_->requests_per_minute = checked.requests_per_minute;
}

FakeJQuantsServer::~FakeJQuantsServer() { stop(); }

void FakeJQuantsServer::set_records(std::string_view asset, Table records) {
  const EndpointSpec& endpoint = market::jquants::endpoint(asset);
  if (records.num_columns() == 0) records = market::jquants::empty_table(endpoint);
  uint64_t generation = 0;
  {
    std::lock_guard lock(state_->mutex);
    generation = state_->next_generation++;
  }
  auto stored = std::make_shared<const EndpointRecords>(endpoint, records, generation);
  std::lock_guard lock(state_->mutex);
  state_->records[std::string(endpoint.asset)] = std::move(stored);
}

void FakeJQuantsServer::inject(Fault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(state_->mutex);
  state_->faults.push_back(std::move(fault));
}

void FakeJQuantsServer::set_requests_per_minute(double limit) {
  if (limit < 0) {
    throw invalid_input("fake J-Quants server: requests_per_minute must be >= 0, got {}", limit);
  }
  std::lock_guard lock(state_->mutex);
  state_->requests_per_minute = limit;
}

int FakeJQuantsServer::start() {
  State& state = *state_;
  if (state.http != nullptr) return state.port;

  auto http = std::make_unique<httplib::Server>();
  http->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  http->Get(".*", [&state](const httplib::Request& request, httplib::Response& response) {
    state.handle_get(request, response);
  });
  // API Gateway answers a method a resource does not have like a path it does not have.
  auto no_such_method = [&state](const httplib::Request&, httplib::Response& response) {
    {
      std::lock_guard lock(state.mutex);
      ++state.stats.requests;
    }
    response.status = 403;
    response.set_content(market::jquants::write_message(kMissingTokenMessage), kJsonContentType);
  };
  http->Post(".*", no_such_method);
  http->Put(".*", no_such_method);
  http->Patch(".*", no_such_method);
  http->Delete(".*", no_such_method);
  http->Options(".*", no_such_method);
  http->set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, const std::exception_ptr& error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        response.status = 500;
        response.set_content(market::jquants::write_message("fake J-Quants server: " + what),
                             kJsonContentType);
      });

  int port = state.options.port;
  if (port == 0) {
    port = http->bind_to_any_port("127.0.0.1");
  } else if (!http->bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    throw transient("fake J-Quants server: cannot listen on 127.0.0.1:{}", state.options.port);
  }
  {
    std::lock_guard lock(state.mutex);
    state.stopping = false;
  }
  httplib::Server* server = http.get();
  auto listener_done = std::make_shared<std::atomic<bool>>(false);
  state.listener = std::thread([server, listener_done] {
    server->listen_after_bind();
    *listener_done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!server->is_running()) {
    if (*listener_done || std::chrono::steady_clock::now() > deadline) {
      server->stop();
      state.listener.join();
      throw transient("fake J-Quants server: 127.0.0.1:{} did not start accepting", port);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  state.http = std::move(http);
  state.port = port;
  return port;
}

void FakeJQuantsServer::stop() {
  State& state = *state_;
  if (state.http == nullptr) return;
  {
    std::lock_guard lock(state.mutex);
    state.stopping = true;
  }
  state.stop_requested.notify_all();
  state.http->stop();
  state.listener.join();
  state.http.reset();
}

int FakeJQuantsServer::port() const { return state_->port; }

std::string FakeJQuantsServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port) + std::string(kApiPrefix);
}

ServerStats FakeJQuantsServer::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

}  // namespace gogooku3::fake_jquants
