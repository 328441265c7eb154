// Warehouse: the lake's datasets mirrored into ClickHouse, for SQL over all of history.
//
// Each dataset becomes one table named after it ("clean/prices" → clean_prices,
// "features/<manifest-hash>" → features_<manifest-hash>): a new feature manifest is a new
// table, exactly as it is a new lake dataset, so a model trained on one feature set keeps
// reading it, and a table's columns never change meaning. The table is created on first load:
//
//   CREATE TABLE features_<hash> (code String, date Date, <one column per feature>,
//                                 _version UInt64, _deleted UInt8)
//   ENGINE = ReplacingMergeTree(_version) PARTITION BY toYYYYMM(date) ORDER BY (code, date)
//
// and migrated on later loads: a column the data has and the table lacks is added
// (ALTER TABLE ADD COLUMN, old rows read its default); a column whose type changed is an
// error naming both types — that is a new dataset, not a migration.
//
// Loading a day twice leaves one copy of each row. The choice is versioning, not partition
// replacement: a load stamps every row with _version (microseconds since the epoch, and always
// above the table's largest version for those days) and ReplacingMergeTree keeps the highest
// version of each (code, date). Partition replacement would have to rewrite a whole month
// (partitions are monthly) to reload one day, and a failed or retried INSERT would need the
// same care; with versions any load, retried or partial, is superseded by the next one. A code
// that a reload no longer has gets a tombstone row (_deleted = 1, same version), so it
// disappears too. Reads therefore use FINAL and `_deleted = 0` — read_partition() and the
// views of docs/backends.md do; `OPTIMIZE TABLE ... FINAL` merges the copies away physically.
//
// Thread-safe: the client is; the set of tables known to exist is guarded.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "storage/warehouse/clickhouse_client.h"

namespace gogooku3::storage::warehouse {

struct LoadResult {
  std::string table;
  std::int64_t rows = 0;        // rows of the data loaded
  std::int64_t tombstones = 0;  // codes the load's days had before and no longer have
  std::uint64_t version = 0;
  InsertStats insert;
};

class Warehouse {
 public:
  // Rows per Native block of an INSERT.
  static constexpr size_t kBlockRows = 16384;

  explicit Warehouse(ClickHouseOptions options);

  const ClickHouseClient& client() const { return client_; }

  // "clean/prices" → "clean_prices"; InvalidInput for a name that is not [a-z0-9_/]+.
  static std::string table_name(std::string_view dataset);

  // Creates or migrates the dataset's table so it holds `schema` (which must have the keys
  // code: string and date: date, anywhere); returns the table's name.
  std::string ensure_table(std::string_view dataset, const Schema& schema);

  // Loads `table` (any number of days, rows in any order) as the complete content of each day
  // it has rows for: afterwards reading one of those days gives exactly these rows.
  LoadResult load(std::string_view dataset, const Table& table);
  // Loads one day's complete content; an empty table removes every row of the day.
  LoadResult load_day(std::string_view dataset, Date date, const Table& table);

  // The live rows of one day, ordered by code, with the columns of `schema`.
  Table read_day(std::string_view dataset, Date date, const Schema& schema) const;

  // Live rows per day for from <= date <= to; days without rows are absent.
  std::map<Date, std::int64_t> row_counts(std::string_view dataset, Date from, Date to) const;

  // Merges every copy away (OPTIMIZE ... FINAL) for the months of [from, to].
  void optimize(std::string_view dataset, Date from, Date to) const;

  // Whether the dataset's table exists.
  bool has_table(std::string_view dataset) const;

 private:
  void ensure_database();
  LoadResult load_days(std::string_view dataset, const std::vector<Date>& days, const Table& table);

  ClickHouseClient client_;
  mutable std::mutex mutex_;
  std::set<std::string> ensured_;  // "table|schema" pairs already created or migrated
  bool database_ready_ = false;
};

}  // namespace gogooku3::storage::warehouse
