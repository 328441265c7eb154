#include "storage/metadata/sqlite_metadata_store.h"

#include <limits>
#include <system_error>
#include <utility>

#include "core/error.h"
#include "storage/metadata/metadata_store_rules.h"
#include "storage/metadata/migrations.h"
#include "storage/metadata/sqlite_handle.h"

namespace gogooku3::storage {
namespace {

using metadata_rules::decode_tickers;
using metadata_rules::stored_enum;
using sqlite::Statement;

// The column lists are spelled out in each query, in this order, so that a row reader and its
// queries can be checked against each other by eye.
constexpr std::string_view kSelectRun =
    "SELECT run_id, job, status, partition_key, params, parent_run_id, created_at, started_at,"
    " ended_at, pid, host FROM runs";
constexpr std::string_view kSelectEvent =
    "SELECT id, run_id, occurred_at, kind, asset, partition_key, message, payload FROM events";
constexpr std::string_view kSelectPartitionStatus =
    "SELECT asset, partition_key, status, run_id, row_count, byte_count, checksum, updated_at,"
    " failed_tickers FROM partition_status";
constexpr std::string_view kSelectCheck =
    "SELECT id, run_id, asset, partition_key, check_name, severity, passed, message, metadata,"
    " checked_at FROM checks";

RunRecord run_from_row(const Statement& row, const std::filesystem::path& database) {
  RunRecord run;
  run.run_id = row.column_text(0);
  run.job = row.column_text(1);
  const std::string status = row.column_text(2);
  run.status = stored_enum(parse_run_status(status), "runs.status", status, database.string());
  run.partition_key = row.column_text(3);
  run.params_json = row.column_text(4);
  run.parent_run_id = row.column_optional_text(5);
  run.created_at_ms = row.column_int64(6);
  run.started_at_ms = row.column_optional_int64(7);
  run.ended_at_ms = row.column_optional_int64(8);
  run.pid = row.column_int64(9);
  run.host = row.column_text(10);
  return run;
}

Event event_from_row(const Statement& row, const std::filesystem::path& database) {
  Event event;
  event.id = row.column_int64(0);
  event.run_id = row.column_text(1);
  event.occurred_at_ms = row.column_int64(2);
  const std::string kind = row.column_text(3);
  event.kind = stored_enum(parse_event_kind(kind), "events.kind", kind, database.string());
  event.asset = row.column_text(4);
  event.partition_key = row.column_text(5);
  event.message = row.column_text(6);
  event.payload_json = row.column_text(7);
  return event;
}

PartitionStatus partition_status_from_row(const Statement& row,
                                          const std::filesystem::path& database) {
  PartitionStatus status;
  status.asset = row.column_text(0);
  status.partition_key = row.column_text(1);
  const std::string state = row.column_text(2);
  status.state = stored_enum(parse_partition_state(state), "partition_status.status", state,
                             database.string());
  status.run_id = row.column_optional_text(3);
  status.row_count = row.column_int64(4);
  status.byte_count = row.column_int64(5);
  status.checksum = row.column_text(6);
  status.updated_at_ms = row.column_int64(7);
  status.failed_tickers = decode_tickers(row.column_text(8), status, database.string());
  return status;
}

CheckResult check_from_row(const Statement& row, const std::filesystem::path& database) {
  CheckResult check;
  check.id = row.column_int64(0);
  check.run_id = row.column_text(1);
  check.asset = row.column_text(2);
  check.partition_key = row.column_text(3);
  check.check_name = row.column_text(4);
  const std::string severity = row.column_text(5);
  check.severity =
      stored_enum(parse_check_severity(severity), "checks.severity", severity, database.string());
  check.passed = row.column_int64(6) != 0;
  check.message = row.column_text(7);
  check.metadata_json = row.column_text(8);
  check.checked_at_ms = row.column_int64(9);
  return check;
}

}  // namespace

// --- Opening ---------------------------------------------------------------------------------

SqliteMetadataStore::SqliteMetadataStore(std::filesystem::path path,
                                         SqliteMetadataStoreOptions options)
    : path_(std::move(path)), clock_(std::move(options.clock)) {
  if (path_.empty()) {
    throw invalid_input(
        "the metadata database path is empty: configure a file such as "
        "var/gogooku3.db");
  }
  if (options.max_lock_attempts < 1) {
    throw invalid_input("metadata database {}: max_lock_attempts must be at least 1, got {}",
                        path_.string(), options.max_lock_attempts);
  }
  if (path_.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path_.parent_path(), error);
    if (error) {
      throw invalid_input("cannot create directory {} for metadata database {}: {}",
                          path_.parent_path().string(), path_.string(), error.message());
    }
  }
  connection_ = std::make_unique<sqlite::Connection>(
      path_.string(), sqlite::LockRetryPolicy{options.busy_timeout, options.max_lock_attempts});
  configure_connection();
  apply_migrations();
}

SqliteMetadataStore::~SqliteMetadataStore() = default;

void SqliteMetadataStore::configure_connection() {
  std::lock_guard lock(mutex_);
  // The first statement is the first read of the file: a non-database fails here, as
  // Corruption. Switching to WAL needs a moment's exclusive lock, so it retries like a write.
  const std::string journal_mode = connection_->retry_while_busy([&] {
    auto pragma = connection_->statement("PRAGMA journal_mode=WAL");
    return pragma.step() ? pragma.column_text(0) : std::string();
  });
  if (journal_mode != "wal") {
    throw invalid_input(
        "metadata database {} cannot use WAL mode (SQLite kept journal mode '{}'): keep the "
        "database on a local file system",
        path_.string(), journal_mode);
  }
  connection_->retry_while_busy([&] {
    connection_->exec("PRAGMA synchronous=NORMAL");
    connection_->exec("PRAGMA foreign_keys=ON");
  });
}

int SqliteMetadataStore::read_schema_version() const {
  {
    auto exists = connection_->statement(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists.step() || exists.column_int64(0) == 0) return 0;
  }
  auto version = connection_->statement("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  version.step();
  const std::int64_t value = version.column_int64(0);
  if (value > std::numeric_limits<int>::max()) {
    throw corruption("metadata database {} records schema version {}, which no gogooku3 writes",
                     path_.string(), value);
  }
  return static_cast<int>(value);
}

void SqliteMetadataStore::apply_migrations() {
  std::lock_guard lock(mutex_);
  // Up to date is the common case and needs no write lock.
  const int version = connection_->retry_while_busy([&] { return read_schema_version(); });
  if (pending_migrations(version, path_.string()).empty()) return;

  // One transaction per migration, re-reading the version inside it: another process opening
  // the same file may have applied some in the meantime.
  bool applied = true;
  while (applied) {
    applied = connection_->write_transaction([&] {
      connection_->exec(kSchemaMigrationsTableSql);
      const auto pending = pending_migrations(read_schema_version(), path_.string());
      if (pending.empty()) return false;
      const Migration& migration = pending.front();
      connection_->exec(migration_sql(migration, SqlDialect::kSqlite));
      connection_
          ->statement(
              "INSERT INTO schema_migrations (version, description, applied_at)"
              " VALUES (?1, ?2, ?3)")
          .bind_int64(1, migration.version)
          .bind_text(2, migration.description)
          .bind_int64(3, now())
          .run();
      return true;
    });
  }
}

template <typename Body>
auto SqliteMetadataStore::write(Body&& body) {
  std::lock_guard lock(mutex_);
  return connection_->write_transaction(std::forward<Body>(body));
}

template <typename Body>
auto SqliteMetadataStore::read(Body&& body) const {
  std::lock_guard lock(mutex_);
  return connection_->retry_while_busy(std::forward<Body>(body));
}

TimestampMs SqliteMetadataStore::now() const { return clock_ ? clock_() : now_utc_ms(); }

int SqliteMetadataStore::schema_version() const {
  return read([&] { return read_schema_version(); });
}

std::vector<std::pair<std::string, std::int64_t>> SqliteMetadataStore::row_counts() const {
  return read([&] {
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (const std::string_view table : kMetadataTables) {
      // Table names come from the constant list above, never from a caller.
      auto count = connection_->statement(fmt::format("SELECT COUNT(*) FROM {}", table));
      count.step();
      counts.emplace_back(std::string(table), count.column_int64(0));
    }
    return counts;
  });
}

// --- Runs ------------------------------------------------------------------------------------

RunRecord SqliteMetadataStore::create_run(const RunRecord& run) {
  RunRecord stored = metadata_rules::run_to_create(run, now());

  write([&] {
    // Checked here rather than left to the constraints, for messages that name the run.
    {
      auto existing = connection_->statement("SELECT 1 FROM runs WHERE run_id = ?1");
      if (existing.bind_text(1, stored.run_id).step()) {
        throw invalid_input("create_run: run '{}' already exists in metadata database {}",
                            stored.run_id, path_.string());
      }
    }
    if (stored.parent_run_id) {
      auto parent = connection_->statement("SELECT 1 FROM runs WHERE run_id = ?1");
      if (!parent.bind_text(1, *stored.parent_run_id).step()) {
        throw invalid_input(
            "create_run: parent run '{}' of run '{}' does not exist in metadata database {}",
            *stored.parent_run_id, stored.run_id, path_.string());
      }
    }
    connection_
        ->statement(
            "INSERT INTO runs (run_id, job, status, partition_key, params, parent_run_id,"
            " created_at, started_at, ended_at, pid, host)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind_text(1, stored.run_id)
        .bind_text(2, stored.job)
        .bind_text(3, run_status_name(stored.status))
        .bind_text(4, stored.partition_key)
        .bind_text(5, stored.params_json)
        .bind_optional_text(6, stored.parent_run_id)
        .bind_int64(7, stored.created_at_ms)
        .bind_optional_int64(8, stored.started_at_ms)
        .bind_optional_int64(9, stored.ended_at_ms)
        .bind_int64(10, stored.pid)
        .bind_text(11, stored.host)
        .run();
  });
  return stored;
}

void SqliteMetadataStore::set_run_status(std::string_view run_id, RunStatus status,
                                         TimestampMs at_ms) {
  const TimestampMs at = or_now(at_ms);
  write([&] {
    std::optional<RunStatus> current;
    {
      auto select = connection_->statement("SELECT status FROM runs WHERE run_id = ?1");
      if (select.bind_text(1, run_id).step()) {
        const std::string name = select.column_text(0);
        current = stored_enum(parse_run_status(name), "runs.status", name, path_.string());
      }
    }
    if (!current) {
      throw not_found("set_run_status: run '{}' does not exist in metadata database {}", run_id,
                      path_.string());
    }
    if (*current == status) return;
    if (is_terminal(*current)) {
      throw invalid_input(
          "set_run_status: run '{}' already {} and cannot become {}; re-execute it as a new run "
          "with it as parent",
          run_id, run_status_name(*current), run_status_name(status));
    }
    if (status == RunStatus::kRunning) {
      connection_
          ->statement(
              "UPDATE runs SET status = ?2, started_at = COALESCE(started_at, ?3)"
              " WHERE run_id = ?1")
          .bind_text(1, run_id)
          .bind_text(2, run_status_name(status))
          .bind_int64(3, at)
          .run();
    } else if (is_terminal(status)) {
      connection_->statement("UPDATE runs SET status = ?2, ended_at = ?3 WHERE run_id = ?1")
          .bind_text(1, run_id)
          .bind_text(2, run_status_name(status))
          .bind_int64(3, at)
          .run();
    } else {
      connection_->statement("UPDATE runs SET status = ?2 WHERE run_id = ?1")
          .bind_text(1, run_id)
          .bind_text(2, run_status_name(status))
          .run();
    }
  });
}

std::optional<RunRecord> SqliteMetadataStore::get_run(std::string_view run_id) const {
  return read([&]() -> std::optional<RunRecord> {
    auto select = connection_->statement(std::string(kSelectRun) + " WHERE run_id = ?1");
    if (!select.bind_text(1, run_id).step()) return std::nullopt;
    return run_from_row(select, path_);
  });
}

std::vector<RunRecord> SqliteMetadataStore::list_runs(const RunFilter& filter) const {
  const std::int64_t limit = metadata_rules::positive_limit(filter.limit, "list_runs");
  // The SQL varies only by which fixed conditions are present (at most 8 shapes, each cached);
  // the values are always bound.
  std::string sql = std::string(kSelectRun) + " WHERE 1 = 1";
  int next_parameter = 1;
  if (filter.job) sql += fmt::format(" AND job = ?{}", next_parameter++);
  if (filter.status) sql += fmt::format(" AND status = ?{}", next_parameter++);
  if (filter.partition_key) sql += fmt::format(" AND partition_key = ?{}", next_parameter++);
  sql += fmt::format(" ORDER BY created_at DESC, run_id DESC LIMIT ?{}", next_parameter);

  return read([&] {
    auto select = connection_->statement(sql);
    int parameter = 1;
    if (filter.job) select.bind_text(parameter++, *filter.job);
    if (filter.status) select.bind_text(parameter++, run_status_name(*filter.status));
    if (filter.partition_key) select.bind_text(parameter++, *filter.partition_key);
    select.bind_int64(parameter, limit);
    std::vector<RunRecord> runs;
    while (select.step()) runs.push_back(run_from_row(select, path_));
    return runs;
  });
}

// --- Events ----------------------------------------------------------------------------------

void SqliteMetadataStore::insert_event(const Event& event) {
  connection_
      ->statement(
          "INSERT INTO events (run_id, occurred_at, kind, asset, partition_key, message, payload)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_text(1, event.run_id)
      .bind_int64(2, or_now(event.occurred_at_ms))
      .bind_text(3, event_kind_name(event.kind))
      .bind_text(4, event.asset)
      .bind_text(5, event.partition_key)
      .bind_text(6, event.message)
      .bind_text(7, event.payload_json)
      .run();
}

std::int64_t SqliteMetadataStore::append_event(const Event& event) {
  metadata_rules::validate_event(event);
  return write([&] {
    insert_event(event);
    return connection_->last_insert_rowid();
  });
}

std::vector<std::int64_t> SqliteMetadataStore::append_events(std::span<const Event> events) {
  for (const Event& event : events) metadata_rules::validate_event(event);
  if (events.empty()) return {};
  return write([&] {
    std::vector<std::int64_t> ids;
    ids.reserve(events.size());
    for (const Event& event : events) {
      insert_event(event);
      ids.push_back(connection_->last_insert_rowid());
    }
    return ids;
  });
}

std::vector<Event> SqliteMetadataStore::events_for_run(std::string_view run_id) const {
  return read([&] {
    auto select =
        connection_->statement(std::string(kSelectEvent) + " WHERE run_id = ?1 ORDER BY id");
    select.bind_text(1, run_id);
    std::vector<Event> events;
    while (select.step()) events.push_back(event_from_row(select, path_));
    return events;
  });
}

std::vector<Event> SqliteMetadataStore::events_after(const EventCursor& cursor) const {
  const std::int64_t limit = metadata_rules::positive_limit(cursor.limit, "events_after");
  return read([&] {
    // SQLite assigns ids under the single write lock, so ids commit in increasing order and a
    // reader that remembers the last id it saw never skips an event.
    auto select =
        cursor.run_id
            ? connection_->statement(std::string(kSelectEvent) +
                                     " WHERE run_id = ?3 AND id > ?1 ORDER BY id LIMIT ?2")
            : connection_->statement(std::string(kSelectEvent) +
                                     " WHERE id > ?1 ORDER BY id LIMIT ?2");
    select.bind_int64(1, cursor.after_id).bind_int64(2, limit);
    if (cursor.run_id) select.bind_text(3, *cursor.run_id);
    std::vector<Event> events;
    while (select.step()) events.push_back(event_from_row(select, path_));
    return events;
  });
}

// --- Partition status ------------------------------------------------------------------------

void SqliteMetadataStore::insert_partition_status(const PartitionStatus& status) {
  // ON CONFLICT ... DO UPDATE is spelled the same in PostgreSQL; INSERT OR REPLACE is not, and
  // would also delete and re-insert the row.
  connection_
      ->statement(
          "INSERT INTO partition_status (asset, partition_key, status, run_id, row_count,"
          " byte_count, checksum, updated_at, failed_tickers)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
          " ON CONFLICT (asset, partition_key) DO UPDATE SET status = excluded.status,"
          " run_id = excluded.run_id, row_count = excluded.row_count,"
          " byte_count = excluded.byte_count, checksum = excluded.checksum,"
          " updated_at = excluded.updated_at, failed_tickers = excluded.failed_tickers")
      .bind_text(1, status.asset)
      .bind_text(2, status.partition_key)
      .bind_text(3, partition_state_name(status.state))
      .bind_optional_text(4, status.run_id)
      .bind_int64(5, status.row_count)
      .bind_int64(6, status.byte_count)
      .bind_text(7, status.checksum)
      .bind_int64(8, or_now(status.updated_at_ms))
      .bind_text(9, metadata_rules::encode_tickers(status.failed_tickers))
      .run();
}

void SqliteMetadataStore::upsert_partition_status(const PartitionStatus& status) {
  metadata_rules::validate_partition_status(status);
  write([&] { insert_partition_status(status); });
}

void SqliteMetadataStore::upsert_partition_statuses(std::span<const PartitionStatus> statuses) {
  for (const PartitionStatus& status : statuses) {
    metadata_rules::validate_partition_status(status);
  }
  if (statuses.empty()) return;
  write([&] {
    for (const PartitionStatus& status : statuses) insert_partition_status(status);
  });
}

std::optional<PartitionStatus> SqliteMetadataStore::get_partition_status(
    std::string_view asset, std::string_view partition_key) const {
  return read([&]() -> std::optional<PartitionStatus> {
    auto select = connection_->statement(std::string(kSelectPartitionStatus) +
                                         " WHERE asset = ?1 AND partition_key = ?2");
    if (!select.bind_text(1, asset).bind_text(2, partition_key).step()) return std::nullopt;
    return partition_status_from_row(select, path_);
  });
}

std::vector<PartitionStatus> SqliteMetadataStore::partition_statuses(
    std::string_view asset, std::string_view from_partition, std::string_view to_partition) const {
  return read([&] {
    // One range of the primary key (asset, partition_key), already in the order asked for.
    auto select =
        connection_->statement(std::string(kSelectPartitionStatus) +
                               " WHERE asset = ?1 AND partition_key >= ?2 AND partition_key <= ?3"
                               " ORDER BY partition_key");
    select.bind_text(1, asset).bind_text(2, from_partition).bind_text(3, to_partition);
    std::vector<PartitionStatus> statuses;
    while (select.step()) statuses.push_back(partition_status_from_row(select, path_));
    return statuses;
  });
}

// --- Checks ----------------------------------------------------------------------------------

std::int64_t SqliteMetadataStore::record_check(const CheckResult& check) {
  metadata_rules::validate_check(check);
  return write([&] {
    connection_
        ->statement(
            "INSERT INTO checks (run_id, asset, partition_key, check_name, severity, passed,"
            " message, metadata, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind_text(1, check.run_id)
        .bind_text(2, check.asset)
        .bind_text(3, check.partition_key)
        .bind_text(4, check.check_name)
        .bind_text(5, check_severity_name(check.severity))
        .bind_int64(6, check.passed ? 1 : 0)
        .bind_text(7, check.message)
        .bind_text(8, check.metadata_json)
        .bind_int64(9, or_now(check.checked_at_ms))
        .run();
    return connection_->last_insert_rowid();
  });
}

std::vector<CheckResult> SqliteMetadataStore::checks_for(std::string_view asset,
                                                         std::string_view partition_key) const {
  return read([&] {
    auto select = connection_->statement(std::string(kSelectCheck) +
                                         " WHERE asset = ?1 AND partition_key = ?2 ORDER BY id");
    select.bind_text(1, asset).bind_text(2, partition_key);
    std::vector<CheckResult> checks;
    while (select.step()) checks.push_back(check_from_row(select, path_));
    return checks;
  });
}

// --- Leases ----------------------------------------------------------------------------------

bool SqliteMetadataStore::try_acquire_lease(std::string_view key, std::string_view owner_run_id,
                                            std::int64_t pid, std::string_view host,
                                            std::chrono::milliseconds ttl) {
  metadata_rules::validate_lease_request(key, owner_run_id, ttl, "try_acquire_lease");
  metadata_rules::validate_lease_holder(key, pid, host);

  // Read, decide and write under one write lock: between two processes that both see an
  // expired lease, the second to get the lock sees the first one's fresh lease and backs off.
  return write([&] {
    const TimestampMs now_ms = now();
    const TimestampMs expires_at = now_ms + ttl.count();
    std::optional<Lease> holder;
    {
      auto select = connection_->statement(
          "SELECT owner_run_id, pid, host, expires_at FROM leases WHERE lease_key = ?1");
      if (select.bind_text(1, key).step()) {
        holder = Lease{.key = std::string(key),
                       .owner_run_id = select.column_text(0),
                       .pid = select.column_int64(1),
                       .host = select.column_text(2),
                       .expires_at_ms = select.column_int64(3)};
      }
    }
    if (!holder) {
      connection_
          ->statement(
              "INSERT INTO leases (lease_key, owner_run_id, pid, host, acquired_at, renewed_at,"
              " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)")
          .bind_text(1, key)
          .bind_text(2, owner_run_id)
          .bind_int64(3, pid)
          .bind_text(4, host)
          .bind_int64(5, now_ms)
          .bind_int64(6, expires_at)
          .run();
      return true;
    }
    if (holder->owner_run_id == owner_run_id) {
      connection_
          ->statement(
              "UPDATE leases SET pid = ?2, host = ?3, renewed_at = ?4, expires_at = ?5"
              " WHERE lease_key = ?1")
          .bind_text(1, key)
          .bind_int64(2, pid)
          .bind_text(3, host)
          .bind_int64(4, now_ms)
          .bind_int64(5, expires_at)
          .run();
      return true;
    }
    if (!metadata_rules::lease_may_be_taken_over(*holder, host, now_ms)) return false;
    connection_
        ->statement(
            "UPDATE leases SET owner_run_id = ?2, pid = ?3, host = ?4, acquired_at = ?5,"
            " renewed_at = ?5, expires_at = ?6 WHERE lease_key = ?1")
        .bind_text(1, key)
        .bind_text(2, owner_run_id)
        .bind_int64(3, pid)
        .bind_text(4, host)
        .bind_int64(5, now_ms)
        .bind_int64(6, expires_at)
        .run();
    return true;
  });
}

bool SqliteMetadataStore::renew_lease(std::string_view key, std::string_view owner_run_id,
                                      std::chrono::milliseconds ttl) {
  metadata_rules::validate_lease_request(key, owner_run_id, ttl, "renew_lease");
  return write([&] {
    const TimestampMs now_ms = now();
    connection_
        ->statement(
            "UPDATE leases SET renewed_at = ?3, expires_at = ?4"
            " WHERE lease_key = ?1 AND owner_run_id = ?2")
        .bind_text(1, key)
        .bind_text(2, owner_run_id)
        .bind_int64(3, now_ms)
        .bind_int64(4, now_ms + ttl.count())
        .run();
    return connection_->changes() == 1;
  });
}

bool SqliteMetadataStore::release_lease(std::string_view key, std::string_view owner_run_id) {
  return write([&] {
    connection_->statement("DELETE FROM leases WHERE lease_key = ?1 AND owner_run_id = ?2")
        .bind_text(1, key)
        .bind_text(2, owner_run_id)
        .run();
    return connection_->changes() == 1;
  });
}

std::optional<Lease> SqliteMetadataStore::get_lease(std::string_view key) const {
  return read([&]() -> std::optional<Lease> {
    auto select = connection_->statement(
        "SELECT lease_key, owner_run_id, pid, host, acquired_at, renewed_at, expires_at"
        " FROM leases WHERE lease_key = ?1");
    if (!select.bind_text(1, key).step()) return std::nullopt;
    return Lease{.key = select.column_text(0),
                 .owner_run_id = select.column_text(1),
                 .pid = select.column_int64(2),
                 .host = select.column_text(3),
                 .acquired_at_ms = select.column_int64(4),
                 .renewed_at_ms = select.column_int64(5),
                 .expires_at_ms = select.column_int64(6)};
  });
}

}  // namespace gogooku3::storage
