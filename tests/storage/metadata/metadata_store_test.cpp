// The MetadataStore contract (metadata_store_contract.h) run against SQLite, what only SQLite
// can show (its query plan), and the value types every backend shares.
#include "storage/metadata/metadata_store.h"

#include <gtest/gtest.h>

#include <set>

#include "metadata_store_contract.h"
#include "metadata_test_database.h"
#include "storage/metadata/sqlite_handle.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreContract, ::testing::Values(sqlite_backend()),
                         backend_name);

// The plan must search the primary key's index for the asset and key range, and need no sort:
// that is what keeps the partition view fast however many assets there are.
TEST(SqliteMetadataStoreTest, PartitionStatusesIsAPrimaryKeyRangeScan) {
  SqliteTestDatabase database;
  database.open({});
  sqlite::Connection raw(database.path().string(), {});
  auto plan = raw.statement(
      "EXPLAIN QUERY PLAN SELECT * FROM partition_status"
      " WHERE asset = ?1 AND partition_key >= ?2 AND partition_key <= ?3"
      " ORDER BY partition_key");
  std::string details;
  while (plan.step()) details += plan.column_text(3) + "\n";
  EXPECT_TRUE(contains(details,
                       "USING INDEX sqlite_autoindex_partition_status_1 (asset=? AND "
                       "partition_key>? AND partition_key<?)"));
  EXPECT_FALSE(contains(details, "TEMP B-TREE"));
}

// --- Values ----------------------------------------------------------------------------------

TEST(RunIdTest, IdsAreUniqueSortableUlids) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 10'000; ++i) {
    // Many ids per millisecond: they must still come out in order.
    const std::string id = new_run_id(1'790'000'000'000 + i / 1000);
    ASSERT_EQ(id.size(), 26u);
    ASSERT_EQ(id.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
    ASSERT_GT(id, previous);
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10'000u);
  // The first ten characters are the millisecond, so ids of later milliseconds sort later.
  EXPECT_EQ(new_run_id(0).substr(0, 10), "0000000000");
  const std::string earlier = new_run_id(1'000);
  EXPECT_EQ(earlier.substr(0, 10), "00000000Z8");  // 1000 = 31 * 32 + 8
  EXPECT_LT(earlier, new_run_id(1'001));
}

TEST(NamesTest, StoredNamesRoundTrip) {
  for (RunStatus status : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kSucceeded,
                           RunStatus::kFailed, RunStatus::kCanceled}) {
    EXPECT_EQ(parse_run_status(run_status_name(status)), status);
  }
  for (EventKind kind :
       {EventKind::kRunStart, EventKind::kRunEnd, EventKind::kStepStart, EventKind::kStepSuccess,
        EventKind::kStepFailure, EventKind::kMaterialization, EventKind::kCheck, EventKind::kRetry,
        EventKind::kTickerFailure, EventKind::kLog}) {
    EXPECT_EQ(parse_event_kind(event_kind_name(kind)), kind);
  }
  for (PartitionState state : {PartitionState::kMaterialized, PartitionState::kFailed,
                               PartitionState::kMissing, PartitionState::kStale}) {
    EXPECT_EQ(parse_partition_state(partition_state_name(state)), state);
  }
  EXPECT_EQ(parse_check_severity("warning"), CheckSeverity::kWarning);
  EXPECT_EQ(parse_check_severity("blocking"), CheckSeverity::kBlocking);
  EXPECT_EQ(parse_run_status("Running"), std::nullopt);
  EXPECT_EQ(run_status_name(RunStatus::kCanceled), "canceled");
  EXPECT_EQ(event_kind_name(EventKind::kTickerFailure), "ticker_failure");
  EXPECT_FALSE(is_terminal(RunStatus::kRunning));
  EXPECT_TRUE(is_terminal(RunStatus::kCanceled));
}

}  // namespace
}  // namespace gogooku3::storage
