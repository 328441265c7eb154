// ObjectStore: the data lake's view of storage — a flat namespace of keys holding immutable
// byte blobs, on a local directory (file://) or an S3 bucket (s3://, S3-compatible servers too).
//
// Keys are '/'-separated relative paths ("clean/prices/date=2026-09-24/data.parquet"). A key
// with an empty segment, a "." or ".." segment, a leading '/' or a name that looks like one of
// the store's own temporary files is an InvalidInput, so a key never escapes the root and
// list() never hides a real object.
//
// Writes are atomic: open_write() returns a WritableFile whose content becomes visible under
// its key only at commit() (local: fsync + rename of a temporary file in the same directory;
// S3: a PUT or CompleteMultipartUpload). A writer destroyed uncommitted leaves nothing behind
// (local: temporary file removed; S3: multipart upload aborted). Readers see the old object or
// the new one, never a mix.
//
// Errors are gogooku3::Error: NotFound for a missing key (get, open_read) or bucket,
// Unauthorized for rejected credentials, Transient / RateLimited after the S3 client has
// exhausted its retries. stat() returns nullopt and remove() succeeds for a missing key.
//
// Stores are safe to use from several threads at once; a WritableFile or RandomAccessFile is
// used by one thread at a time (the local RandomAccessFile allows concurrent read_at).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/io/file_io.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::storage {

struct ObjectInfo {
  std::string key;  // relative to the store's root
  std::uint64_t size = 0;
  std::int64_t modified_ms = 0;  // milliseconds since the Unix epoch
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // The root: file:///abs/dir or s3://bucket[/prefix]; never ends with '/'.
  virtual const std::string& url() const = 0;
  // url() + "/" + key: how an object is named in messages and in the metadata database.
  virtual std::string url_of(std::string_view key) const = 0;
  // A reader of one object; on S3 its size comes from a HEAD and each read is a ranged GET.
  virtual std::shared_ptr<RandomAccessFile> open_read(std::string_view key) const = 0;
  // A writer whose content replaces the object at commit() and not before.
  virtual std::unique_ptr<WritableFile> open_write(std::string_view key) = 0;
  virtual void put(std::string_view key, std::string_view bytes) = 0;
  virtual std::string get(std::string_view key) const = 0;
  virtual std::optional<ObjectInfo> stat(std::string_view key) const = 0;
  // Every object whose key starts with `prefix` (a plain string prefix; "" lists everything),
  // at any depth, sorted by key. Temporary files of unfinished writers are not listed.
  virtual std::vector<ObjectInfo> list(std::string_view prefix) const = 0;
  virtual void remove(std::string_view key) = 0;
  // Removes every object list(prefix) would return.
  virtual void remove_prefix(std::string_view prefix) = 0;
};

// Opens the store at `url`: file:///abs/dir, file://relative/dir, a plain path (relative paths
// against the working directory; the directory is created on first write) or
// s3://bucket[/prefix]. `s3` is used only for s3:// URLs.
std::unique_ptr<ObjectStore> open_object_store(std::string_view url,
                                               const S3Options& s3 = s3_options_from_environment());

// Throws InvalidInput naming `key` unless it is a valid object key (see above).
void validate_object_key(std::string_view key);
// Like validate_object_key but for list/remove_prefix prefixes: "" and a trailing '/' are fine.
void validate_object_prefix(std::string_view prefix);
// Whether a file name is a temporary name of create_local_file ("<name>.tmp-<pid>-<n>").
bool is_temporary_file_name(std::string_view name);

}  // namespace gogooku3::storage
