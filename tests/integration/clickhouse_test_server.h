// The ClickHouse server of the integration tests: started by scripts/with-servers.sh, which
// exports GOGOOKU3_TEST_CLICKHOUSE_URL, _USER and _PASSWORD. Without them every warehouse test
// fails with the reason — an integration test never skips itself.
//
// TestDatabase gives each test a database of its own (created on first use by the Warehouse,
// dropped at the end), so tests never see each other's tables.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "storage/warehouse/clickhouse_client.h"

namespace gogooku3::storage::warehouse {

inline std::string test_env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

inline ClickHouseOptions test_clickhouse_options(const std::string& database = "default") {
  if (test_env("GOGOOKU3_TEST_CLICKHOUSE_URL").empty()) {
    throw std::runtime_error(
        "GOGOOKU3_TEST_CLICKHOUSE_URL is not set: run the integration tests through "
        "scripts/with-servers.sh (it starts clickhouse-server and exports its URL and user)");
  }
  ClickHouseOptions options;
  options.url = test_env("GOGOOKU3_TEST_CLICKHOUSE_URL");
  options.user = test_env("GOGOOKU3_TEST_CLICKHOUSE_USER");
  options.password = test_env("GOGOOKU3_TEST_CLICKHOUSE_PASSWORD");
  options.database = database;
  options.max_retries = 1;
  return options;
}

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& purpose) {
    static std::atomic<int> counter{0};
    name_ = "gogooku3_test_" + purpose + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++);
    options_ = test_clickhouse_options(name_);
  }
  ~TestDatabase() {
    try {
      ClickHouseClient(test_clickhouse_options()).execute("DROP DATABASE IF EXISTS " + name_);
    } catch (...) {  // the test already failed if the server is gone
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const ClickHouseOptions& options() const { return options_; }

 private:
  std::string name_;
  ClickHouseOptions options_;
};

}  // namespace gogooku3::storage::warehouse
