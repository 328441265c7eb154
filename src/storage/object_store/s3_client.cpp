#include "storage/object_store/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <random>
#include <thread>

#include "storage/object_store/s3_protocol.h"

namespace gogooku3::storage::s3 {
namespace {

constexpr std::size_t kMaxPooledHandles = 8;

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  const std::string_view line(data, size * count);
  // A new status line (after a 100 Continue or a redirect) starts a new header block.
  if (line.starts_with("HTTP/")) headers->clear();
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    (*headers)[std::move(name)] = std::string(value);
  }
  return size * count;
}

bool is_retryable_transport_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base,
                                  std::chrono::milliseconds max) {
  thread_local std::mt19937 random(std::random_device{}());
  base = std::max(base, std::chrono::milliseconds(0));
  max = std::max(max, std::chrono::milliseconds(0));
  // Doubling stops once it passes `max`, so a large base or attempt cannot overflow.
  auto ceiling = base;
  for (int i = 0; i < attempt && ceiling < max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max);
  // "Equal jitter": at least half the ceiling, so retries do not collapse to zero delay.
  std::uniform_int_distribution<std::int64_t> jitter(ceiling.count() / 2, ceiling.count());
  return std::chrono::milliseconds(jitter(random));
}

std::string describe(const Request& request) {
  std::string what = "s3://" + request.bucket;
  if (!request.key.empty()) what += "/" + request.key;
  return what;
}

struct Slist {
  curl_slist* list = nullptr;
  ~Slist() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

}  // namespace

Error error_for_status(long status, std::string_view body, std::string_view method,
                       std::string_view what, std::string_view bucket, std::string_view endpoint) {
  const ErrorDocument error = parse_error_document(body);
  const std::string detail = error.code.empty()
                                 ? fmt::format("HTTP {}", status)
                                 : fmt::format("HTTP {} {}: {}", status, error.code, error.message);
  if (status == 429 || error.code == "SlowDown" || error.code == "RequestLimitExceeded") {
    return make_error(ErrorCategory::kRateLimited,
                      "S3 endpoint {} asked to slow down on {} {} ({})", endpoint, method, what,
                      detail);
  }
  if (status >= 500 || error.code == "InternalError" || error.code == "RequestTimeout") {
    return transient("S3 endpoint {} failed {} {} ({})", endpoint, method, what, detail);
  }
  if (error.code == "SignatureDoesNotMatch" || error.code == "InvalidAccessKeyId" ||
      error.code == "InvalidToken" || error.code == "ExpiredToken" ||
      error.code == "InvalidSecurity" || (status == 403 && error.code.empty())) {
    return make_error(ErrorCategory::kUnauthorized,
                      "S3 endpoint {} rejected the credentials for {} {} ({}); check "
                      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
                      "temporary credentials) and the region",
                      endpoint, method, what, detail);
  }
  if (status == 403) {
    return make_error(ErrorCategory::kUnauthorized,
                      "S3 endpoint {} denied {} {} ({}); the credentials in AWS_ACCESS_KEY_ID "
                      "are valid but not allowed to do this on bucket '{}'",
                      endpoint, method, what, detail, bucket);
  }
  if (error.code == "NoSuchBucket") {
    return not_found("S3 bucket '{}' does not exist at {} ({} {}); create it or fix lake.root",
                     bucket, endpoint, method, what);
  }
  if (status == 404 || error.code == "NoSuchKey") {
    return not_found("{}: no such object at {} ({})", what, endpoint, detail);
  }
  if (status == 412) {
    return transient("{} changed while it was being read ({}); read it again", what, detail);
  }
  return invalid_input("S3 endpoint {} refused {} {} ({})", endpoint, method, what, detail);
}

Client::Client(S3Options options) : options_(std::move(options)) {
  initialise_curl_once();
  endpoint_ = options_.endpoint.empty()
                  ? fmt::format("https://s3.{}.amazonaws.com", options_.region)
                  : options_.endpoint;
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  const std::size_t scheme_end = endpoint_.find("://");
  if (scheme_end == std::string::npos) {
    throw invalid_input("S3 endpoint '{}' must start with http:// or https://", endpoint_);
  }
  scheme_ = endpoint_.substr(0, scheme_end);
  if (scheme_ != "http" && scheme_ != "https") {
    throw invalid_input("S3 endpoint '{}' must start with http:// or https://", endpoint_);
  }
  const std::string rest = endpoint_.substr(scheme_end + 3);
  const std::size_t slash = rest.find('/');
  host_ = rest.substr(0, slash);
  base_path_ = slash == std::string::npos ? "" : rest.substr(slash);
  if (host_.empty()) throw invalid_input("S3 endpoint '{}' has no host", endpoint_);
  if (options_.part_size < 1 || options_.multipart_threshold < 1) {
    throw invalid_input("S3 part size and multipart threshold must be positive");
  }
}

Client::~Client() {
  for (void* handle : pool_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* Client::acquire_handle() const {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      void* handle = pool_.back();
      pool_.pop_back();
      curl_easy_reset(static_cast<CURL*>(handle));
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr) throw internal_error("curl_easy_init failed");
  return handle;
}

void Client::release_handle(void* handle) const {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < kMaxPooledHandles) {
    pool_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

std::string Client::url_for(const Request& request) const {
  std::string url = scheme_ + "://";
  if (options_.path_style || request.bucket.empty()) {
    url += host_ + base_path_;
    if (!request.bucket.empty()) {
      url += '/';
      url += request.bucket;
    }
  } else {
    url += request.bucket + "." + host_ + base_path_;
  }
  const bool iri = options_.iri_request_line;
  url += '/';
  url += iri ? iri_encode(request.key, true) : uri_encode(request.key, true);
  if (!request.query.empty()) {
    std::vector<std::pair<std::string, std::string>> encoded;
    for (const auto& [name, value] : request.query) {
      encoded.emplace_back(uri_encode(name, false),
                           iri ? iri_encode(value, false) : uri_encode(value, false));
    }
    std::sort(encoded.begin(), encoded.end());
    char separator = '?';
    for (const auto& [name, value] : encoded) {
      url += separator;
      url += name;
      url += '=';
      url += value;
      separator = '&';
    }
  }
  return url;
}

Response Client::send(const Request& request) const {
  const std::string url = url_for(request);
  const std::string what = describe(request);
  const std::string payload_hash = sha256_hex(request.body);
  const std::string sigv4 = "aws:amz:" + options_.region + ":s3";

  // Virtual-host addressing against a local endpoint: BUCKET.localhost must reach the same
  // address as localhost even where the resolver does not know *.localhost.
  Slist resolve;
  if (!options_.path_style && !request.bucket.empty() && host_.starts_with("localhost")) {
    const std::size_t colon = host_.find(':');
    const std::string port =
        colon == std::string::npos ? (scheme_ == "https" ? "443" : "80") : host_.substr(colon + 1);
    resolve.add(request.bucket + ".localhost:" + port + ":127.0.0.1");
  }

  for (int attempt = 0;; ++attempt) {
    auto* handle = static_cast<CURL*>(acquire_handle());
    Response response;
    Slist headers;
    headers.add("x-amz-content-sha256: " + payload_hash);
    headers.add("Content-Type: application/octet-stream");
    if (!options_.session_token.empty()) {
      headers.add("x-amz-security-token: " + options_.session_token);
    }
    for (const std::string& line : request.headers) headers.add(line);

    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
    if (resolve.list != nullptr) curl_easy_setopt(handle, CURLOPT_RESOLVE, resolve.list);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);
    if (!options_.access_key_id.empty()) {
      curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, sigv4.c_str());
      curl_easy_setopt(handle, CURLOPT_USERNAME, options_.access_key_id.c_str());
      curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.secret_access_key.c_str());
    }
    if (request.method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (request.method == "PUT" || request.method == "POST") {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      }
    }

    const CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    std::string transport_error;
    if (code != CURLE_OK) transport_error = curl_easy_strerror(code);
    // A handle whose transfer failed may hold a broken connection: do not reuse it.
    if (code == CURLE_OK) {
      release_handle(handle);
    } else {
      curl_easy_cleanup(handle);
    }

    std::optional<Error> failure;
    bool worth_retrying = false;
    if (code != CURLE_OK) {
      failure =
          transient("S3 {} {} at {} failed: {}", request.method, what, endpoint_, transport_error);
      worth_retrying = is_retryable_transport_error(code);
    } else if (request.error_may_come_with_200 && response.status == 200 &&
               response.body.find("<Error>") != std::string::npos) {
      failure =
          error_for_status(500, response.body, request.method, what, request.bucket, endpoint_);
      worth_retrying = is_retryable(failure->category());
    } else if ((response.status >= 200 && response.status < 300) ||
               // A missing key the caller asked about is an answer; a missing bucket is not.
               (response.status == 404 && request.not_found_is_answer &&
                response.body.find("NoSuchBucket") == std::string::npos)) {
      return response;
    } else {
      failure = error_for_status(response.status, response.body, request.method, what,
                                 request.bucket, endpoint_);
      // A failed precondition (If-Match on a replaced object) fails again on every attempt: it
      // is Transient for the caller, who must start over, but not for this loop.
      worth_retrying = is_retryable(failure->category()) && response.status != 412;
    }
    if (!worth_retrying || attempt >= options_.max_retries) {
      if (attempt == 0) throw *failure;
      throw Error(failure->category(),
                  fmt::format("{} (gave up after {} attempts)", failure->what(), attempt + 1));
    }
    std::this_thread::sleep_for(
        backoff(attempt, options_.retry_base_delay, options_.retry_max_delay));
  }
}

}  // namespace gogooku3::storage::s3
