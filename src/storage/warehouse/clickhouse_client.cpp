#include "storage/warehouse/clickhouse_client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "core/config.h"
#include "core/error.h"

namespace gogooku3::storage::warehouse {
namespace {

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// ClickHouse error codes that mean "the same request may succeed later".
bool is_transient_code(int code) {
  switch (code) {
    case 159:  // TIMEOUT_EXCEEDED
    case 160:  // TOO_SLOW
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 241:  // MEMORY_LIMIT_EXCEEDED
    case 242:  // TABLE_IS_READ_ONLY (replica lost its coordinator)
    case 252:  // TOO_MANY_PARTS
    case 319:  // UNKNOWN_STATUS_OF_INSERT
    case 425:  // SYSTEM_ERROR
      return true;
    default:
      return false;
  }
}

// "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., ..." → 60.
int clickhouse_code(std::string_view body) {
  const size_t at = body.find("Code: ");
  if (at == std::string_view::npos) return 0;
  int code = 0;
  for (size_t i = at + 6; i < body.size() && body[i] >= '0' && body[i] <= '9'; ++i) {
    code = code * 10 + (body[i] - '0');
  }
  return code;
}

std::string first_line(std::string_view text) {
  const size_t end = text.find('\n');
  std::string line(text.substr(0, std::min<size_t>(end, 600)));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

struct Easy {
  CURL* handle = curl_easy_init();
  curl_slist* headers = nullptr;
  Easy() {
    if (handle == nullptr) throw internal_error("curl_easy_init failed");
  }
  ~Easy() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
  }
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;
  void header(const char* line) { headers = curl_slist_append(headers, line); }
};

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string escape(CURL* handle, std::string_view text) {
  char* escaped = curl_easy_escape(handle, text.data(), static_cast<int>(text.size()));
  std::string result(escaped == nullptr ? "" : escaped);
  curl_free(escaped);
  return result;
}

// One gzip member holding `data`, deflated at `level` (0: stored, no compression).
void deflate_member(std::string_view data, int level, std::string& out) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw internal_error("zlib deflateInit2 failed at level {}", level);
  }
  out.resize(deflateBound(&stream, data.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw internal_error("zlib deflate did not finish ({})", status);
  out.resize(written);
}

// Whether deflating `data` is worth its CPU: a 64 KiB sample from its middle must shrink by a
// tenth. Float features are mostly noise to deflate (a few percent smaller at 20-50 MB/s a
// core); keys, dates, NaN runs and flags compress well.
bool worth_compressing(std::string_view data) {
  constexpr size_t kSample = 64 << 10;
  if (data.size() <= 4 * kSample) return true;
  std::string packed;
  deflate_member(data.substr(data.size() / 2 - kSample / 2, kSample), 1, packed);
  return packed.size() < kSample * 9 / 10;
}

// Thrown by the encoding pipeline when the request ended before it had sent every block.
struct BodyAbandoned {};

// The body of a streamed INSERT: compressed blocks handed from the encoding pipeline to
// libcurl's read callback through a bounded queue.
class BodyQueue {
 public:
  explicit BodyQueue(size_t capacity) : capacity_(capacity) {}

  // False once the reader has gone (the request failed): the producer stops.
  bool push(std::string block) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < capacity_ || abandoned_; });
    if (abandoned_) return false;
    queue_.push_back(std::move(block));
    changed_.notify_all();
    return true;
  }
  void finish(std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    finished_ = true;
    error_ = std::move(error);
    changed_.notify_all();
  }
  void abandon() {
    const std::lock_guard lock(mutex_);
    abandoned_ = true;
    changed_.notify_all();
  }
  std::exception_ptr error() const {
    const std::lock_guard lock(mutex_);
    return error_;
  }

  // libcurl's read callback: copies what is queued; 0 ends the body; abort on producer error.
  size_t read(char* buffer, size_t capacity) {
    std::unique_lock lock(mutex_);
    while (true) {
      if (current_at_ < current_.size()) {
        const size_t n = std::min(capacity, current_.size() - current_at_);
        std::memcpy(buffer, current_.data() + current_at_, n);
        current_at_ += n;
        return n;
      }
      changed_.wait(lock, [&] { return !queue_.empty() || finished_; });
      if (!queue_.empty()) {
        current_ = std::move(queue_.front());
        current_at_ = 0;
        queue_.pop_front();
        changed_.notify_all();
        continue;
      }
      return error_ ? static_cast<size_t>(CURL_READFUNC_ABORT) : 0;
    }
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  size_t capacity_;
  bool finished_ = false;
  bool abandoned_ = false;
  std::exception_ptr error_;
  std::string current_;
  size_t current_at_ = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  return static_cast<BodyQueue*>(user)->read(buffer, size * count);
}

// What the encoding stage tells the sending stage about a block.
struct Sizes {
  std::uint64_t raw = 0;
  bool deflated = false;
};

struct Answer {
  CURLcode curl = CURLE_OK;
  long status = 0;
  std::string body;
};

}  // namespace

ClickHouseOptions clickhouse_options_from_config(const Config& config) {
  ClickHouseOptions options;
  options.url = config.get_string("warehouse.clickhouse.url");
  if (options.url.empty()) {
    throw invalid_input(
        "warehouse.clickhouse.url is empty: set it (or GOGOOKU3_CLICKHOUSE_URL) to ClickHouse's "
        "HTTP interface, e.g. http://127.0.0.1:8123");
  }
  while (options.url.ends_with('/')) options.url.pop_back();
  options.user = config.get_string("warehouse.clickhouse.user");
  options.password = config.get_string("warehouse.clickhouse.password");
  options.database = config.get_string("warehouse.clickhouse.database");
  return options;
}

ClickHouseClient::ClickHouseClient(ClickHouseOptions options) : options_(std::move(options)) {
  if (options_.url.empty()) throw invalid_input("ClickHouse URL is empty");
  while (options_.url.ends_with('/')) options_.url.pop_back();
  if (options_.compression_level < 0 || options_.compression_level > 9) {
    throw invalid_input("ClickHouse gzip level {} is not in 0..9", options_.compression_level);
  }
  initialise_curl_once();
}

std::string ClickHouseClient::describe() const {
  return fmt::format("clickhouse {} (database {}, user {})", options_.url, options_.database,
                     options_.user);
}

namespace {

// Configures the shared parts of a request and performs it.
Answer perform(const ClickHouseOptions& options, Easy& easy, const std::string& url) {
  Answer answer;
  curl_easy_setopt(easy.handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.handle, CURLOPT_POST, 1L);
  curl_easy_setopt(easy.handle, CURLOPT_USERNAME, options.user.c_str());
  curl_easy_setopt(easy.handle, CURLOPT_PASSWORD, options.password.c_str());
  curl_easy_setopt(easy.handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(easy.handle, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(options.request_timeout.count()));
  easy.header("Expect:");
  curl_easy_setopt(easy.handle, CURLOPT_HTTPHEADER, easy.headers);
  curl_easy_setopt(easy.handle, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(easy.handle, CURLOPT_WRITEDATA, &answer.body);
  answer.curl = curl_easy_perform(easy.handle);
  curl_easy_getinfo(easy.handle, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

// Throws for a failed answer; `what` says which request ("INSERT INTO x ...").
[[noreturn]] void throw_failure(const ClickHouseOptions& options, const Answer& answer,
                                std::string_view what) {
  if (answer.curl != CURLE_OK) {
    throw transient("{} at {}: {} ({}); is clickhouse-server running there?", what, options.url,
                    curl_easy_strerror(answer.curl),
                    answer.curl == CURLE_OPERATION_TIMEDOUT ? "timed out" : "no answer");
  }
  const int code = clickhouse_code(answer.body);
  const std::string message = first_line(answer.body);
  if (answer.status == 401 || answer.status == 403 || code == 192 || code == 193 || code == 516) {
    throw make_error(ErrorCategory::kUnauthorized,
                     "ClickHouse at {} refused user '{}': {}; check warehouse.clickhouse.user and "
                     "warehouse.clickhouse.password (GOGOOKU3_CLICKHOUSE_PASSWORD)",
                     options.url, options.user, message);
  }
  if (is_transient_code(code) || (code == 0 && answer.status >= 500)) {
    throw transient("{} at {}: HTTP {}: {}", what, options.url, answer.status, message);
  }
  if (code == 60 || code == 81) {
    throw not_found("{} at {}: {}", what, options.url, message);
  }
  throw invalid_input("{} at {}: HTTP {}: {}", what, options.url, answer.status, message);
}

std::string describe_sql(std::string_view sql) {
  std::string text(sql.substr(0, 120));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return sql.size() > 120 ? text + "..." : text;
}

}  // namespace

std::string ClickHouseClient::execute(std::string_view sql) const {
  std::mt19937_64 random(std::random_device{}());
  for (int attempt = 0;; ++attempt) {
    Easy easy;
    const std::string url =
        fmt::format("{}/?database={}", options_.url, escape(easy.handle, options_.database));
    curl_easy_setopt(easy.handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(sql.size()));
    curl_easy_setopt(easy.handle, CURLOPT_POSTFIELDS, sql.data());
    const Answer answer = perform(options_, easy, url);
    if (answer.curl == CURLE_OK && answer.status == 200) return answer.body;
    try {
      throw_failure(options_, answer, describe_sql(sql));
    } catch (const Error& error) {
      if (error.category() != ErrorCategory::kTransient || attempt >= options_.max_retries) {
        if (error.category() == ErrorCategory::kTransient) {
          throw transient("{} (after {} attempts)", error.what(), attempt + 1);
        }
        throw;
      }
      const auto ceiling = options_.retry_base_delay * (1LL << std::min(attempt, 10));
      std::uniform_int_distribution<std::int64_t> jitter(ceiling.count() / 2, ceiling.count());
      spdlog::warn("ClickHouse: {}; retrying", error.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
    }
  }
}

InsertStats ClickHouseClient::insert(std::string_view insert_sql, std::size_t block_count,
                                     const EncodeBlock& encode) const {
  const int threads = options_.threads > 0
                          ? options_.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool compress = options_.compression_level > 0;
  InsertStats stats;
  BodyQueue queue(static_cast<size_t>(threads) * 2);

  std::thread producer([&] {
    try {
      tbb::task_arena arena(threads);
      arena.execute([&] {
        size_t next = 0;
        tbb::parallel_pipeline(
            static_cast<size_t>(threads) * 2,
            tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                           [&](tbb::flow_control& control) -> size_t {
                                             if (next == block_count) control.stop();
                                             return next++;
                                           }) &
                tbb::make_filter<size_t, std::pair<Sizes, std::string>>(
                    tbb::filter_mode::parallel,
                    [&](size_t block) {
                      std::string raw;
                      encode(block, raw);
                      if (!compress) return std::pair{Sizes{raw.size(), false}, std::move(raw)};
                      std::string packed;
                      const bool worth = worth_compressing(raw);
                      deflate_member(raw, worth ? options_.compression_level : 0, packed);
                      return std::pair{Sizes{raw.size(), worth}, std::move(packed)};
                    }) &
                tbb::make_filter<std::pair<Sizes, std::string>, void>(
                    tbb::filter_mode::serial_in_order, [&](std::pair<Sizes, std::string> block) {
                      stats.blocks += 1;
                      stats.stored_blocks += compress && !block.first.deflated ? 1 : 0;
                      stats.raw_bytes += block.first.raw;
                      stats.sent_bytes += block.second.size();
                      // False when the request is over (the server answered early, e.g. with
                      // an error): stop encoding; the answer says why.
                      if (!queue.push(std::move(block.second))) throw BodyAbandoned();
                    }));
      });
      queue.finish(nullptr);
    } catch (...) {
      queue.finish(std::current_exception());
    }
  });

  Answer answer;
  {
    Easy easy;
    const std::string url =
        fmt::format("{}/?database={}&query={}", options_.url,
                    escape(easy.handle, options_.database), escape(easy.handle, insert_sql));
    if (compress) easy.header("Content-Encoding: gzip");
    easy.header("Transfer-Encoding: chunked");
    curl_easy_setopt(easy.handle, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(easy.handle, CURLOPT_READDATA, &queue);
    answer = perform(options_, easy, url);
  }
  queue.abandon();
  producer.join();
  // An encoder's exception aborted the request: it is the cause. The producer stopping because
  // the request ended is not; then the server's answer (or the transport error) is.
  if (const std::exception_ptr error = queue.error()) {
    try {
      std::rethrow_exception(error);
    } catch (const BodyAbandoned&) {
    }
  }
  if (answer.curl != CURLE_OK || answer.status != 200) {
    throw_failure(options_, answer, describe_sql(insert_sql));
  }
  if (queue.error()) {
    throw transient("{}: ClickHouse answered before the whole body was sent",
                    describe_sql(insert_sql));
  }
  return stats;
}

std::string sql_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

}  // namespace gogooku3::storage::warehouse
