// Opens the MetadataStore a URL names — the one place that maps `metadata.url` (or
// GOGOOKU3_DB_URL) to a backend:
//   sqlite:PATH            the embedded default, e.g. sqlite:var/gogooku3.db
//   sqlite:///abs/path.db  the same, URL style
//   postgresql://USER:PASSWORD@HOST:PORT/DATABASE   (or postgres://...) a PostgreSQL server,
//                          with any libpq URL parameter, e.g. ?options=-csearch_path%3Dg3 to
//                          keep the tables in schema g3 (postgres_metadata_store.h)
// Any other scheme is an InvalidInput that lists these forms rather than silently falling back
// to SQLite. Messages never show a URL's password.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage {

// Whether the URL names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_url(std::string_view url);

// The SQLite file a sqlite: URL names; relative paths resolve against `home`.
// InvalidInput for any other scheme, naming the URL and the accepted forms.
std::filesystem::path sqlite_path_from_url(std::string_view url, const std::filesystem::path& home);

std::unique_ptr<MetadataStore> open_metadata_store(std::string_view url,
                                                   const std::filesystem::path& home);

}  // namespace gogooku3::storage
