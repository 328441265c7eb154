// SqliteMetadataStore: the MetadataStore in one SQLite file (var/gogooku3.db by default), the
// embedded default that needs no server.
//
// Opening creates the file and its directories, switches the database to WAL (readers never
// wait for the writer, and one writer at a time commits without fsync per transaction under
// synchronous=NORMAL, which loses at most the last commits on power loss, never consistency),
// enables foreign keys and applies pending migrations. A file that is not a SQLite database is
// Corruption; a database from a newer gogooku3 is InvalidInput asking for an upgrade.
//
// Every write is one BEGIN IMMEDIATE transaction retried while the file is locked (see
// sqlite_handle.h), so processes writing to the same file at once wait for each other instead
// of failing; a lock that outlasts the bound is a Transient error naming the file.
//
// Ownership and thread safety: the store owns one connection, and a mutex serialises every
// call on it, so one store may be shared by any number of threads (they take turns; SQLite
// serialises writers anyway). Each process opens its own store; a store must not be used in a
// child after fork().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage {

namespace sqlite {
class Connection;
}

struct SqliteMetadataStoreOptions {
  // How long one attempt waits for another process's write lock, and how many attempts a write
  // makes before it fails with Transient.
  std::chrono::milliseconds busy_timeout{10'000};
  int max_lock_attempts = 5;
  // The store's "now" for timestamps given as 0 and for lease expiry; the system clock if empty.
  std::function<TimestampMs()> clock;
};

class SqliteMetadataStore final : public MetadataStore {
 public:
  explicit SqliteMetadataStore(std::filesystem::path path, SqliteMetadataStoreOptions options = {});
  ~SqliteMetadataStore() override;
  SqliteMetadataStore(const SqliteMetadataStore&) = delete;
  SqliteMetadataStore& operator=(const SqliteMetadataStore&) = delete;

  const std::filesystem::path& path() const { return path_; }

  int schema_version() const override;
  std::vector<std::pair<std::string, std::int64_t>> row_counts() const override;

  RunRecord create_run(const RunRecord& run) override;
  void set_run_status(std::string_view run_id, RunStatus status, TimestampMs at_ms) override;
  std::optional<RunRecord> get_run(std::string_view run_id) const override;
  std::vector<RunRecord> list_runs(const RunFilter& filter) const override;

  std::int64_t append_event(const Event& event) override;
  std::vector<std::int64_t> append_events(std::span<const Event> events) override;
  std::vector<Event> events_for_run(std::string_view run_id) const override;
  std::vector<Event> events_after(const EventCursor& cursor) const override;

  void upsert_partition_status(const PartitionStatus& status) override;
  void upsert_partition_statuses(std::span<const PartitionStatus> statuses) override;
  std::optional<PartitionStatus> get_partition_status(
      std::string_view asset, std::string_view partition_key) const override;
  std::vector<PartitionStatus> partition_statuses(std::string_view asset,
                                                  std::string_view from_partition,
                                                  std::string_view to_partition) const override;

  std::int64_t record_check(const CheckResult& check) override;
  std::vector<CheckResult> checks_for(std::string_view asset,
                                      std::string_view partition_key) const override;

  bool try_acquire_lease(std::string_view key, std::string_view owner_run_id, std::int64_t pid,
                         std::string_view host, std::chrono::milliseconds ttl) override;
  bool renew_lease(std::string_view key, std::string_view owner_run_id,
                   std::chrono::milliseconds ttl) override;
  bool release_lease(std::string_view key, std::string_view owner_run_id) override;
  std::optional<Lease> get_lease(std::string_view key) const override;

 private:
  template <typename Body>
  auto write(Body&& body);
  template <typename Body>
  auto read(Body&& body) const;

  TimestampMs now() const;
  TimestampMs or_now(TimestampMs at_ms) const { return at_ms != 0 ? at_ms : now(); }
  void configure_connection();
  void apply_migrations();
  int read_schema_version() const;  // caller holds mutex_
  void insert_event(const Event& event);
  void insert_partition_status(const PartitionStatus& status);

  std::filesystem::path path_;
  std::function<TimestampMs()> clock_;
  mutable std::mutex mutex_;
  std::unique_ptr<sqlite::Connection> connection_;  // guarded by mutex_
};

}  // namespace gogooku3::storage
