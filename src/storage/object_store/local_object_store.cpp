#include "storage/object_store/local_object_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/error.h"
#include "core/process.h"

namespace gogooku3::storage {
namespace {

namespace fs = std::filesystem;

// Removes `path`'s temporary siblings ("<name>.tmp-<pid>-<n>") left by writers whose process
// is gone — a kill -9 mid-write — so a re-run of the partition leaves no debris. A live
// writer's temporary file is left alone.
void remove_abandoned_temporaries(const fs::path& path) {
  std::error_code error;
  const std::string prefix = path.filename().string() + ".tmp-";
  for (fs::directory_iterator it(path.parent_path(), error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || !is_temporary_file_name(name)) continue;
    const std::string pid_text =
        name.substr(prefix.size(), name.find('-', prefix.size()) - prefix.size());
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (!process_is_gone(pid)) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

std::int64_t modified_ms_of(const struct stat& info) {
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
}

class LocalObjectStore final : public ObjectStore {
 public:
  explicit LocalObjectStore(const fs::path& root)
      : root_(root.lexically_normal()), url_("file://" + root_.string()) {
    while (url_.size() > 8 && url_.back() == '/') url_.pop_back();
  }

  const std::string& url() const override { return url_; }
  std::string url_of(std::string_view key) const override { return url_ + "/" + std::string(key); }

  std::shared_ptr<RandomAccessFile> open_read(std::string_view key) const override {
    validate_object_key(key);
    try {
      return open_local_file(path_of(key));
    } catch (const Error& e) {
      if (e.category() == ErrorCategory::kNotFound) {
        throw not_found("{}: no such object", url_of(key));
      }
      throw;
    }
  }

  std::unique_ptr<WritableFile> open_write(std::string_view key) override {
    validate_object_key(key);
    const fs::path path = path_of(key);
    remove_abandoned_temporaries(path);
    return create_local_file(path);
  }

  void put(std::string_view key, std::string_view bytes) override {
    std::unique_ptr<WritableFile> file = open_write(key);
    file->append(bytes);
    file->commit();
  }

  std::string get(std::string_view key) const override {
    const std::shared_ptr<RandomAccessFile> file = open_read(key);
    return file->read(0, file->size());
  }

  std::optional<ObjectInfo> stat(std::string_view key) const override {
    validate_object_key(key);
    struct stat info {};
    if (::stat(path_of(key).c_str(), &info) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw transient("{}: stat failed: {}", url_of(key), std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) return std::nullopt;
    return ObjectInfo{std::string(key), static_cast<std::uint64_t>(info.st_size),
                      modified_ms_of(info)};
  }

  std::vector<ObjectInfo> list(std::string_view prefix) const override {
    validate_object_prefix(prefix);
    std::vector<ObjectInfo> objects;
    // Only the directory that the prefix's complete segments name can hold matches.
    const std::size_t slash = prefix.rfind('/');
    const fs::path start =
        slash == std::string_view::npos ? root_ : root_ / std::string(prefix.substr(0, slash));
    std::error_code error;
    if (!fs::is_directory(start, error)) return objects;
    fs::recursive_directory_iterator it(start, error);
    if (error) throw transient("{}: cannot list: {}", start.string(), error.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (error) throw transient("{}: cannot list: {}", start.string(), error.message());
      if (!it->is_regular_file(error)) continue;
      const fs::path& path = it->path();
      if (is_temporary_file_name(path.filename().string())) continue;
      std::string key = path.lexically_relative(root_).generic_string();
      if (!key.starts_with(prefix)) continue;
      struct stat info {};
      if (::stat(path.c_str(), &info) != 0) continue;  // removed while listing
      objects.push_back(ObjectInfo{std::move(key), static_cast<std::uint64_t>(info.st_size),
                                   modified_ms_of(info)});
    }
    std::sort(objects.begin(), objects.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return objects;
  }

  void remove(std::string_view key) override {
    validate_object_key(key);
    const fs::path path = path_of(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
      throw transient("{}: remove failed: {}", url_of(key), std::strerror(errno));
    }
    prune_empty_directories(path.parent_path());
  }

  void remove_prefix(std::string_view prefix) override {
    validate_object_prefix(prefix);
    if (prefix.empty() || prefix.back() == '/') {
      // A whole subtree: unfinished writers' temporary files go with it.
      const fs::path directory =
          prefix.empty() ? root_ : path_of(prefix.substr(0, prefix.size() - 1));
      std::error_code error;
      if (!fs::is_directory(directory, error)) return;
      for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
        fs::remove_all(entry.path(), error);
        if (error) {
          throw transient("{}: remove failed: {}", entry.path().string(), error.message());
        }
      }
      if (directory != root_) {
        ::rmdir(directory.c_str());
        prune_empty_directories(directory.parent_path());
      }
      return;
    }
    for (const ObjectInfo& object : list(prefix)) remove(object.key);
  }

 private:
  fs::path path_of(std::string_view key) const { return root_ / std::string(key); }

  void prune_empty_directories(fs::path directory) const {
    while (directory != root_ && directory.string().size() > root_.string().size()) {
      if (::rmdir(directory.c_str()) != 0) return;  // not empty (or gone): stop
      directory = directory.parent_path();
    }
  }

  fs::path root_;
  std::string url_;
};

}  // namespace

std::unique_ptr<ObjectStore> open_local_object_store(const std::filesystem::path& root) {
  return std::make_unique<LocalObjectStore>(root);
}

}  // namespace gogooku3::storage
