// Many writers on one SQLite metadata database: forked processes that each open their own store
// (the way `gogooku3 step` processes run), threads sharing one store, and a lock held longer
// than a writer will wait. Writers must wait for each other and never fail with "database is
// locked"; counts afterwards must be exact, and a lease must exclude as promised.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "core/error.h"
#include "storage/metadata/migrations.h"
#include "storage/metadata/sqlite_handle.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {
namespace {

using namespace std::chrono_literals;

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
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

constexpr int kEventsPerWriter = 300;
constexpr int kOwnPartitionsPerWriter = 100;
constexpr int kSharedPartitions = 50;
constexpr int kChecksPerWriter = 10;
constexpr int kLeaseAttemptsPerWriter = 50;
constexpr std::string_view kLeaseKey = "job:concurrency";
constexpr std::string_view kHost = "test-host";

// One writer's share of the work, in many small transactions interleaved with everyone else's:
// 300 events (100 alone, 100 batches of two), 100 upserts of its own partitions, 50 of partitions
// every writer touches, 10 checks, and 50 lease attempts. Whoever holds the lease increments a
// counter with a separate read and write, which loses updates unless the lease really excludes.
// Returns the number of times it held the lease.
int do_writer_work(MetadataStore& store, int writer) {
  RunRecord run;
  run.job = "concurrency";
  run.status = RunStatus::kRunning;
  run.partition_key = fmt::format("writer-{}", writer);
  run.pid = getpid();
  run.host = std::string(kHost);
  run = store.create_run(run);
  const std::string own_asset = fmt::format("asset-{}", writer);

  int held = 0;
  for (int i = 0; i < kOwnPartitionsPerWriter; ++i) {
    Event event;
    event.run_id = run.run_id;
    event.kind = EventKind::kMaterialization;
    event.asset = own_asset;
    event.partition_key = fmt::format("p{:03}", i);
    event.payload_json = fmt::format(R"({{"i":{}}})", i);
    store.append_event(event);
    event.kind = EventKind::kStepStart;
    store.append_events(std::vector<Event>{event, event});

    PartitionStatus status;
    status.asset = own_asset;
    status.partition_key = event.partition_key;
    status.state = PartitionState::kMaterialized;
    status.run_id = run.run_id;
    status.row_count = i;
    store.upsert_partition_status(status);
    if (i < kSharedPartitions) {
      status.asset = "shared";
      store.upsert_partition_status(status);
    }

    if (i % (kOwnPartitionsPerWriter / kChecksPerWriter) == 0) {
      CheckResult check;
      check.run_id = run.run_id;
      check.asset = own_asset;
      check.partition_key = "checks";
      check.check_name = fmt::format("check-{}", i);
      check.passed = true;
      store.record_check(check);
    }

    if (i % (kOwnPartitionsPerWriter / kLeaseAttemptsPerWriter) == 0 &&
        store.try_acquire_lease(kLeaseKey, run.run_id, getpid(), kHost, 60s)) {
      PartitionStatus counter =
          store.get_partition_status("lease", "counter")
              .value_or(PartitionStatus{.asset = "lease", .partition_key = "counter"});
      ++counter.row_count;
      counter.updated_at_ms = 0;
      store.upsert_partition_status(counter);
      Event held_event;
      held_event.run_id = run.run_id;
      held_event.kind = EventKind::kLog;
      held_event.message = "held the lease";
      store.append_event(held_event);
      ++held;
      if (!store.release_lease(kLeaseKey, run.run_id)) {
        throw std::runtime_error("lost a lease nobody could have taken");
      }
    }
  }
  store.set_run_status(run.run_id, RunStatus::kSucceeded, 0);
  return held;
}

// What every writer left behind, checked from a fresh store after they are all done.
void expect_exact_counts(MetadataStore& store, int writers) {
  EXPECT_EQ(store.schema_version(), latest_schema_version());
  const std::vector<RunRecord> runs = store.list_runs({.job = "concurrency"});
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(writers));

  std::int64_t total_held = 0;
  for (const RunRecord& run : runs) {
    EXPECT_EQ(run.status, RunStatus::kSucceeded);
    const std::string own_asset =
        "asset-" + run.partition_key.substr(std::string("writer-").size());
    const std::vector<Event> events = store.events_for_run(run.run_id);
    int work_events = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0) {
        EXPECT_GT(events[i].id, events[i - 1].id);
      }
      if (events[i].kind == EventKind::kLog) {
        ++total_held;
      } else {
        ++work_events;
      }
    }
    EXPECT_EQ(work_events, kEventsPerWriter) << run.partition_key;

    const std::vector<PartitionStatus> own = store.partition_statuses(own_asset, "", "~");
    ASSERT_EQ(own.size(), static_cast<std::size_t>(kOwnPartitionsPerWriter)) << own_asset;
    for (const PartitionStatus& status : own) EXPECT_EQ(status.run_id, run.run_id);
    EXPECT_EQ(store.checks_for(own_asset, "checks").size(),
              static_cast<std::size_t>(kChecksPerWriter));
  }
  EXPECT_EQ(store.partition_statuses("shared", "", "~").size(),
            static_cast<std::size_t>(kSharedPartitions));
  EXPECT_EQ(store.events_after({.limit = 1'000'000}).size(),
            static_cast<std::size_t>(std::int64_t{writers} * kEventsPerWriter + total_held));

  // Every increment made under the lease survived: nobody else was inside at the same time.
  EXPECT_GT(total_held, 0);
  const auto counter = store.get_partition_status("lease", "counter");
  ASSERT_TRUE(counter.has_value());
  EXPECT_EQ(counter->row_count, total_held);
  EXPECT_EQ(store.get_lease(kLeaseKey), std::nullopt);
}

TEST(SqliteConcurrencyTest, ForkedWritersOnAFreshFileNeverFailAndCountExactly) {
  constexpr int kWriters = 4;
  TempDir dir;
  // The file does not exist yet: the writers also race to create it and to migrate it.
  const std::filesystem::path path = dir.path() / "var" / "gogooku3.db";

  std::vector<pid_t> children;
  for (int writer = 0; writer < kWriters; ++writer) {
    const pid_t pid = fork();
    ASSERT_NE(pid, -1) << "fork failed";
    if (pid == 0) {
      // The child reports through its exit status and leaves with _exit, so that nothing of the
      // parent's (gtest, atexit handlers) runs twice.
      int code = 0;
      try {
        SqliteMetadataStore store(path);
        do_writer_work(store, writer);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "writer %d failed: %s\n", writer, error.what());
        code = 1;
      }
      std::fflush(stderr);
      _exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "writer " << child << " was killed";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "writer " << child << " failed (see its stderr)";
  }

  SqliteMetadataStore store(path);
  expect_exact_counts(store, kWriters);
  // Each migration was applied once, whichever writer got there first.
  sqlite::Connection raw(path.string(), {});
  auto count = raw.statement("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), latest_schema_version());
  EXPECT_EQ(count.column_int64(1), latest_schema_version());
}

TEST(SqliteConcurrencyTest, ThreadsSharingOneStoreCountExactly) {
  constexpr int kWriters = 4;
  TempDir dir;
  SqliteMetadataStore store(dir.path() / "gogooku3.db");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < kWriters; ++writer) {
    threads.emplace_back([&, writer] {
      try {
        do_writer_work(store, writer);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "thread %d failed: %s\n", writer, error.what());
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  expect_exact_counts(store, kWriters);
}

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
