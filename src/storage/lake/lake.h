// Lake: the date-partitioned Parquet datasets every asset writes, on an ObjectStore.
//
// A dataset is a path of one or more segments under the store's root — `raw/bars_daily`,
// `clean/prices`, `features/<manifest-hash>` — and a partition is one business day of it:
//   <dataset>/date=YYYY-MM-DD/data.parquet
// Anyone can open the lake with DuckDB, pandas or polars (hive partitioning by `date`).
//
// write_partition() publishes a partition whole or not at all (the object store's atomic
// commit), replacing an older version of the same day, and records its row count, size and
// SHA-256 checksum as the partition's status in the metadata database when the lake has one.
// Re-running a day therefore never appends twice. Reads use the Parquet reader's projection,
// so reading 3 columns of a 200-column feature table fetches only those column chunks; a read
// of every column fetches the whole object at once (one request on S3 instead of one per chunk).
//
// Thread safety: a Lake holds no mutable state of its own; it is as thread-safe as its object
// store and metadata store (both are).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/table.h"
#include "storage/metadata/metadata_store.h"
#include "storage/object_store/object_store.h"
#include "storage/parquet/writer.h"

namespace gogooku3::storage {

struct LakePartition {
  std::string dataset;
  Date date;
  std::string key;         // the object key of the partition's file
  std::int64_t rows = -1;  // -1 when not recorded (listing without metadata)
  std::uint64_t bytes = 0;
  std::string checksum;  // "sha256:<hex>", empty when not recorded
};

class Lake {
 public:
  // `metadata` may be null: nothing is recorded and listings show what the store holds.
  explicit Lake(std::shared_ptr<ObjectStore> store, MetadataStore* metadata = nullptr);

  const ObjectStore& store() const { return *store_; }

  // "<dataset>/date=YYYY-MM-DD/data.parquet"; InvalidInput for a malformed dataset name.
  static std::string partition_key(std::string_view dataset, Date date);

  LakePartition write_partition(std::string_view dataset, Date date, const Table& table,
                                const parquet::WriterOptions& options = {},
                                const std::optional<std::string>& run_id = std::nullopt);

  // NotFound naming the partition's URL when the day was never written.
  Table read_partition(std::string_view dataset, Date date,
                       const std::vector<std::string>& columns = {}) const;

  // The days of a dataset, in date order, with their recorded status when there is one.
  std::vector<LakePartition> list_partitions(std::string_view dataset) const;

  // Every partition with from <= date <= to, concatenated in date order (missing days are
  // simply absent); the columns must agree across days.
  Table read_range(std::string_view dataset, Date from, Date to,
                   const std::vector<std::string>& columns = {}) const;

  // Datasets that hold at least one partition, e.g. {"clean/prices", "raw/bars_daily"}.
  std::vector<std::string> datasets() const;

 private:
  std::shared_ptr<ObjectStore> store_;
  MetadataStore* metadata_;
};

}  // namespace gogooku3::storage
