#include "storage/object_store/s3_options.h"

#include <cstdlib>
#include <string_view>

#include "core/config.h"

namespace gogooku3::storage {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

void apply_credentials(S3Options& options) {
  options.access_key_id = environment("AWS_ACCESS_KEY_ID");
  options.secret_access_key = environment("AWS_SECRET_ACCESS_KEY");
  options.session_token = environment("AWS_SESSION_TOKEN");
}

}  // namespace

S3Options s3_options_from_environment() {
  S3Options options;
  apply_credentials(options);
  if (std::string region = environment("AWS_REGION"); !region.empty()) {
    options.region = std::move(region);
  } else if (std::string fallback = environment("AWS_DEFAULT_REGION"); !fallback.empty()) {
    options.region = std::move(fallback);
  }
  options.endpoint = environment("AWS_ENDPOINT_URL");
  const std::string path_style = environment("GOGOOKU3_S3_PATH_STYLE");
  options.path_style = path_style == "1" || path_style == "true";
  return options;
}

S3Options s3_options_from_config(const Config& config) {
  S3Options options;
  apply_credentials(options);
  options.endpoint = config.get_string("lake.s3.endpoint");
  options.region = config.get_string("lake.s3.region");
  options.path_style = config.get_bool("lake.s3.path_style");
  options.iri_request_line = config.get_bool("lake.s3.iri_request_line");
  const std::int64_t threshold_mb = config.get_integer("lake.s3.multipart_threshold_mb");
  if (threshold_mb > 0) options.multipart_threshold = static_cast<std::size_t>(threshold_mb) << 20;
  return options;
}

}  // namespace gogooku3::storage
