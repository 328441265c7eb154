// The versioned schema as every backend must apply it: migrations applied once and in order,
// old databases upgraded keeping their rows, newer ones refused with a request to upgrade, and
// rows this binary cannot read reported as Corruption naming the database. Instantiated for
// SQLite in migrations_test.cpp and for PostgreSQL in the integration tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "metadata_test_database.h"
#include "storage/metadata/metadata_store.h"
#include "storage/metadata/migrations.h"

namespace gogooku3::storage {

class MetadataMigrationsContract : public ::testing::TestWithParam<MetadataBackend> {
 protected:
  void SetUp() override {
    try {
      database_ = GetParam().make();
    } catch (const std::exception& error) {
      FAIL() << "cannot make a fresh " << GetParam().name << " metadata database: " << error.what();
    }
  }

  std::unique_ptr<MetadataStore> open_at(TimestampMs now) {
    return database_->open([now] { return now; });
  }

  // The error opening the database throws, or a test failure if it opens.
  Error open_error() {
    try {
      open_at(1);
    } catch (const Error& error) {
      return error;
    }
    ADD_FAILURE() << "opening " << database_->name() << " succeeded";
    return internal_error("no error");
  }

  // (version, description, applied_at) of every applied migration, oldest first.
  TextRows applied_migrations() {
    return database_->rows(
        "SELECT version, description, applied_at FROM schema_migrations ORDER BY version", 3);
  }

  std::unique_ptr<MetadataTestDatabase> database_;
};

TEST_P(MetadataMigrationsContract, FreshDatabaseGetsEveryMigrationOnce) {
  EXPECT_EQ(open_at(1000)->schema_version(), latest_schema_version());
  TextRows expected;
  for (const Migration& migration : migrations()) {
    expected.push_back(
        {std::to_string(migration.version), std::string(migration.description), "1000"});
  }
  EXPECT_EQ(applied_migrations(), expected);
}

TEST_P(MetadataMigrationsContract, ReopeningIsANoOp) {
  {
    const auto store = open_at(1000);
    RunRecord run;
    run.job = "daily";
    store->create_run(run);
  }
  const TextRows before = applied_migrations();
  {
    const auto store = open_at(2000);
    EXPECT_EQ(store->schema_version(), latest_schema_version());
    EXPECT_EQ(store->list_runs({}).size(), 1u);
  }
  EXPECT_EQ(applied_migrations(), before);
}

TEST_P(MetadataMigrationsContract, OlderDatabaseIsUpgradedKeepingItsData) {
  // A database as an older gogooku3 that knew only the first migration left it.
  database_->exec(kSchemaMigrationsTableSql);
  database_->exec(migration_sql(migrations()[0], database_->dialect()));
  database_->exec(
      "INSERT INTO schema_migrations (version, description, applied_at)"
      " VALUES (1, 'runs and the event log', 1000)");
  database_->exec(
      "INSERT INTO runs (run_id, job, status, created_at, pid, host)"
      " VALUES ('old-run', 'daily', 'succeeded', 500, 1, 'old-host')");
  {
    const auto store = open_at(2000);
    EXPECT_EQ(store->schema_version(), latest_schema_version());
    const auto old_run = store->get_run("old-run");
    ASSERT_TRUE(old_run.has_value());
    EXPECT_EQ(old_run->host, "old-host");
    EXPECT_EQ(old_run->params_json, "{}");  // the column default
    PartitionStatus status;
    status.asset = "prices";
    status.partition_key = "2026-09-24";
    status.run_id = "old-run";
    store->upsert_partition_status(status);  // a table from a later migration
  }
  const TextRows applied = applied_migrations();
  ASSERT_EQ(applied.size(), migrations().size());
  EXPECT_EQ(applied[0][2], "1000");
  for (std::size_t i = 1; i < applied.size(); ++i) EXPECT_EQ(applied[i][2], "2000");
}

TEST_P(MetadataMigrationsContract, NewerDatabaseAsksForAnUpgrade) {
  open_at(1000);
  database_->exec(
      fmt::format("INSERT INTO schema_migrations (version, description, applied_at) VALUES ({}, "
                  "'from the future', 0)",
                  latest_schema_version() + 1));
  const Error error = open_error();
  EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
  EXPECT_TRUE(contains(error.what(), database_->name()));
  EXPECT_TRUE(contains(error.what(), "Upgrade gogooku3"));
  EXPECT_TRUE(contains(error.what(), std::to_string(latest_schema_version() + 1)));
}

TEST_P(MetadataMigrationsContract, UnknownStoredNamesAreCorruption) {
  const auto store = open_at(1000);
  RunRecord run;
  run.job = "daily";
  run = store->create_run(run);
  database_->exec("UPDATE runs SET status = 'paused'");
  try {
    store->get_run(run.run_id);
    FAIL() << "an unknown status was read back";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kCorruption);
    EXPECT_TRUE(contains(error.what(), "paused"));
    EXPECT_TRUE(contains(error.what(), database_->name()));
  }
}

TEST_P(MetadataMigrationsContract, DamagedFailedTickersAreCorruption) {
  const auto store = open_at(1000);
  PartitionStatus status;
  status.asset = "prices";
  status.partition_key = "2026-09-24";
  store->upsert_partition_status(status);
  database_->exec("UPDATE partition_status SET failed_tickers = '[7203]'");
  try {
    store->get_partition_status("prices", "2026-09-24");
    FAIL() << "a non-string ticker was read back";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kCorruption);
    EXPECT_TRUE(contains(error.what(), "prices 2026-09-24"));
    EXPECT_TRUE(contains(error.what(), database_->name()));
  }
}

}  // namespace gogooku3::storage
