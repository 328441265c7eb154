#include "storage/metadata/metadata_url.h"

#include "core/config.h"
#include "core/error.h"
#include "storage/metadata/postgres_metadata_store.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::filesystem::path sqlite_path_from_url(std::string_view url,
                                           const std::filesystem::path& home) {
  std::string_view path;
  if (url.starts_with("sqlite:///")) {
    path = url.substr(9);  // keeps the leading '/'
  } else if (url.starts_with("sqlite:")) {
    path = url.substr(7);
  }
  if (path.empty()) {
    throw invalid_input(
        "metadata URL '{}' is not understood; write sqlite:PATH (e.g. sqlite:var/gogooku3.db) or "
        "postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
        mask_url_password(url));
  }
  const std::filesystem::path file(path);
  return file.is_absolute() ? file : home / file;
}

std::unique_ptr<MetadataStore> open_metadata_store(std::string_view url,
                                                   const std::filesystem::path& home) {
  if (is_postgres_url(url)) return std::make_unique<PostgresMetadataStore>(std::string(url));
  return std::make_unique<SqliteMetadataStore>(sqlite_path_from_url(url, home));
}

}  // namespace gogooku3::storage
