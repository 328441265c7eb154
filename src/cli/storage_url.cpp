#include "cli/storage_url.h"

#include <string_view>

#include "core/error.h"
#include "storage/object_store/object_store.h"

namespace gogooku3::cli {
namespace {

constexpr std::string_view kS3 = "s3://";

// "s3://bucket/a/b.parquet" -> the store at s3://bucket and the key "a/b.parquet".
std::pair<std::unique_ptr<storage::ObjectStore>, std::string> split_s3(const std::string& url) {
  const size_t slash = url.find('/', kS3.size());
  if (slash == std::string::npos || slash + 1 == url.size()) {
    throw invalid_input("'{}' names a bucket, not an object: write s3://bucket/path/file", url);
  }
  return {storage::open_object_store(url.substr(0, slash)), url.substr(slash + 1)};
}

}  // namespace

std::shared_ptr<const storage::RandomAccessFile> open_for_reading(const std::string& location) {
  if (!location.starts_with(kS3)) return storage::open_local_file(location);
  auto [store, key] = split_s3(location);
  return store->open_read(key);
}

std::unique_ptr<storage::WritableFile> open_for_writing(const std::string& location) {
  if (!location.starts_with(kS3)) return storage::create_local_file(location);
  auto [store, key] = split_s3(location);
  return store->open_write(key);
}

}  // namespace gogooku3::cli
