// s3::Client: signed HTTP requests to one S3 endpoint, with retries — the one place where
// gogooku3 talks HTTP to S3.
//
// Signing is libcurl's CURLOPT_AWS_SIGV4. libcurl signs the request line as it is sent, so the
// client builds it already canonical: keys percent-encoded by the SigV4 rules ('/' kept),
// query parameters encoded and sorted, "name=" for valueless ones. Every request carries
// x-amz-content-sha256 (the SHA-256 of the payload, computed here) and a Content-Type.
//
// Failures: 5xx and connection errors/timeouts are retried (exponential backoff with jitter from
// S3Options::retry_base_delay up to retry_max_delay, max_retries times) and then thrown as
// Transient, the message saying how many attempts were made; 429 and SlowDown likewise, as
// RateLimited. A 412 (If-Match on a replaced object) is Transient for the caller, who must start
// over, but is not retried here. Other 4xx answers are thrown at once with a message that says
// what to do: Unauthorized for rejected credentials (naming the endpoint and
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), NotFound for a missing bucket (naming it) or key
// (naming its s3:// URL), InvalidInput else.
//
// Thread-safe: each request takes an easy handle from a small pool (connections are reused).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::storage::s3 {

struct Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string bucket;
  std::string key;                                         // unencoded; empty addresses the bucket
  std::vector<std::pair<std::string, std::string>> query;  // unencoded names and values
  std::string_view body;
  std::vector<std::string> headers;  // extra "Name: value" lines
  // A 404 is returned to the caller instead of thrown (stat, remove).
  bool not_found_is_answer = false;
  // S3 may answer 200 and put an <Error> in the body (CompleteMultipartUpload, CopyObject).
  bool error_may_come_with_200 = false;
};

struct Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased
};

class Client {
 public:
  explicit Client(S3Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request`, retrying as described above; returns 2xx answers (and 404 when asked).
  Response send(const Request& request) const;

  const S3Options& options() const { return options_; }
  // The endpoint as shown in messages ("https://s3.us-east-1.amazonaws.com" when defaulted).
  const std::string& endpoint() const { return endpoint_; }
  // The URL `request` is sent to (exposed for tests of addressing and encoding).
  std::string url_for(const Request& request) const;

 private:
  void* acquire_handle() const;
  void release_handle(void* handle) const;

  S3Options options_;
  std::string endpoint_;   // without trailing '/'
  std::string scheme_;     // "http" or "https"
  std::string host_;       // host[:port]
  std::string base_path_;  // path part of the endpoint, "" or "/something"
  mutable std::mutex pool_mutex_;
  mutable std::vector<void*> pool_;
};

// The Error an S3 answer means; `what` names the object or bucket (s3://bucket/key).
Error error_for_status(long status, std::string_view body, std::string_view method,
                       std::string_view what, std::string_view bucket, std::string_view endpoint);

}  // namespace gogooku3::storage::s3
