// S3Options: how to reach an S3 (or S3-compatible) endpoint and how hard to try.
//
// Credentials come from the environment only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), never from the config file; the endpoint, region, addressing style and
// multipart threshold may come from the config keys lake.s3.* (see config_keys.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace gogooku3 {
class Config;
}

namespace gogooku3::storage {

struct S3Options {
  // "http://127.0.0.1:9010" or "https://s3.example.com"; empty: AWS (s3.REGION.amazonaws.com).
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // true: ENDPOINT/bucket/key; false: bucket.ENDPOINT-HOST/key (virtual-host style).
  bool path_style = false;
  // Objects larger than this are uploaded in parts of part_size (S3: at least 5 MiB but the last).
  std::size_t multipart_threshold = 16 << 20;
  std::size_t part_size = 8 << 20;
  // Attempts after the first for 5xx, SlowDown/429, timeouts and connection errors.
  int max_retries = 5;
  // Backoff before retry n (0-based): a random delay in [c/2, c] with
  // c = min(retry_max_delay, retry_base_delay * 2^n) ("equal jitter").
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{10000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{60000};
  // Compatibility with servers that canonicalise the request line as an IRI before checking
  // signatures (moto 5 / werkzeug): sub-delimiters and non-ASCII stay raw in the path, '/' and
  // non-ASCII raw in query values. AWS and most S3 servers need the default (strict SigV4).
  bool iri_request_line = false;
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (else
// AWS_DEFAULT_REGION), AWS_ENDPOINT_URL and GOGOOKU3_S3_PATH_STYLE=1.
S3Options s3_options_from_environment();

// lake.s3.endpoint, lake.s3.region, lake.s3.path_style and lake.s3.multipart_threshold_mb from
// `config` (which already applied their environment overrides), credentials from the
// environment.
S3Options s3_options_from_config(const Config& config);

}  // namespace gogooku3::storage
