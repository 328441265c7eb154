// The PostgreSQL server of the integration tests: started by scripts/with-servers.sh, which
// exports GOGOOKU3_TEST_PG_URL (postgresql://USER:PASSWORD@127.0.0.1:PORT/DATABASE). Without it
// every PostgreSQL test fails with the reason — an integration test never skips itself.
//
// Isolation: each PostgresTestDatabase is a schema of its own, named after the process and a
// counter, which the stores reach through the URL's search_path
// (?options=-csearch_path%3D<schema>); it starts empty (no tables until a store migrates it)
// and is dropped with everything in it when the object goes. Tests running at once, in one
// process or several, never see each other's rows.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "../storage/metadata/metadata_test_database.h"
#include "storage/metadata/postgres_handle.h"
#include "storage/metadata/postgres_metadata_store.h"

namespace gogooku3::storage {

inline std::string test_pg_url() {
  const char* url = std::getenv("GOGOOKU3_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "GOGOOKU3_TEST_PG_URL is not set: run the integration tests through "
        "scripts/with-servers.sh (it starts PostgreSQL and exports the URL)");
  }
  return url;
}

// `url` with one more libpq URL parameter, e.g. with_parameter(url, "application_name", "x").
inline std::string with_parameter(const std::string& url, std::string_view key,
                                  std::string_view value) {
  return fmt::format("{}{}{}={}", url, url.find('?') == std::string::npos ? '?' : '&', key, value);
}

class PostgresTestDatabase final : public MetadataTestDatabase {
 public:
  PostgresTestDatabase() : server_url_(test_pg_url()) {
    static std::atomic<int> counter{0};
    schema_ = fmt::format("g3_test_{}_{}_{}", getpid(), counter++,
                          std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000);
    url_ = with_parameter(server_url_, "options", "-csearch_path%3D" + schema_);
    admin().exec("CREATE SCHEMA " + schema_);
  }
  ~PostgresTestDatabase() override {
    try {
      admin().exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    } catch (const std::exception& error) {
      ADD_FAILURE() << "could not drop test schema " << schema_ << ": " << error.what();
    }
  }
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  std::unique_ptr<MetadataStore> open(std::function<TimestampMs()> clock) override {
    PostgresMetadataStoreOptions options;
    options.clock = std::move(clock);
    return std::make_unique<PostgresMetadataStore>(url_, options);
  }
  std::string name() const override { return postgres::describe_target(url_); }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  void exec(std::string_view sql) override { connect().exec(sql); }
  TextRows rows(std::string_view sql, int columns) override {
    postgres::Connection connection = connect();
    const postgres::Result result = connection.query(sql);
    TextRows rows;
    for (int row = 0; row < result.rows(); ++row) {
      rows.emplace_back();
      for (int column = 0; column < columns; ++column) {
        rows.back().push_back(result.text(row, column));
      }
    }
    return rows;
  }

  // The URL of this schema; the server's own URL.
  const std::string& url() const { return url_; }
  const std::string& server_url() const { return server_url_; }
  const std::string& schema() const { return schema_; }

  // A connection to this schema, as a person with psql would have.
  postgres::Connection connect() const { return postgres::Connection(url_, {}); }

 private:
  postgres::Connection admin() const { return postgres::Connection(server_url_, {}); }

  std::string server_url_;
  std::string schema_;
  std::string url_;
};

inline MetadataBackend postgres_backend() {
  return {"postgres", [] { return std::make_unique<PostgresTestDatabase>(); }};
}

}  // namespace gogooku3::storage
