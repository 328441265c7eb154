// The J-Quants client: one curl multi handle drives every open request from the calling
// thread. Each query is a chain of pages (page n+1 needs page n's pagination_key), chains run
// side by side up to max_in_flight open requests, and the Pacer decides when the next request
// may start. While it waits, the loop keeps polling curl so that open transfers progress.
#include "market/jquants/client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "core/percent_encoding.h"
#include "market/jquants/pacer.h"
#include "market/jquants/retry_policy.h"
#include "market/jquants/v2_json.h"

namespace gogooku3::market::jquants {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kApiKeyVariable = "JQUANTS_API_KEY";
// The longest the loop sleeps in curl_multi_poll before looking at the schedule again.
constexpr std::chrono::milliseconds kMaxPoll{250};

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  const auto found =
      std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return found != text.end();
}

std::chrono::milliseconds to_milliseconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// One page of one query. Pages of a query are asked for one after another.
struct Chain {
  size_t query = 0;
  std::string query_string;                   // encoded, without pagination_key
  std::optional<std::string> pagination_key;  // of the page to ask for next
  std::vector<Table> pages;
  int failed_attempts = 0;  // of the current page
  std::string last_failure;
  Clock::time_point ready_at{};
  bool in_flight = false;
};

// One open HTTP request; curl's CURLOPT_PRIVATE points here.
struct Transfer {
  CURL* easy = nullptr;
  size_t chain = 0;
  std::string url;
  std::string body;
  std::string retry_after;
  Clock::time_point started;
  char error[CURL_ERROR_SIZE] = {};
};

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->body.append(data, size * count);
  return size * count;
}

size_t collect_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  // A new status line (after a 100 Continue) starts a new header block.
  if (line.starts_with("HTTP/")) transfer->retry_after.clear();
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size() &&
      contains_ignoring_case(line.substr(0, kRetryAfter.size()), kRetryAfter)) {
    transfer->retry_after = std::string(line.substr(kRetryAfter.size()));
  }
  return size * count;
}

// Transport failures that asking again cannot fix.
bool is_configuration_error(CURLcode code) {
  return code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT ||
         code == CURLE_PEER_FAILED_VERIFICATION;
}

}  // namespace

double plan_requests_per_minute(std::string_view plan) {
  std::string name(plan);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "free") return 5;
  if (name == "light") return 60;
  if (name == "standard") return 120;
  if (name == "premium") return 500;
  throw invalid_input(
      "J-Quants plan '{}' is not known; set jquants.plan to free, light, standard or premium",
      plan);
}

ClientOptions client_options_from_config(const Config& config,
                                         const std::map<std::string, std::string>& environment) {
  ClientOptions options;
  options.base_url = config.get_string("jquants.base_url");
  options.plan = config.get_string("jquants.plan");
  const double plan_rate = plan_requests_per_minute(options.plan);
  const double configured_rate = config.get_number("jquants.requests_per_minute");
  if (!(configured_rate >= 0)) {
    throw invalid_input(
        "config {}: jquants.requests_per_minute must be 0 (the plan's rate) or "
        "positive, got {}",
        config.origin(), configured_rate);
  }
  options.requests_per_minute = configured_rate > 0 ? configured_rate : plan_rate;
  const auto positive = [&](std::string_view key) {
    const int64_t value = config.get_integer(key);
    if (value < 1 || value > 1'000'000) {
      throw invalid_input("config {}: {} must be a positive integer, got {}", config.origin(), key,
                          value);
    }
    return value;
  };
  options.max_in_flight = static_cast<int>(positive("jquants.max_in_flight"));
  options.max_attempts = static_cast<int>(positive("jquants.max_attempts"));
  options.request_timeout = std::chrono::seconds(positive("jquants.timeout_seconds"));
  const auto key = environment.find(std::string(kApiKeyVariable));
  if (key == environment.end() || key->second.empty()) {
    throw make_error(ErrorCategory::kUnauthorized,
                     "{} is not set: export the API key from the J-Quants dashboard as {} "
                     "(it never goes in the config file)",
                     kApiKeyVariable, kApiKeyVariable);
  }
  options.api_key = key->second;
  log::register_secret(options.api_key);
  return options;
}

std::string Query::to_string() const {
  std::string text;
  for (const auto& [name, value] : params) {
    if (!text.empty()) text += '&';
    text += percent_encode(name);
    text += '=';
    text += percent_encode(value);
  }
  return text;
}

struct Client::State {
  explicit State(ClientOptions client_options)
      : options(std::move(client_options)),
        pacer(PacerOptions{.requests_per_minute = options.requests_per_minute,
                           .cooldown = options.rate_limit_cooldown}),
        retry(options.retry_base_delay, options.retry_max_delay, options.jitter_seed) {}

  ~State() {
    for (CURL* easy : idle) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }

  CURL* acquire() {
    if (!idle.empty()) {
      CURL* easy = idle.back();
      idle.pop_back();
      curl_easy_reset(easy);
      return easy;
    }
    CURL* easy = curl_easy_init();
    if (easy == nullptr) throw internal_error("curl_easy_init failed");
    return easy;
  }

  void release(CURL* easy) {
    if (idle.size() < 64) {
      idle.push_back(easy);
    } else {
      curl_easy_cleanup(easy);
    }
  }

  template <typename F>
  void update_stats(F&& update) {
    std::lock_guard lock(stats_mutex);
    update(stats);
  }

  ClientOptions options;
  std::string base_url;  // without a trailing '/'
  Pacer pacer;
  RetryPolicy retry;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::vector<CURL*> idle;
  mutable std::mutex stats_mutex;
  FetchStats stats;

  class Run;
};

Client::Client(ClientOptions options) : state_(std::make_unique<State>(std::move(options))) {
  initialise_curl_once();
  const ClientOptions& o = state_->options;
  if (!o.base_url.starts_with("http://") && !o.base_url.starts_with("https://")) {
    throw invalid_input("jquants.base_url '{}' must start with http:// or https://", o.base_url);
  }
  if (o.max_in_flight < 1 || o.max_attempts < 1) {
    throw invalid_input("J-Quants client: max_in_flight ({}) and max_attempts ({}) must be >= 1",
                        o.max_in_flight, o.max_attempts);
  }
  state_->base_url = o.base_url;
  while (state_->base_url.ends_with('/')) state_->base_url.pop_back();
  log::register_secret(o.api_key);

  state_->multi = curl_multi_init();
  if (state_->multi == nullptr) throw internal_error("curl_multi_init failed");
  const auto add_header = [&](const std::string& line) {
    curl_slist* list = curl_slist_append(state_->headers, line.c_str());
    if (list == nullptr) throw internal_error("curl_slist_append failed");
    state_->headers = list;
  };
  add_header("x-api-key: " + o.api_key);
  add_header("Accept: application/json");
}

Client::~Client() = default;

const ClientOptions& Client::options() const { return state_->options; }

FetchStats Client::stats() const {
  std::lock_guard lock(state_->stats_mutex);
  return state_->stats;
}

Table Client::fetch(const EndpointSpec& endpoint, const Query& query) {
  return std::move(fetch_all(endpoint, {query}).front());
}

// One fetch_all: its chains, its open transfers, and the answers to them. The destructor
// closes whatever is still open, so an error thrown from the middle of the loop cancels the
// remaining requests.
class Client::State::Run {
 public:
  Run(Client::State& state, const EndpointSpec& endpoint, const std::vector<Query>& queries)
      : state_(state), endpoint_(endpoint), results_(queries.size()) {
    chains_.resize(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      chains_[i].query = i;
      chains_[i].query_string = queries[i].to_string();
    }
  }

  ~Run() {
    for (auto& transfer : transfers_) {
      curl_multi_remove_handle(state_.multi, transfer->easy);
      state_.release(transfer->easy);
    }
  }

  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  std::vector<Table> run() {
    while (finished_ < chains_.size()) {
      start_what_the_schedule_allows();
      int running = 0;
      const CURLMcode performed = curl_multi_perform(state_.multi, &running);
      if (performed != CURLM_OK) {
        throw internal_error("curl_multi_perform failed: {}", curl_multi_strerror(performed));
      }
      collect_finished_transfers();
      if (finished_ == chains_.size()) break;
      const int timeout_ms = static_cast<int>(poll_timeout().count());
      if (timeout_ms > 0 || !transfers_.empty()) {
        curl_multi_poll(state_.multi, nullptr, 0, timeout_ms, nullptr);
      }
    }
    return std::move(results_);
  }

 private:
  const ClientOptions& options() const { return state_.options; }

  std::string describe(const Chain& chain) const {
    std::string what(endpoint_.path);
    if (!chain.query_string.empty()) what += "?" + chain.query_string;
    if (!chain.pages.empty()) what += fmt::format(" (page {})", chain.pages.size() + 1);
    return what;
  }

  // The chain to ask for next: a chain between pages or retries whose time has come (lowest
  // query first, so that started queries finish before new ones begin), else a new query.
  std::optional<size_t> next_ready_chain(Clock::time_point now) const {
    std::optional<size_t> best;
    for (size_t index : waiting_) {
      if (chains_[index].ready_at <= now && (!best || index < *best)) best = index;
    }
    if (!best && next_new_ < chains_.size()) best = next_new_;
    return best;
  }

  void start_what_the_schedule_allows() {
    while (static_cast<int>(transfers_.size()) < options().max_in_flight) {
      const Clock::time_point now = Clock::now();
      const std::optional<size_t> chain = next_ready_chain(now);
      if (!chain) return;
      if (state_.pacer.next_start(endpoint_.requests_per_minute_cap) > now) return;
      start(*chain, now);
    }
  }

  // How long the loop may sleep: until the schedule allows the next request or a waiting
  // chain's time comes, at most kMaxPoll so that open transfers keep moving.
  std::chrono::milliseconds poll_timeout() const {
    const Clock::time_point now = Clock::now();
    Clock::time_point wake = now + kMaxPoll;
    if (static_cast<int>(transfers_.size()) < options().max_in_flight) {
      Clock::time_point ready = Clock::time_point::max();
      if (next_new_ < chains_.size()) ready = now;
      for (size_t index : waiting_) ready = std::min(ready, chains_[index].ready_at);
      if (ready != Clock::time_point::max()) {
        wake = std::min(
            wake, std::max(ready, state_.pacer.next_start(endpoint_.requests_per_minute_cap)));
      }
    }
    // Round up, so that the loop does not spin on a wait of less than a millisecond.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now);
    return std::max(wait, std::chrono::milliseconds(0));
  }

  void start(size_t index, Clock::time_point now) {
    Chain& chain = chains_[index];
    if (index == next_new_) {
      ++next_new_;
    } else {
      waiting_.erase(std::find(waiting_.begin(), waiting_.end(), index));
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->chain = index;
    transfer->started = now;
    transfer->url = state_.base_url + std::string(endpoint_.path);
    std::string query = chain.query_string;
    if (chain.pagination_key.has_value()) {
      if (!query.empty()) query += '&';
      query += "pagination_key=" + percent_encode(*chain.pagination_key);
    }
    if (!query.empty()) transfer->url += "?" + query;

    CURL* easy = state_.acquire();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, transfer->url.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, state_.headers);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "gogooku3/" GOGOOKU3_VERSION);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options().connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options().request_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    const CURLMcode added = curl_multi_add_handle(state_.multi, easy);
    if (added != CURLM_OK) {
      state_.release(easy);
      throw internal_error("curl_multi_add_handle failed: {}", curl_multi_strerror(added));
    }
    transfers_.push_back(std::move(transfer));

    state_.pacer.started(now, endpoint_.requests_per_minute_cap);
    chain.in_flight = true;
    const bool retry = chain.failed_attempts > 0;
    state_.update_stats([&](FetchStats& stats) {
      ++stats.requests;
      if (retry) ++stats.retries;
    });
    spdlog::debug("J-Quants GET {}{}", endpoint_.path, query.empty() ? "" : "?" + query);
  }

  void collect_finished_transfers() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(state_.multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(state_.multi, easy);
      const auto found = std::find_if(transfers_.begin(), transfers_.end(),
                                      [&](const auto& transfer) { return transfer->easy == easy; });
      if (found == transfers_.end()) {
        state_.release(easy);
        continue;
      }
      std::unique_ptr<Transfer> transfer = std::move(*found);
      transfers_.erase(found);
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      state_.release(easy);
      finish(*transfer, code, status);
    }
  }

  void finish(Transfer& transfer, CURLcode code, long status) {
    Chain& chain = chains_[transfer.chain];
    chain.in_flight = false;
    const Clock::time_point now = Clock::now();
    state_.update_stats(
        [&](FetchStats& stats) { stats.bytes += static_cast<int64_t>(transfer.body.size()); });

    if (code != CURLE_OK) {
      const std::string detail =
          transfer.error[0] != '\0' ? std::string(transfer.error) : curl_easy_strerror(code);
      if (is_configuration_error(code)) {
        throw invalid_input("J-Quants {}{} failed: {}; check jquants.base_url ({})",
                            state_.base_url, describe(chain), detail, options().base_url);
      }
      retry_later(chain, now, detail, std::nullopt);
      return;
    }

    switch (classify(status)) {
      case AnswerKind::kPage:
        accept_page(chain, transfer, now);
        return;
      case AnswerKind::kRateLimited:
        rate_limited(chain, transfer, now);
        return;
      case AnswerKind::kRetry:
        retry_later(chain, now, fmt::format("HTTP {}: {}", status, read_message(transfer.body)),
                    parse_retry_after(transfer.retry_after, std::chrono::system_clock::now()));
        return;
      case AnswerKind::kFail:
        throw failure(chain, status, read_message(transfer.body));
    }
  }

  void accept_page(Chain& chain, Transfer& transfer, Clock::time_point now) {
    const Clock::time_point parse_start = Clock::now();
    std::optional<Page> page;
    try {
      // A body cut short or garbled in transit is worth asking for again; a well-formed page
      // of the wrong shape is not.
      page = parse_page(endpoint_, transfer.body, ErrorCategory::kTransient);
    } catch (const Error& error) {
      if (error.category() != ErrorCategory::kTransient) {
        throw Error(error.category(),
                    fmt::format("{} (answering {})", error.what(), describe(chain)));
      }
      state_.update_stats([&](FetchStats& stats) {
        stats.parse_seconds += seconds_between(parse_start, Clock::now());
      });
      retry_later(chain, now, error.what(), std::nullopt);
      return;
    }
    const size_t rows = page->rows.num_rows();
    state_.update_stats([&](FetchStats& stats) {
      stats.parse_seconds += seconds_between(parse_start, Clock::now());
      ++stats.pages;
      stats.rows += static_cast<int64_t>(rows);
    });
    state_.pacer.succeeded(transfer.started);
    if (page->pagination_key.has_value() && page->pagination_key == chain.pagination_key) {
      throw invalid_input(
          "J-Quants {} answered with the pagination_key it was asked for; the server is "
          "repeating a page",
          describe(chain));
    }
    chain.pages.push_back(std::move(page->rows));
    chain.failed_attempts = 0;
    chain.last_failure.clear();
    if (page->pagination_key.has_value()) {
      chain.pagination_key = std::move(page->pagination_key);
      chain.ready_at = now;
      waiting_.push_back(chain.query);
      return;
    }
    results_[chain.query] =
        chain.pages.size() == 1 ? std::move(chain.pages.front()) : Table::concat(chain.pages);
    chain.pages.clear();
    chain.pages.shrink_to_fit();
    ++finished_;
  }

  void rate_limited(Chain& chain, Transfer& transfer, Clock::time_point now) {
    state_.update_stats([](FetchStats& stats) { ++stats.rate_limited; });
    ++chain.failed_attempts;
    const auto retry_after =
        parse_retry_after(transfer.retry_after, std::chrono::system_clock::now());
    chain.last_failure = fmt::format("HTTP 429 (Retry-After: {})",
                                     transfer.retry_after.empty() ? "none" : transfer.retry_after);
    if (chain.failed_attempts >= options().max_attempts) {
      throw make_error(ErrorCategory::kRateLimited,
                       "J-Quants kept answering {} with 429 (rate limited) after {} attempts at "
                       "{:.0f} requests/minute (jquants.requests_per_minute, plan '{}'); another "
                       "program may be using the same API key",
                       describe(chain), chain.failed_attempts, options().requests_per_minute,
                       options().plan);
    }
    const std::chrono::milliseconds wait =
        retry_after.value_or(state_.retry.backoff(chain.failed_attempts - 1));
    const Clock::time_point resume = state_.pacer.rate_limited(now, transfer.started, wait);
    chain.ready_at = resume;
    waiting_.push_back(chain.query);
    spdlog::warn(
        "J-Quants {}: 429 rate limited (attempt {}/{}); pausing {} ms, pacing x{:.2f} slower",
        describe(chain), chain.failed_attempts, options().max_attempts,
        to_milliseconds(resume - now).count(), state_.pacer.slowdown());
  }

  void retry_later(Chain& chain, Clock::time_point now, std::string failure,
                   std::optional<std::chrono::milliseconds> retry_after) {
    ++chain.failed_attempts;
    chain.last_failure = std::move(failure);
    if (chain.failed_attempts >= options().max_attempts) {
      throw transient("J-Quants {}{} failed {} times; the last failure: {}", state_.base_url,
                      describe(chain), chain.failed_attempts, chain.last_failure);
    }
    const std::chrono::milliseconds wait =
        retry_after.value_or(state_.retry.backoff(chain.failed_attempts - 1));
    chain.ready_at = now + wait;
    waiting_.push_back(chain.query);
    spdlog::warn("J-Quants {}: {} (attempt {}/{}); retrying in {} ms", describe(chain),
                 chain.last_failure, chain.failed_attempts, options().max_attempts, wait.count());
  }

  Error failure(const Chain& chain, long status, const std::string& message) const {
    const std::string what = describe(chain);
    switch (status) {
      case 400:
        if (contains_ignoring_case(message, "subscription covers")) {
          return invalid_input(
              "J-Quants refused {}: {} The '{}' plan (jquants.plan) does not cover these dates; "
              "ask for dates inside its window or change plans",
              what, message, options().plan);
        }
        return invalid_input("J-Quants refused {} as a bad request (HTTP 400): {}", what, message);
      case 403:
        if (contains_ignoring_case(message, "api key")) {
          return make_error(ErrorCategory::kUnauthorized,
                            "J-Quants rejected the API key (HTTP 403: {}); check {} (issued in "
                            "the J-Quants dashboard)",
                            message, kApiKeyVariable);
        }
        return make_error(ErrorCategory::kUnauthorized,
                          "J-Quants denied {} (HTTP 403: {}); the '{}' plan may not cover this "
                          "endpoint, or jquants.base_url ({}) is wrong",
                          what, message, options().plan, options().base_url);
      case 413:
        return invalid_input(
            "J-Quants answered {} with 413 (response too large: {}); narrow the query (one "
            "date or one code per request)",
            what, message);
      default:
        return invalid_input("J-Quants answered {}{} with HTTP {}: {}", state_.base_url, what,
                             status, message);
    }
  }

  Client::State& state_;
  const EndpointSpec& endpoint_;
  std::vector<Chain> chains_;
  std::vector<Table> results_;
  std::vector<std::unique_ptr<Transfer>> transfers_;
  std::vector<size_t> waiting_;  // chains between pages or retries, not in flight
  size_t next_new_ = 0;          // the first query not yet started
  size_t finished_ = 0;
};

std::vector<Table> Client::fetch_all(const EndpointSpec& endpoint,
                                     const std::vector<Query>& queries) {
  if (queries.empty()) return {};
  const Clock::time_point start = Clock::now();
  struct AddElapsed {
    State& state;
    Clock::time_point start;
    ~AddElapsed() {
      state.update_stats(
          [&](FetchStats& stats) { stats.seconds += seconds_between(start, Clock::now()); });
    }
  } add_elapsed{*state_, start};
  State::Run run(*state_, endpoint, queries);
  return run.run();
}

}  // namespace gogooku3::market::jquants
