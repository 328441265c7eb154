#include "storage/io/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace gogooku3::storage {
namespace {

void check_range(const std::string& name, std::uint64_t size, std::uint64_t offset,
                 std::size_t length) {
  if (offset > size || length > size - offset) {
    throw corruption("{}: read of {} bytes at offset {} passes the end of the file ({} bytes)",
                     name, length, offset, size);
  }
}

class LocalRandomAccessFile final : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string name, int fd, std::uint64_t size)
      : name_(std::move(name)), fd_(fd), size_(size) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }
  LocalRandomAccessFile(const LocalRandomAccessFile&) = delete;
  LocalRandomAccessFile& operator=(const LocalRandomAccessFile&) = delete;

  const std::string& name() const override { return name_; }
  std::uint64_t size() const override { return size_; }

  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    check_range(name_, size_, offset, length);
    std::size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw transient("{}: read failed: {}", name_, std::strerror(errno));
      if (n == 0) {
        throw corruption("{}: file shrank while reading (offset {})", name_, offset + done);
      }
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  std::string name_;
  int fd_;
  std::uint64_t size_;
};

class LocalWritableFile final : public WritableFile {
 public:
  LocalWritableFile(std::filesystem::path path, std::filesystem::path temp, int fd)
      : path_(std::move(path)), name_(path_.string()), temp_(std::move(temp)), fd_(fd) {}
  ~LocalWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  LocalWritableFile(const LocalWritableFile&) = delete;
  LocalWritableFile& operator=(const LocalWritableFile&) = delete;

  const std::string& name() const override { return name_; }
  std::uint64_t bytes_written() const override { return written_; }

  void append(std::string_view bytes) override {
    if (committed_) throw internal_error("{}: append after commit", name_);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        throw transient("{}: write failed: {} (is the disk full?)", temp_.string(),
                        std::strerror(errno));
      }
      done += static_cast<std::size_t>(n);
    }
    written_ += bytes.size();
  }

  void commit() override {
    if (committed_) return;
    // Data reaches the disk before the rename makes it visible, so a crash shows the old file
    // or the new one, never a torn one.
    if (::fsync(fd_) != 0)
      throw transient("{}: fsync failed: {}", temp_.string(), std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      throw transient("{}: rename into place failed: {}", name_, std::strerror(errno));
    }
    committed_ = true;
  }

 private:
  std::filesystem::path path_;
  std::string name_;
  std::filesystem::path temp_;
  int fd_;
  std::uint64_t written_ = 0;
  bool committed_ = false;
};

class MemoryFile final : public RandomAccessFile {
 public:
  MemoryFile(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  const std::string& name() const override { return name_; }
  std::uint64_t size() const override { return bytes_.size(); }
  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    check_range(name_, bytes_.size(), offset, length);
    std::memcpy(out, bytes_.data() + offset, length);
  }

 private:
  std::string name_;
  std::string bytes_;
};

}  // namespace

std::string RandomAccessFile::read(std::uint64_t offset, std::size_t length) const {
  check_range(name(), size(), offset, length);
  std::string bytes(length, '\0');
  read_at(offset, length, bytes.data());
  return bytes;
}

std::unique_ptr<RandomAccessFile> open_local_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw not_found("{}: no such file", path.string());
    throw invalid_input("{}: cannot open: {}", path.string(), std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw invalid_input("{}: not a regular file", path.string());
  }
  return std::make_unique<LocalRandomAccessFile>(path.string(), fd,
                                                 static_cast<std::uint64_t>(info.st_size));
}

std::unique_ptr<WritableFile> create_local_file(const std::filesystem::path& path) {
  static std::atomic<int> counter{0};
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::filesystem::path temp = path;
  temp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw invalid_input("{}: cannot create: {}", temp.string(), std::strerror(errno));
  }
  return std::make_unique<LocalWritableFile>(path, std::move(temp), fd);
}

std::unique_ptr<RandomAccessFile> memory_file(std::string name, std::string bytes) {
  return std::make_unique<MemoryFile>(std::move(name), std::move(bytes));
}

}  // namespace gogooku3::storage
