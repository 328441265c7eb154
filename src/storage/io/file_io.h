// Byte-level I/O that the Parquet reader/writer and the object store share.
//
// RandomAccessFile is what a reader needs from a file wherever it lives: its size and reads of
// a byte range. The Parquet reader reads the footer and then only the column chunks it needs,
// so a reader over S3 issues ranged GETs and never downloads a whole object.
//
// WritableFile is an append-only sink whose content becomes visible only at commit(): a local
// file is written under a temporary name and renamed into place, an S3 object is uploaded (in
// parts when large) and completed. Destroying a WritableFile that was not committed discards
// what was written — a failed writer never leaves a half-written file behind.
//
// Errors: NotFound for a missing file; Corruption when a read asks past the end (a lying
// length in a file's metadata), naming the file, offset and length; Transient for I/O errors
// that may pass. Implementations are not thread-safe unless they say so; read_at on the local
// implementation is (pread), so one open file may serve several readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace gogooku3::storage {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // How the file is named in error messages: a path or an s3:// URL.
  virtual const std::string& name() const = 0;
  virtual std::uint64_t size() const = 0;
  // Reads exactly `length` bytes at `offset` into `out`; Corruption if the range passes the end.
  virtual void read_at(std::uint64_t offset, std::size_t length, char* out) const = 0;
  // Convenience: the bytes of one range as a string.
  std::string read(std::uint64_t offset, std::size_t length) const;
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual const std::string& name() const = 0;
  virtual void append(std::string_view bytes) = 0;
  // Bytes appended so far.
  virtual std::uint64_t bytes_written() const = 0;
  // Makes the content visible under name() in one step. Nothing is visible before.
  virtual void commit() = 0;
};

// A local file read with pread(2).
std::unique_ptr<RandomAccessFile> open_local_file(const std::filesystem::path& path);

// A local file written to "<path>.tmp-<pid>-<n>" and renamed over `path` at commit (parent
// directories created); the temporary file is removed if the writer dies uncommitted.
std::unique_ptr<WritableFile> create_local_file(const std::filesystem::path& path);

// An in-memory file, for tests and for bytes already downloaded.
std::unique_ptr<RandomAccessFile> memory_file(std::string name, std::string bytes);

}  // namespace gogooku3::storage
