// The S3 server of the integration tests: moto started by scripts/with-servers.sh, which exports
// GOGOOKU3_TEST_S3_ENDPOINT and the credentials. Without them every S3 test fails with the
// reason — an integration test never skips itself.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "storage/object_store/s3_object_store.h"

namespace gogooku3::storage {

inline std::string test_s3_endpoint() {
  const char* endpoint = std::getenv("GOGOOKU3_TEST_S3_ENDPOINT");
  return endpoint == nullptr ? "" : endpoint;
}

inline S3Options test_s3_options() {
  S3Options options = s3_options_from_environment();
  options.endpoint = test_s3_endpoint();
  options.path_style = true;
  options.region = "us-east-1";
  options.max_retries = 2;
  // moto checks signatures against the request line as werkzeug re-renders it (an IRI).
  options.iri_request_line = std::getenv("GOGOOKU3_TEST_S3_IRI") != nullptr;
  return options;
}

// Creates a fresh bucket named after `purpose`; returns "" and sets `error` when it cannot.
inline std::string create_test_bucket(const std::string& purpose, std::string& error) {
  if (test_s3_endpoint().empty()) {
    error =
        "GOGOOKU3_TEST_S3_ENDPOINT is not set: run the integration tests through "
        "scripts/with-servers.sh (it starts moto and exports the endpoint and credentials)";
    return "";
  }
  std::string bucket =
      "gogooku3-" + purpose + "-" + std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
  try {
    create_s3_bucket(bucket, test_s3_options());
  } catch (const std::exception& e) {
    error = "S3 server at " + test_s3_endpoint() + " did not accept CreateBucket: " + e.what();
    return "";
  }
  return bucket;
}

}  // namespace gogooku3::storage
