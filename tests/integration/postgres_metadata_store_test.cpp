// The MetadataStore contracts (store, migrations, concurrency) run against a real PostgreSQL
// server, and what only PostgreSQL can show: its query plan for the partition view, errors that
// name the server without the password, a missing schema, and a connection the server dropped.
#include "storage/metadata/postgres_metadata_store.h"

#include <gtest/gtest.h>

#include "../storage/metadata/metadata_concurrency_contract.h"
#include "../storage/metadata/metadata_migrations_contract.h"
#include "../storage/metadata/metadata_store_contract.h"
#include "postgres_test_server.h"
#include "storage/metadata/metadata_url.h"
#include "storage/metadata/postgres_handle.h"

namespace gogooku3::storage {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, MetadataStoreContract, ::testing::Values(postgres_backend()),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, MetadataMigrationsContract,
                         ::testing::Values(postgres_backend()), backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, MetadataConcurrencyContract,
                         ::testing::Values(postgres_backend()), backend_name);

// The URL's password, for checking that no message shows it.
std::string password_of(const std::string& url) {
  const std::size_t colon = url.find(':', url.find("://") + 3);
  const std::size_t at = url.find('@');
  return colon < at ? url.substr(colon + 1, at - colon - 1) : std::string();
}

TEST(PostgresMetadataStoreTest, OpensThroughTheMetadataUrl) {
  PostgresTestDatabase database;
  const auto store = open_metadata_store(database.url(), "/unused-home");
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  ASSERT_NE(dynamic_cast<PostgresMetadataStore*>(store.get()), nullptr);
  const std::string& target = dynamic_cast<PostgresMetadataStore&>(*store).target();
  EXPECT_TRUE(contains(target, database.schema())) << target;
  EXPECT_TRUE(target.starts_with("postgresql://")) << target;
  const std::string password = password_of(database.server_url());
  ASSERT_FALSE(password.empty()) << "the test server's URL should carry a password";
  EXPECT_FALSE(contains(target, password));
}

// The partition view must be a range scan of the primary key's index that needs no sort. Scans
// the planner might prefer on a small table are turned off: the question is whether the index
// can serve the query at all.
TEST(PostgresMetadataStoreTest, PartitionStatusesIsAPrimaryKeyRangeScan) {
  PostgresTestDatabase database;
  const auto store = database.open({});
  std::vector<PartitionStatus> statuses;
  for (int asset = 0; asset < 5; ++asset) {
    for (int day = 0; day < 200; ++day) {
      statuses.push_back({.asset = fmt::format("asset_{:02}", asset),
                          .partition_key = fmt::format("day-{:05}", day)});
    }
  }
  store->upsert_partition_statuses(statuses);
  postgres::Connection connection = database.connect();
  connection.exec(
      "ANALYZE partition_status; SET enable_seqscan = off; SET enable_bitmapscan = off");
  const postgres::Result explained = connection.query(
      "EXPLAIN SELECT * FROM partition_status WHERE asset = 'asset_03'"
      " AND partition_key >= 'day-00100' AND partition_key <= 'day-00199'"
      " ORDER BY partition_key");
  std::string plan;
  for (int row = 0; row < explained.rows(); ++row) plan += explained.text(row, 0) + "\n";
  EXPECT_TRUE(contains(plan, "Index Scan using partition_status_pkey")) << plan;
  EXPECT_TRUE(contains(plan, "partition_key >=")) << plan;
  EXPECT_FALSE(contains(plan, "Sort")) << plan;
}

TEST(PostgresMetadataStoreTest, WrongPasswordIsUnauthorizedWithoutThePassword) {
  const std::string url = test_pg_url();
  const std::string password = password_of(url);
  ASSERT_FALSE(password.empty());
  std::string wrong = url;
  wrong.replace(wrong.find(password), password.size(), "not-the-password-x9");
  try {
    PostgresMetadataStore store(wrong);
    ADD_FAILURE() << "connected with a wrong password";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized) << message;
    EXPECT_TRUE(contains(message, "refused the login"));
    EXPECT_TRUE(contains(message, postgres::describe_target(url)));
    EXPECT_FALSE(contains(message, "not-the-password-x9"));
    EXPECT_FALSE(contains(message, password));
  }
}

TEST(PostgresMetadataStoreTest, MissingSchemaIsInvalidInputNamingIt) {
  const std::string url =
      with_parameter(test_pg_url(), "options", "-csearch_path%3Dg3_no_such_schema");
  try {
    PostgresMetadataStore store(url);
    ADD_FAILURE() << "migrated a schema that does not exist";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput) << error.what();
    EXPECT_TRUE(contains(error.what(), "g3_no_such_schema"));
    EXPECT_TRUE(contains(error.what(), "search_path"));
  }
}

// The server ends the store's session (a restart, an idle timeout, an administrator): the call
// that finds out is Transient, and the next one reconnects and works.
TEST(PostgresMetadataStoreTest, DroppedConnectionIsTransientThenReestablished) {
  PostgresTestDatabase database;
  const std::string application = "g3_" + database.schema();
  PostgresMetadataStore store(with_parameter(database.url(), "application_name", application));
  RunRecord run;
  run.job = "daily";
  run = store.create_run(run);

  const TextRows terminated = database.rows(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = '" +
          application + "'",
      1);
  ASSERT_EQ(terminated, (TextRows{{"t"}}));

  EXPECT_EQ(category_of([&] { store.get_run(run.run_id); }), ErrorCategory::kTransient);
  EXPECT_EQ(store.get_run(run.run_id), run);
  Event event;
  event.run_id = run.run_id;
  EXPECT_GT(store.append_event(event), 0);
}

// Many stores on one database, each with its own connection: rows written through one are read
// through another at once (nothing is cached in the store).
TEST(PostgresMetadataStoreTest, StoresOnOneDatabaseSeeEachOthersCommits) {
  PostgresTestDatabase database;
  const auto writer = database.open({});
  const auto reader = database.open({});
  RunRecord run;
  run.job = "daily";
  run = writer->create_run(run);
  EXPECT_EQ(reader->get_run(run.run_id), run);
  EXPECT_TRUE(writer->try_acquire_lease("job:daily", run.run_id, getpid(), "host-a",
                                        std::chrono::seconds(30)));
  EXPECT_FALSE(reader->try_acquire_lease("job:daily", "another-run", getpid(), "host-a",
                                         std::chrono::seconds(30)));
}

}  // namespace
}  // namespace gogooku3::storage
