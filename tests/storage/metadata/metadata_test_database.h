// What the MetadataStore contract tests run against: a fresh, isolated, empty database of one
// backend, which a test opens stores on (as many as it likes, in this process or in forked
// children) and can also reach around the store, as a person with sqlite3 or psql would, to
// plant old schemas or damaged rows. The contracts (metadata_store_contract.h,
// metadata_migrations_contract.h, metadata_concurrency_contract.h) are value-parameterised by
// a MetadataBackend; each binary instantiates them for the backends it can reach: SQLite here,
// PostgreSQL in tests/integration/postgres_test_server.h.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "storage/metadata/metadata_store.h"
#include "storage/metadata/migrations.h"
#include "storage/metadata/sqlite_handle.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gogooku3-metadata-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Each row's columns as text, as the database prints them.
using TextRows = std::vector<std::vector<std::string>>;

class MetadataTestDatabase {
 public:
  virtual ~MetadataTestDatabase() = default;

  // A store on the database; the first one finds it empty and migrates it. `clock` as in the
  // backends' options (the system clock when empty).
  virtual std::unique_ptr<MetadataStore> open(std::function<TimestampMs()> clock) = 0;
  // How the store's messages name the database.
  virtual std::string name() const = 0;
  virtual SqlDialect dialect() const = 0;
  // SQL straight to the database, around any store: one or more statements.
  virtual void exec(std::string_view sql) = 0;
  // The first `columns` columns of every row of a query.
  virtual TextRows rows(std::string_view sql, int columns) = 0;
};

struct MetadataBackend {
  std::string name;  // the suffix of every test name: "sqlite", "postgres"
  std::function<std::unique_ptr<MetadataTestDatabase>()> make;
};

inline void PrintTo(const MetadataBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::string backend_name(const ::testing::TestParamInfo<MetadataBackend>& info) {
  return info.param.name;
}

// --- SQLite: a file in a temporary directory ----------------------------------------------

class SqliteTestDatabase final : public MetadataTestDatabase {
 public:
  // The file and its directory do not exist until a store opens them.
  SqliteTestDatabase() : path_(dir_.path() / "var" / "gogooku3.db") {}

  std::unique_ptr<MetadataStore> open(std::function<TimestampMs()> clock) override {
    SqliteMetadataStoreOptions options;
    options.clock = std::move(clock);
    return std::make_unique<SqliteMetadataStore>(path_, options);
  }
  std::string name() const override { return path_.string(); }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  void exec(std::string_view sql) override {
    std::filesystem::create_directories(path_.parent_path());
    sqlite::Connection raw(path_.string(), {});
    raw.exec(sql);
  }
  TextRows rows(std::string_view sql, int columns) override {
    sqlite::Connection raw(path_.string(), {});
    auto select = raw.statement(sql);
    TextRows rows;
    while (select.step()) {
      rows.emplace_back();
      for (int column = 0; column < columns; ++column) {
        rows.back().push_back(select.column_text(column));
      }
    }
    return rows;
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  TempDir dir_;
  std::filesystem::path path_;
};

inline MetadataBackend sqlite_backend() {
  return {"sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }};
}

// --- Helpers of the contracts ------------------------------------------------------------

inline ::testing::AssertionResult contains(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

template <typename Fn>
ErrorCategory category_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error.category();
  }
  ADD_FAILURE() << "expected a gogooku3::Error";
  return ErrorCategory::kInternal;
}

// Pids run below pid_max, so pid_max itself names no process, now or later.
inline std::int64_t pid_that_does_not_exist() {
  std::int64_t pid_max = 4'194'304;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  return pid_max;
}

}  // namespace gogooku3::storage
