// Many writers on one metadata database, for every backend: forked processes that each open
// their own store (the way `gogooku3 step` processes run), threads sharing one store, and
// processes racing for the same expired leases. Writers must wait for each other and never
// fail; counts afterwards must be exact, and a lease must exclude as promised. Instantiated
// for SQLite in sqlite_concurrency_test.cpp and for PostgreSQL in the integration tests.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metadata_test_database.h"
#include "storage/metadata/metadata_store.h"
#include "storage/metadata/migrations.h"

namespace gogooku3::storage {
namespace metadata_concurrency {

using namespace std::chrono_literals;

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
inline int do_writer_work(MetadataStore& store, int writer) {
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
inline void expect_exact_counts(MetadataStore& store, int writers) {
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

// Runs `child(index)` in `processes` forked processes. A child reports through its exit status
// and leaves with _exit, so that nothing of the parent's (gtest, atexit handlers) runs twice;
// an exception in a child is exit status 255 with the message on stderr.
template <typename Child>
std::vector<pid_t> fork_children(int processes, Child child) {
  std::vector<pid_t> children;
  for (int index = 0; index < processes; ++index) {
    const pid_t pid = fork();
    if (pid == -1) {
      ADD_FAILURE() << "fork failed";
      break;
    }
    if (pid == 0) {
      int code = 255;
      try {
        code = child(index);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "child %d failed: %s\n", index, error.what());
      }
      std::fflush(stderr);
      _exit(code);
    }
    children.push_back(pid);
  }
  return children;
}

// The exit status of each child, in order; -1 for one that was killed.
inline std::vector<int> wait_for_children(const std::vector<pid_t>& children) {
  std::vector<int> codes;
  for (const pid_t pid : children) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
      ADD_FAILURE() << "child " << pid << " was killed";
      codes.push_back(-1);
    } else {
      codes.push_back(WEXITSTATUS(status));
    }
  }
  return codes;
}

}  // namespace metadata_concurrency

class MetadataConcurrencyContract : public ::testing::TestWithParam<MetadataBackend> {
 protected:
  void SetUp() override {
    try {
      database_ = GetParam().make();
    } catch (const std::exception& error) {
      FAIL() << "cannot make a fresh " << GetParam().name << " metadata database: " << error.what();
    }
  }

  std::unique_ptr<MetadataTestDatabase> database_;
};

TEST_P(MetadataConcurrencyContract, ForkedWritersOnAFreshDatabaseNeverFailAndCountExactly) {
  using namespace metadata_concurrency;
  constexpr int kWriters = 4;
  // The database is empty: the writers also race to create and migrate it.
  const std::vector<int> codes = wait_for_children(fork_children(kWriters, [&](int writer) {
    const auto store = database_->open({});
    do_writer_work(*store, writer);
    return 0;
  }));
  for (std::size_t writer = 0; writer < codes.size(); ++writer) {
    EXPECT_EQ(codes[writer], 0) << "writer " << writer << " failed (see its stderr)";
  }

  expect_exact_counts(*database_->open({}), kWriters);
  // Each migration was applied once, whichever writer got there first.
  const std::string latest = std::to_string(latest_schema_version());
  EXPECT_EQ(database_->rows("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations", 2),
            (TextRows{{latest, latest}}));
}

TEST_P(MetadataConcurrencyContract, ThreadsSharingOneStoreCountExactly) {
  using namespace metadata_concurrency;
  constexpr int kWriters = 4;
  const auto store = database_->open({});
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < kWriters; ++writer) {
    threads.emplace_back([&, writer] {
      try {
        do_writer_work(*store, writer);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "thread %d failed: %s\n", writer, error.what());
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  expect_exact_counts(*store, kWriters);
}

// A reader tailing the log with events_after while writers on their own connections append:
// it must see every event exactly once. An id drawn before another but committed after it
// would be skipped by a reader whose cursor had already passed it.
TEST_P(MetadataConcurrencyContract, TailingReaderNeverSkipsAnEvent) {
  using namespace metadata_concurrency;
  constexpr int kWriters = 4;
  constexpr int kEventsPerWriter = 150;
  const auto setup = database_->open({});
  RunRecord run;
  run.job = "tail";
  run = setup->create_run(run);

  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&] {
      try {
        const auto store = database_->open({});
        Event event;
        event.run_id = run.run_id;
        for (int i = 0; i < kEventsPerWriter; i += 3) {
          store->append_event(event);
          store->append_events(std::vector<Event>{event, event});
        }
      } catch (const std::exception& error) {
        std::fprintf(stderr, "writer failed: %s\n", error.what());
        ++failures;
      }
    });
  }
  std::vector<std::int64_t> seen;
  const auto reader = database_->open({});
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (seen.size() < std::size_t{kWriters} * kEventsPerWriter &&
         std::chrono::steady_clock::now() < deadline && failures.load() == 0) {
    const std::int64_t cursor = seen.empty() ? 0 : seen.back();
    for (const Event& event : reader->events_after({.after_id = cursor, .limit = 7})) {
      seen.push_back(event.id);
    }
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<std::int64_t> all;
  for (const Event& event : reader->events_for_run(run.run_id)) all.push_back(event.id);
  ASSERT_EQ(all.size(), std::size_t{kWriters} * kEventsPerWriter);
  EXPECT_EQ(seen, all) << "the tailing reader missed or repeated events";
}

// Processes that all see the same expired lease at once: exactly one of them takes each, and
// each one's count of wins matches the owners recorded.
TEST_P(MetadataConcurrencyContract, ExpiredLeaseIsTakenOverByExactlyOneProcess) {
  using namespace metadata_concurrency;
  constexpr int kRacers = 4;
  constexpr int kKeys = 40;
  const auto key_of = [](int key) { return fmt::format("asset:race|{:02}", key); };
  {
    // Leases that expired at 1970-01-01T00:00:01.001, held by a process on another host.
    const auto store = database_->open([] { return TimestampMs{1000}; });
    for (int key = 0; key < kKeys; ++key) {
      ASSERT_TRUE(store->try_acquire_lease(key_of(key), "stale-run", 1, "another-host", 1ms));
    }
  }
  // Every racer opens its store, then waits until the parent closes the pipe, so that they
  // all start acquiring at once.
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  const std::vector<pid_t> racers = fork_children(kRacers, [&](int racer) {
    close(start[1]);
    const auto store = database_->open({});
    char byte = 0;
    if (read(start[0], &byte, 1) != 0) return 254;
    int won = 0;
    for (int key = 0; key < kKeys; ++key) {
      // A host of its own: a racer that finished and exited must not lose its leases to the
      // dead-process rule, which applies only on the holder's host.
      if (store->try_acquire_lease(key_of(key), fmt::format("racer-{}", racer), getpid(),
                                   fmt::format("racer-host-{}", racer), 60s)) {
        ++won;
      }
    }
    return won;
  });
  // Every racer holds its own copy of the pipe now; closing the last writer releases them.
  close(start[1]);
  close(start[0]);
  const std::vector<int> codes = wait_for_children(racers);

  std::map<std::string, int> owned;
  const auto store = database_->open({});
  for (int key = 0; key < kKeys; ++key) {
    const auto lease = store->get_lease(key_of(key));
    ASSERT_TRUE(lease.has_value()) << key_of(key);
    ++owned[lease->owner_run_id];
  }
  int total = 0;
  for (int racer = 0; racer < static_cast<int>(codes.size()); ++racer) {
    EXPECT_EQ(codes[racer], owned[fmt::format("racer-{}", racer)]) << "racer " << racer;
    total += codes[racer];
  }
  EXPECT_EQ(total, kKeys);
  EXPECT_EQ(owned.count("stale-run"), 0u);
}

}  // namespace gogooku3::storage
