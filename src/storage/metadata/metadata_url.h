// Opens the MetadataStore a URL names — the one place that maps `metadata.url` (or
// GOGOOKU3_DB_URL) to a backend:
//   sqlite:PATH            the embedded default, e.g. sqlite:var/gogooku3.db
//   sqlite:///abs/path.db  the same, URL style
// PostgreSQL (postgresql://...) is planned (same interface, same tests) but not built yet:
// such a URL is an InvalidInput that says so rather than silently falling back to SQLite.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage {

// The SQLite file a sqlite: URL names; relative paths resolve against `home`.
// InvalidInput for any other scheme, naming the URL and the accepted forms.
std::filesystem::path sqlite_path_from_url(std::string_view url, const std::filesystem::path& home);

std::unique_ptr<MetadataStore> open_metadata_store(std::string_view url,
                                                   const std::filesystem::path& home);

}  // namespace gogooku3::storage
