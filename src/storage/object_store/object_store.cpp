#include "storage/object_store/object_store.h"

#include <filesystem>

#include "core/error.h"
#include "storage/object_store/local_object_store.h"
#include "storage/object_store/s3_object_store.h"

namespace gogooku3::storage {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Checks the segments of a key or prefix; `last_may_be_empty` allows a trailing '/'.
void validate_segments(std::string_view text, std::string_view what, bool last_may_be_empty) {
  if (!text.empty() && text.front() == '/') {
    throw invalid_input("object {} '{}' must be relative (no leading '/')", what, text);
  }
  if (text.find('\0') != std::string_view::npos || text.find('\\') != std::string_view::npos) {
    throw invalid_input("object {} '{}' must not contain NUL or '\\'", what, text);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    const std::string_view segment = text.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    const bool last = slash == std::string_view::npos;
    if (segment.empty() && !(last && last_may_be_empty)) {
      throw invalid_input("object {} '{}' has an empty path segment", what, text);
    }
    if (segment == "." || segment == "..") {
      throw invalid_input("object {} '{}' must not contain '{}' segments", what, text, segment);
    }
    if (is_temporary_file_name(segment)) {
      throw invalid_input("object {} '{}' looks like a temporary file name (.tmp-PID-N)", what,
                          text);
    }
    if (last) break;
    start = slash + 1;
  }
}

}  // namespace

bool is_temporary_file_name(std::string_view name) {
  const std::size_t at = name.rfind(".tmp-");
  if (at == std::string_view::npos) return false;
  const std::string_view tail = name.substr(at + 5);
  const std::size_t dash = tail.find('-');
  return dash != std::string_view::npos && all_digits(tail.substr(0, dash)) &&
         all_digits(tail.substr(dash + 1));
}

void validate_object_key(std::string_view key) {
  if (key.empty()) throw invalid_input("object key must not be empty");
  validate_segments(key, "key", false);
}

void validate_object_prefix(std::string_view prefix) {
  if (prefix.empty()) return;
  validate_segments(prefix, "prefix", true);
}

std::unique_ptr<ObjectStore> open_object_store(std::string_view url, const S3Options& s3) {
  if (url.empty())
    throw invalid_input("object store URL is empty (expected file://DIR or s3://BUCKET)");
  if (url.starts_with("s3://")) return open_s3_object_store(url, s3);
  std::string_view path = url;
  if (url.starts_with("file://")) {
    path.remove_prefix(7);
  } else if (const std::size_t colon = url.find("://"); colon != std::string_view::npos) {
    throw invalid_input("object store URL '{}': unknown scheme '{}' (expected file:// or s3://)",
                        url, url.substr(0, colon));
  }
  if (path.empty()) throw invalid_input("object store URL '{}' names no directory", url);
  return open_local_object_store(std::filesystem::absolute(std::filesystem::path(path)));
}

}  // namespace gogooku3::storage
