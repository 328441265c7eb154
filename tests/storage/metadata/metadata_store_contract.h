// The MetadataStore contract: round trips of every method, with the orderings, tie-breaks,
// validation errors and lease rules the interface promises, written once against the interface
// and run for every backend (instantiated for SQLite in metadata_store_test.cpp, for PostgreSQL
// in tests/integration/postgres_metadata_store_test.cpp). Each test gets a fresh, empty
// database and a store on it whose clock the test moves by hand.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "metadata_test_database.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage {

class MetadataStoreContract : public ::testing::TestWithParam<MetadataBackend> {
 protected:
  static constexpr TimestampMs kStart = 1'790'000'000'000;  // 2026-09-22, give or take

  void SetUp() override {
    // A backend that cannot give a database (no server) fails the test with the reason.
    try {
      database_ = GetParam().make();
      store_ = database_->open([this] { return clock_.load(); });
    } catch (const std::exception& error) {
      FAIL() << "cannot open a fresh " << GetParam().name << " metadata database: " << error.what();
    }
  }

  MetadataStore& store() { return *store_; }
  void advance(std::chrono::milliseconds by) { clock_ += by.count(); }

  RunRecord make_run(std::string job = "daily", std::string partition_key = "2026-09-24") {
    RunRecord run;
    run.job = std::move(job);
    run.partition_key = std::move(partition_key);
    run.pid = getpid();
    run.host = "host-a";
    return store().create_run(run);
  }

  Event make_event(const RunRecord& run, EventKind kind, std::string message) {
    Event event;
    event.run_id = run.run_id;
    event.kind = kind;
    event.asset = "prices";
    event.partition_key = run.partition_key;
    event.message = std::move(message);
    return event;
  }

  std::atomic<TimestampMs> clock_{kStart};
  std::unique_ptr<MetadataTestDatabase> database_;  // outlives the store on it
  std::unique_ptr<MetadataStore> store_;
};

using namespace std::chrono_literals;

TEST_P(MetadataStoreContract, RowCountsCoverEveryTableInOrder) {
  using Counts = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(
      store().row_counts(),
      (Counts{{"runs", 0}, {"events", 0}, {"partition_status", 0}, {"checks", 0}, {"leases", 0}}));
  const RunRecord run = make_run();
  store().append_event(make_event(run, EventKind::kRunStart, "one"));
  store().append_event(make_event(run, EventKind::kLog, "two"));
  ASSERT_TRUE(store().try_acquire_lease("job:daily", run.run_id, getpid(), "host-a", 1000ms));
  EXPECT_EQ(
      store().row_counts(),
      (Counts{{"runs", 1}, {"events", 2}, {"partition_status", 0}, {"checks", 0}, {"leases", 1}}));
}

// --- Runs ------------------------------------------------------------------------------------

TEST_P(MetadataStoreContract, CreateRunFillsIdAndTimeAndRoundTrips) {
  const RunRecord run = make_run();
  EXPECT_EQ(run.run_id.size(), 26u);
  EXPECT_EQ(run.created_at_ms, kStart);
  EXPECT_EQ(run.status, RunStatus::kQueued);
  EXPECT_FALSE(run.started_at_ms);
  EXPECT_FALSE(run.ended_at_ms);
  EXPECT_EQ(store().get_run(run.run_id), run);
  EXPECT_EQ(store().get_run("no-such-run"), std::nullopt);
}

TEST_P(MetadataStoreContract, CreateRunKeepsEveryFieldTheCallerGives) {
  const RunRecord parent = make_run();
  RunRecord run;
  run.run_id = "run-from-failure";
  run.job = "backfill";
  run.status = RunStatus::kRunning;
  run.partition_key = "2026-09-25";
  run.params_json = R"({"tickers":["7203","6758"],"from_failure":true})";
  run.parent_run_id = parent.run_id;
  run.created_at_ms = kStart - 5000;
  run.started_at_ms = kStart - 4000;
  run.pid = 4242;
  run.host = "worker-7";
  EXPECT_EQ(store().create_run(run), run);
  EXPECT_EQ(store().get_run("run-from-failure"), run);
}

TEST_P(MetadataStoreContract, CreateRunAsRunningStartsAtCreation) {
  RunRecord run;
  run.job = "daily";
  run.status = RunStatus::kRunning;
  run.host = "h";
  const RunRecord stored = store().create_run(run);
  EXPECT_EQ(stored.started_at_ms, kStart);
  EXPECT_EQ(store().get_run(stored.run_id)->started_at_ms, kStart);
}

TEST_P(MetadataStoreContract, CreateRunRejectsDuplicatesDanglingParentsAndBadInput) {
  const RunRecord run = make_run();
  RunRecord duplicate;
  duplicate.run_id = run.run_id;
  duplicate.job = "daily";
  EXPECT_EQ(category_of([&] { store().create_run(duplicate); }), ErrorCategory::kInvalidInput);

  RunRecord orphan;
  orphan.job = "daily";
  orphan.parent_run_id = "never-ran";
  try {
    store().create_run(orphan);
    FAIL() << "a parent that does not exist was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_TRUE(contains(error.what(), "never-ran"));
  }

  RunRecord no_job;
  EXPECT_EQ(category_of([&] { store().create_run(no_job); }), ErrorCategory::kInvalidInput);
  RunRecord bad_params;
  bad_params.job = "daily";
  bad_params.params_json = "{not json";
  EXPECT_EQ(category_of([&] { store().create_run(bad_params); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(store().list_runs({}).size(), 1u);
}

TEST_P(MetadataStoreContract, SetRunStatusRecordsStartOnceAndEnd) {
  const RunRecord run = make_run();
  store().set_run_status(run.run_id, RunStatus::kRunning, kStart + 10);
  store().set_run_status(run.run_id, RunStatus::kRunning, kStart + 20);  // already running
  RunRecord stored = *store().get_run(run.run_id);
  EXPECT_EQ(stored.status, RunStatus::kRunning);
  EXPECT_EQ(stored.started_at_ms, kStart + 10);
  EXPECT_FALSE(stored.ended_at_ms);

  advance(1s);
  store().set_run_status(run.run_id, RunStatus::kSucceeded, 0);  // 0: the store's now
  stored = *store().get_run(run.run_id);
  EXPECT_EQ(stored.status, RunStatus::kSucceeded);
  EXPECT_EQ(stored.started_at_ms, kStart + 10);
  EXPECT_EQ(stored.ended_at_ms, kStart + 1000);

  // Finished runs are history: the same status again is a no-op, another one an error.
  store().set_run_status(run.run_id, RunStatus::kSucceeded, kStart + 5000);
  EXPECT_EQ(store().get_run(run.run_id)->ended_at_ms, kStart + 1000);
  EXPECT_EQ(category_of([&] { store().set_run_status(run.run_id, RunStatus::kFailed, 0); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(store().get_run(run.run_id)->status, RunStatus::kSucceeded);
  EXPECT_EQ(category_of([&] { store().set_run_status("ghost", RunStatus::kRunning, 0); }),
            ErrorCategory::kNotFound);
}

TEST_P(MetadataStoreContract, CanceledWhileQueuedHasEndButNoStart) {
  const RunRecord run = make_run();
  store().set_run_status(run.run_id, RunStatus::kCanceled, kStart + 7);
  const RunRecord stored = *store().get_run(run.run_id);
  EXPECT_EQ(stored.status, RunStatus::kCanceled);
  EXPECT_FALSE(stored.started_at_ms);
  EXPECT_EQ(stored.ended_at_ms, kStart + 7);
}

TEST_P(MetadataStoreContract, ListRunsIsNewestFirstAndFilters) {
  // (job, partition, status, created offset)
  const RunRecord a = make_run("daily", "2026-09-22");
  advance(10ms);
  const RunRecord b = make_run("daily", "2026-09-24");
  advance(10ms);
  const RunRecord c = make_run("train", "");
  advance(10ms);
  const RunRecord d = make_run("daily", "2026-09-24");
  store().set_run_status(b.run_id, RunStatus::kFailed, 0);
  store().set_run_status(d.run_id, RunStatus::kRunning, 0);

  const auto ids = [](const std::vector<RunRecord>& runs) {
    std::vector<std::string> out;
    for (const RunRecord& run : runs) out.push_back(run.run_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(store().list_runs({})), (V{d.run_id, c.run_id, b.run_id, a.run_id}));
  EXPECT_EQ(ids(store().list_runs({.job = "daily"})), (V{d.run_id, b.run_id, a.run_id}));
  EXPECT_EQ(ids(store().list_runs({.status = RunStatus::kFailed})), (V{b.run_id}));
  EXPECT_EQ(ids(store().list_runs({.job = "daily", .status = RunStatus::kQueued})), (V{a.run_id}));
  EXPECT_EQ(ids(store().list_runs({.partition_key = "2026-09-24"})), (V{d.run_id, b.run_id}));
  EXPECT_EQ(ids(store().list_runs({.job = "daily", .limit = 2})), (V{d.run_id, b.run_id}));
  EXPECT_TRUE(store().list_runs({.job = "nothing"}).empty());
  EXPECT_EQ(category_of([&] { store().list_runs({.limit = 0}); }), ErrorCategory::kInvalidInput);
}

TEST_P(MetadataStoreContract, ListRunsBreaksTimeTiesByRunIdDescending) {
  RunRecord run;
  run.job = "daily";
  run.created_at_ms = kStart;
  for (const char* id : {"run-b", "run-c", "run-a"}) {
    run.run_id = id;
    store().create_run(run);
  }
  std::vector<std::string> ids;
  for (const RunRecord& listed : store().list_runs({})) ids.push_back(listed.run_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"run-c", "run-b", "run-a"}));
}

// --- Events ----------------------------------------------------------------------------------

TEST_P(MetadataStoreContract, EventsRoundTripInAppendOrder) {
  const RunRecord run = make_run();
  const RunRecord other = make_run();
  std::vector<Event> appended;
  for (EventKind kind : {EventKind::kRunStart, EventKind::kStepStart, EventKind::kMaterialization,
                         EventKind::kStepSuccess, EventKind::kRunEnd}) {
    Event event = make_event(run, kind, std::string(event_kind_name(kind)));
    event.payload_json = R"({"rows":4000,"bytes":123456,"checksum":"ab12"})";
    advance(1ms);
    event.id = store().append_event(event);
    event.occurred_at_ms = kStart + static_cast<TimestampMs>(appended.size() + 1);
    appended.push_back(event);
    store().append_event(make_event(other, EventKind::kLog, "interleaved"));
  }
  for (std::size_t i = 1; i < appended.size(); ++i) EXPECT_GT(appended[i].id, appended[i - 1].id);
  EXPECT_EQ(store().events_for_run(run.run_id), appended);
  EXPECT_EQ(store().events_for_run(other.run_id).size(), 5u);
  EXPECT_TRUE(store().events_for_run("no-such-run").empty());
}

TEST_P(MetadataStoreContract, EventKeepsCallerTimestamp) {
  const RunRecord run = make_run();
  Event event = make_event(run, EventKind::kTickerFailure, "7203: no bars");
  event.occurred_at_ms = 1234;
  event.payload_json = R"({"ticker":"7203","error_category":"NotFound"})";
  event.id = store().append_event(event);
  EXPECT_EQ(store().events_for_run(run.run_id), std::vector<Event>{event});
}

TEST_P(MetadataStoreContract, AppendEventsIsOneTransaction) {
  const RunRecord run = make_run();
  std::vector<Event> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(make_event(run, EventKind::kRetry, "try"));
  const std::vector<std::int64_t> ids = store().append_events(batch);
  ASSERT_EQ(ids.size(), 5u);
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_EQ(ids[i], ids[i - 1] + 1);

  // The last event names a run that does not exist: the foreign key rejects it, and with it
  // every event of the batch.
  batch.back().run_id = "no-such-run";
  EXPECT_EQ(category_of([&] { store().append_events(batch); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(store().events_for_run(run.run_id).size(), 5u);

  batch.back().run_id = run.run_id;
  batch.back().payload_json = "[unterminated";
  EXPECT_EQ(category_of([&] { store().append_events(batch); }), ErrorCategory::kInvalidInput);
  EXPECT_EQ(store().events_for_run(run.run_id).size(), 5u);
  EXPECT_TRUE(store().append_events({}).empty());
}

TEST_P(MetadataStoreContract, EventsAfterTailsTheLog) {
  const RunRecord run = make_run();
  const RunRecord other = make_run();
  std::vector<std::int64_t> run_ids;
  for (int i = 0; i < 6; ++i) {
    run_ids.push_back(store().append_event(make_event(run, EventKind::kLog, "r")));
    store().append_event(make_event(other, EventKind::kLog, "o"));
  }
  EXPECT_EQ(store().events_after({}).size(), 12u);
  EXPECT_EQ(store().events_after({.after_id = run_ids[2]}).size(), 12u - 5u);

  const std::vector<Event> page =
      store().events_after({.after_id = run_ids[1], .run_id = run.run_id, .limit = 3});
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, run_ids[2]);
  EXPECT_EQ(page[2].id, run_ids[4]);
  EXPECT_TRUE(store().events_after({.after_id = run_ids[5] + 1}).empty());
  EXPECT_EQ(category_of([&] { store().events_after({.limit = 0}); }), ErrorCategory::kInvalidInput);
}

// --- Partition status ------------------------------------------------------------------------

TEST_P(MetadataStoreContract, PartitionStatusRoundTripsAndUpsertReplaces) {
  const RunRecord run = make_run();
  PartitionStatus status;
  status.asset = "prices";
  status.partition_key = "2026-09-24";
  status.state = PartitionState::kMaterialized;
  status.run_id = run.run_id;
  status.row_count = 3997;
  status.byte_count = 812'345;
  status.checksum = "sha256:0f3c";
  status.failed_tickers = {"7203", "6758", "130A0"};
  store().upsert_partition_status(status);
  status.updated_at_ms = kStart;
  EXPECT_EQ(store().get_partition_status("prices", "2026-09-24"), status);

  status.state = PartitionState::kStale;
  status.failed_tickers.clear();
  status.updated_at_ms = kStart + 99;
  status.run_id.reset();
  store().upsert_partition_status(status);
  EXPECT_EQ(store().get_partition_status("prices", "2026-09-24"), status);
  EXPECT_EQ(store().partition_statuses("prices", "", "~").size(), 1u);
  EXPECT_EQ(store().get_partition_status("prices", "2026-09-25"), std::nullopt);
  EXPECT_EQ(store().get_partition_status("features", "2026-09-24"), std::nullopt);
}

TEST_P(MetadataStoreContract, PartitionStatusNamesAnExistingRunOrNone) {
  PartitionStatus status;
  status.asset = "prices";
  status.partition_key = "2026-09-24";
  status.run_id = "no-such-run";
  EXPECT_EQ(category_of([&] { store().upsert_partition_status(status); }),
            ErrorCategory::kInvalidInput);
  status.asset.clear();
  status.run_id.reset();
  EXPECT_EQ(category_of([&] { store().upsert_partition_status(status); }),
            ErrorCategory::kInvalidInput);
}

TEST_P(MetadataStoreContract, PartitionStatusesScansAnInclusiveKeyRange) {
  std::vector<PartitionStatus> statuses;
  for (const char* asset : {"features", "prices", "prices_x"}) {
    for (int day = 1; day <= 30; ++day) {
      PartitionStatus status;
      status.asset = asset;
      status.partition_key = fmt::format("2026-09-{:02}", day);
      status.state = day % 7 == 0 ? PartitionState::kFailed : PartitionState::kMaterialized;
      status.row_count = day;
      statuses.push_back(status);
    }
  }
  store().upsert_partition_statuses(statuses);

  const std::vector<PartitionStatus> range =
      store().partition_statuses("prices", "2026-09-10", "2026-09-20");
  ASSERT_EQ(range.size(), 11u);
  for (std::size_t i = 0; i < range.size(); ++i) {
    EXPECT_EQ(range[i].asset, "prices");
    EXPECT_EQ(range[i].partition_key, fmt::format("2026-09-{:02}", 10 + i));
    EXPECT_EQ(range[i].row_count, static_cast<std::int64_t>(10 + i));
  }
  EXPECT_EQ(range[4].state, PartitionState::kFailed);  // the 14th
  EXPECT_EQ(store().partition_statuses("prices", "2026-01-01", "2026-12-31").size(), 30u);
  EXPECT_TRUE(store().partition_statuses("prices", "2026-10-01", "2026-12-31").empty());
  EXPECT_TRUE(store().partition_statuses("topix", "", "~").empty());
}

// Keys compare as bytes, whatever the database's collation: upper case before lower case,
// '|' after letters, and UTF-8 after ASCII. A locale-aware order would interleave them.
TEST_P(MetadataStoreContract, PartitionKeysAndRunIdsCompareByteWise) {
  std::vector<std::string> keys = {"b", "B",        "a|7203",           "a-1", "a",
                                   "A", "\xc3\xa9", "2026-09-24|130A0", "_x",  "2026-09-24|7203",
                                   "Z"};
  std::vector<PartitionStatus> statuses;
  for (const std::string& key : keys) {
    statuses.push_back({.asset = "bytes", .partition_key = key});
  }
  store().upsert_partition_statuses(statuses);
  std::sort(keys.begin(), keys.end());  // std::string compares as unsigned bytes
  std::vector<std::string> listed;
  // The upper bound is U+10FFFF, the last code point: a lone 0xff byte is not UTF-8, which
  // PostgreSQL refuses.
  for (const PartitionStatus& status :
       store().partition_statuses("bytes", "", "\xf4\x8f\xbf\xbf")) {
    listed.push_back(status.partition_key);
  }
  EXPECT_EQ(listed, keys);
  // A range bounded by upper-case keys holds no lower-case one.
  listed.clear();
  for (const PartitionStatus& status : store().partition_statuses("bytes", "A", "Z")) {
    listed.push_back(status.partition_key);
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"A", "B", "Z"}));

  RunRecord run;
  run.job = "bytes";
  run.created_at_ms = kStart;
  for (const char* id : {"run-a", "RUN-B", "run-B", "Run-c"}) {
    run.run_id = id;
    store().create_run(run);
  }
  std::vector<std::string> ids;
  for (const RunRecord& listed_run : store().list_runs({.job = "bytes"})) {
    ids.push_back(listed_run.run_id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"run-a", "run-B", "Run-c", "RUN-B"}));
}

TEST_P(MetadataStoreContract, PartitionStatusesAtScale) {
  // 2,500 trading days x 20 assets, the shape of ten years of the whole pipeline.
  constexpr int kDays = 2500;
  constexpr int kAssets = 20;
  std::vector<PartitionStatus> statuses;
  statuses.reserve(std::size_t{kDays} * kAssets);
  for (int asset = 0; asset < kAssets; ++asset) {
    for (int day = 0; day < kDays; ++day) {
      PartitionStatus status;
      status.asset = fmt::format("asset_{:02}", asset);
      status.partition_key = fmt::format("day-{:05}", day);
      status.state = PartitionState::kMaterialized;
      status.row_count = 4000;
      statuses.push_back(std::move(status));
    }
  }
  store().upsert_partition_statuses(statuses);

  const std::vector<PartitionStatus> all = store().partition_statuses("asset_07", "", "~");
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kDays));
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.partition_key < b.partition_key;
  }));
  EXPECT_EQ(store().partition_statuses("asset_07", "day-01000", "day-01099").size(), 100u);
  // That it is a range scan of the primary key, needing no sort, is checked per backend from
  // its query plan (metadata_store_test.cpp, postgres_metadata_store_test.cpp).
}

// --- Checks ----------------------------------------------------------------------------------

TEST_P(MetadataStoreContract, ChecksRoundTripInRecordOrder) {
  const RunRecord run = make_run();
  CheckResult first;
  first.run_id = run.run_id;
  first.asset = "prices";
  first.partition_key = "2026-09-24";
  first.check_name = "no_negative_volume";
  first.severity = CheckSeverity::kBlocking;
  first.passed = true;
  first.metadata_json = R"({"rows_checked":3997})";
  first.checked_at_ms = kStart + 1;
  CheckResult second = first;
  second.check_name = "row_count_vs_yesterday";
  second.severity = CheckSeverity::kWarning;
  second.passed = false;
  second.message = "row count fell 12%";
  second.checked_at_ms = 0;  // now
  CheckResult elsewhere = first;
  elsewhere.partition_key = "2026-09-25";

  first.id = store().record_check(first);
  second.id = store().record_check(second);
  store().record_check(elsewhere);
  second.checked_at_ms = kStart;
  EXPECT_GT(second.id, first.id);
  EXPECT_EQ(store().checks_for("prices", "2026-09-24"), (std::vector<CheckResult>{first, second}));
  EXPECT_TRUE(store().checks_for("prices", "2026-09-23").empty());

  CheckResult orphan = first;
  orphan.run_id = "no-such-run";
  EXPECT_EQ(category_of([&] { store().record_check(orphan); }), ErrorCategory::kInvalidInput);
  CheckResult bad_metadata = first;
  bad_metadata.metadata_json = "{]";
  EXPECT_EQ(category_of([&] { store().record_check(bad_metadata); }), ErrorCategory::kInvalidInput);
}

// --- Leases ----------------------------------------------------------------------------------

TEST_P(MetadataStoreContract, LeaseIsExclusiveUntilReleased) {
  const std::int64_t pid = getpid();
  EXPECT_TRUE(store().try_acquire_lease("job:daily", "run-1", pid, "host-a", 30s));
  EXPECT_FALSE(store().try_acquire_lease("job:daily", "run-2", pid, "host-a", 30s));
  EXPECT_TRUE(store().try_acquire_lease("job:train", "run-2", pid, "host-a", 30s));

  const Lease lease = *store().get_lease("job:daily");
  EXPECT_EQ(lease, (Lease{.key = "job:daily",
                          .owner_run_id = "run-1",
                          .pid = pid,
                          .host = "host-a",
                          .acquired_at_ms = kStart,
                          .renewed_at_ms = kStart,
                          .expires_at_ms = kStart + 30'000}));

  EXPECT_FALSE(store().release_lease("job:daily", "run-2"));  // not the holder
  EXPECT_TRUE(store().release_lease("job:daily", "run-1"));
  EXPECT_FALSE(store().release_lease("job:daily", "run-1"));
  EXPECT_EQ(store().get_lease("job:daily"), std::nullopt);
  EXPECT_TRUE(store().try_acquire_lease("job:daily", "run-2", pid, "host-a", 30s));
}

TEST_P(MetadataStoreContract, HolderReacquiringExtendsItsLease) {
  EXPECT_TRUE(store().try_acquire_lease("k", "run-1", getpid(), "host-a", 10s));
  advance(5s);
  EXPECT_TRUE(store().try_acquire_lease("k", "run-1", getpid(), "host-a", 10s));
  const Lease lease = *store().get_lease("k");
  EXPECT_EQ(lease.acquired_at_ms, kStart);
  EXPECT_EQ(lease.expires_at_ms, kStart + 15'000);
}

TEST_P(MetadataStoreContract, ExpiredLeaseIsTakenOver) {
  EXPECT_TRUE(store().try_acquire_lease("k", "run-1", getpid(), "host-a", 10s));
  advance(9999ms);
  EXPECT_FALSE(store().try_acquire_lease("k", "run-2", getpid(), "host-b", 10s));
  advance(1ms);
  EXPECT_TRUE(store().try_acquire_lease("k", "run-2", getpid(), "host-b", 10s));
  const Lease lease = *store().get_lease("k");
  EXPECT_EQ(lease.owner_run_id, "run-2");
  EXPECT_EQ(lease.host, "host-b");
  EXPECT_EQ(lease.acquired_at_ms, kStart + 10'000);
  // The old holder learns it lost the lease at its next heartbeat.
  EXPECT_FALSE(store().renew_lease("k", "run-1", 10s));
  EXPECT_FALSE(store().release_lease("k", "run-1"));
}

TEST_P(MetadataStoreContract, LeaseOfADeadProcessOnThisHostIsTakenOver) {
  const std::int64_t dead = pid_that_does_not_exist();
  ASSERT_EQ(kill(static_cast<pid_t>(dead), 0), -1);
  ASSERT_EQ(errno, ESRCH);
  EXPECT_TRUE(store().try_acquire_lease("k", "crashed-run", dead, "host-a", 1h));
  EXPECT_TRUE(store().try_acquire_lease("k", "run-2", getpid(), "host-a", 1h));
  EXPECT_EQ(store().get_lease("k")->owner_run_id, "run-2");
}

TEST_P(MetadataStoreContract, PidsOfOtherHostsAndLiveProcessesAreRespected) {
  // The pid does not exist here, but the holder runs on another host, where it may.
  EXPECT_TRUE(
      store().try_acquire_lease("k", "remote-run", pid_that_does_not_exist(), "host-b", 1h));
  EXPECT_FALSE(store().try_acquire_lease("k", "run-2", getpid(), "host-a", 1h));
  // A live holder on this host keeps its lease, even against the same process.
  EXPECT_TRUE(store().try_acquire_lease("other", "run-1", getpid(), "host-a", 1h));
  EXPECT_FALSE(store().try_acquire_lease("other", "run-2", getpid(), "host-a", 1h));
  EXPECT_EQ(store().get_lease("k")->owner_run_id, "remote-run");
  EXPECT_EQ(store().get_lease("other")->owner_run_id, "run-1");
}

TEST_P(MetadataStoreContract, RenewExtendsOnlyTheHoldersLease) {
  EXPECT_TRUE(store().try_acquire_lease("k", "run-1", getpid(), "host-a", 10s));
  advance(8s);
  EXPECT_TRUE(store().renew_lease("k", "run-1", 10s));
  EXPECT_FALSE(store().renew_lease("k", "run-2", 10s));
  EXPECT_FALSE(store().renew_lease("missing", "run-1", 10s));
  Lease lease = *store().get_lease("k");
  EXPECT_EQ(lease.renewed_at_ms, kStart + 8000);
  EXPECT_EQ(lease.expires_at_ms, kStart + 18'000);
  advance(9s);  // past the first expiry, within the renewed one
  EXPECT_FALSE(store().try_acquire_lease("k", "run-2", getpid(), "host-a", 10s));
}

TEST_P(MetadataStoreContract, LeaseArgumentsAreValidated) {
  const auto category = [&](auto fn) { return category_of(fn); };
  EXPECT_EQ(category([&] { store().try_acquire_lease("", "r", getpid(), "h", 1s); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { store().try_acquire_lease("k", "", getpid(), "h", 1s); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { store().try_acquire_lease("k", "r", 0, "h", 1s); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { store().try_acquire_lease("k", "r", getpid(), "", 1s); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { store().try_acquire_lease("k", "r", getpid(), "h", 0s); }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category([&] { store().renew_lease("k", "r", -1s); }), ErrorCategory::kInvalidInput);
}

}  // namespace gogooku3::storage
