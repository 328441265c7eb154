// Many writers on one SQLite metadata database: the concurrency contract every backend shares
// (metadata_concurrency_contract.h), and what is SQLite's own: a write lock held briefly is
// waited out, one held longer than a writer will wait is a Transient error naming the file.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "core/error.h"
#include "metadata_concurrency_contract.h"
#include "metadata_test_database.h"
#include "storage/metadata/sqlite_handle.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {
namespace {

using namespace std::chrono_literals;

INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataConcurrencyContract, ::testing::Values(sqlite_backend()),
                         backend_name);

TEST(SqliteConcurrencyTest, WriterWaitsOutABriefLock) {
  TempDir dir;
  const std::string path = (dir.path() / "gogooku3.db").string();
  SqliteMetadataStore store(path);
  RunRecord run;
  run.job = "daily";
  run = store.create_run(run);

  std::atomic<bool> locked{false};
  std::thread holder([&] {
    sqlite::Connection blocker(path, {});
    blocker.exec("BEGIN IMMEDIATE");
    locked = true;
    std::this_thread::sleep_for(300ms);
    blocker.exec("COMMIT");
  });
  while (!locked) std::this_thread::yield();
  Event event;
  event.run_id = run.run_id;
  event.message = "written once the lock was free";
  EXPECT_NO_THROW(store.append_event(event));
  holder.join();
  EXPECT_EQ(store.events_for_run(run.run_id).size(), 1u);
}

TEST(SqliteConcurrencyTest, LockHeldPastTheBoundIsTransientNamingTheFile) {
  TempDir dir;
  const std::string path = (dir.path() / "gogooku3.db").string();
  SqliteMetadataStoreOptions options;
  options.busy_timeout = 20ms;
  options.max_lock_attempts = 3;
  SqliteMetadataStore store(path, options);
  RunRecord run;
  run.job = "daily";
  run = store.create_run(run);

  sqlite::Connection blocker(path, {});
  blocker.exec("BEGIN IMMEDIATE");
  Event event;
  event.run_id = run.run_id;
  try {
    store.append_event(event);
    ADD_FAILURE() << "a write went through while another connection held the write lock";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kTransient);
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("3 attempts"), std::string::npos) << error.what();
    EXPECT_EQ(dynamic_cast<const sqlite::DatabaseBusy*>(&error), nullptr)
        << "the retry loop's internal signal escaped";
  }
  // WAL: readers do not wait for the writer.
  EXPECT_EQ(store.get_run(run.run_id), run);
  EXPECT_TRUE(store.events_for_run(run.run_id).empty());

  blocker.exec("COMMIT");
  EXPECT_NO_THROW(store.append_event(event));
  EXPECT_EQ(store.events_for_run(run.run_id).size(), 1u);
}

}  // namespace
}  // namespace gogooku3::storage
