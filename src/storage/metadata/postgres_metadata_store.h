// PostgresMetadataStore: the MetadataStore in a PostgreSQL database (metadata.url or
// GOGOOKU3_DB_URL = postgresql://USER:PASSWORD@HOST:PORT/DATABASE), for deployments where
// several machines share one orchestrator memory. Same schema, same semantics and the same
// contract tests as the SQLite store (sqlite_metadata_store.h).
//
// Opening connects and applies pending migrations, each in its own transaction under a
// transaction-scoped advisory lock, so processes opening a fresh database at once apply each
// migration once. Tables are created in the first schema of the connection's search_path: a
// URL ending in ?options=-csearch_path%3Dgogooku3 keeps them in schema `gogooku3` (which must
// exist). A database from a newer gogooku3 is InvalidInput asking for an upgrade.
//
// How the SQLite store's guarantees are kept at READ COMMITTED, where writers do not take
// turns on their own:
//   - event ids increase in commit order (events_after never skips one): appending events
//     takes an EXCLUSIVE lock on `events` (readers still read) until commit, so ids are drawn
//     and committed one transaction at a time;
//   - try_acquire_lease reads, decides and writes the lease row under a row lock (inserting it
//     first when absent), so of two processes that both see an expired lease, the second sees
//     the first one's fresh lease and backs off;
//   - set_run_status reads the status it moves from under a row lock.
// Serialization failures and deadlocks are retried as a whole transaction; a lost connection
// is Transient and re-established at the next call (see postgres_handle.h).
//
// Ownership and thread safety: the store owns one connection, and a mutex serialises every
// call on it, so one store may be shared by any number of threads (they take turns). Each
// process opens its own store; a store must not be used in a child after fork().
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage {

namespace postgres {
class Connection;
}

struct PostgresMetadataStoreOptions {
  // Used when the URL sets no connect_timeout.
  std::chrono::seconds connect_timeout{10};
  // Attempts of a transaction that keeps losing serialization conflicts or deadlocks.
  int max_attempts = 5;
  // The store's "now" for timestamps given as 0 and for lease expiry; the system clock if empty.
  std::function<TimestampMs()> clock{};
};

class PostgresMetadataStore final : public MetadataStore {
 public:
  // Transient naming the server (without the password) when it cannot be reached.
  explicit PostgresMetadataStore(std::string url, PostgresMetadataStoreOptions options = {});
  ~PostgresMetadataStore() override;
  PostgresMetadataStore(const PostgresMetadataStore&) = delete;
  PostgresMetadataStore& operator=(const PostgresMetadataStore&) = delete;

  // postgresql://user@host:port/database, the URL without its password.
  const std::string& target() const { return target_; }

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
  void apply_migrations();
  int read_schema_version() const;  // caller holds mutex_
  std::int64_t insert_event(const Event& event);
  void insert_partition_status(const PartitionStatus& status);

  std::string target_;
  std::function<TimestampMs()> clock_;
  mutable std::mutex mutex_;
  std::unique_ptr<postgres::Connection> connection_;  // guarded by mutex_
};

}  // namespace gogooku3::storage
