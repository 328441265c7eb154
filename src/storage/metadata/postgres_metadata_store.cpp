#include "storage/metadata/postgres_metadata_store.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "core/error.h"
#include "storage/metadata/metadata_store_rules.h"
#include "storage/metadata/migrations.h"
#include "storage/metadata/postgres_handle.h"

namespace gogooku3::storage {
namespace {

using metadata_rules::decode_tickers;
using metadata_rules::stored_enum;
using postgres::Params;
using postgres::Result;

// The column lists are spelled out in each query, in this order, so that a row reader and its
// queries can be checked against each other by eye. Booleans come back as 't'/'f'.
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

// Held by whoever migrates, for the rest of its transaction: one key for every gogooku3
// database on the server, since migrating is rare and brief. ("g3migr" in ASCII.)
constexpr std::int64_t kMigrationLockKey = 0x6733'6d69'6772;

RunRecord run_from_row(const Result& rows, int row, std::string_view database) {
  RunRecord run;
  run.run_id = rows.text(row, 0);
  run.job = rows.text(row, 1);
  const std::string status = rows.text(row, 2);
  run.status = stored_enum(parse_run_status(status), "runs.status", status, database);
  run.partition_key = rows.text(row, 3);
  run.params_json = rows.text(row, 4);
  run.parent_run_id = rows.optional_text(row, 5);
  run.created_at_ms = rows.int64(row, 6);
  run.started_at_ms = rows.optional_int64(row, 7);
  run.ended_at_ms = rows.optional_int64(row, 8);
  run.pid = rows.int64(row, 9);
  run.host = rows.text(row, 10);
  return run;
}

Event event_from_row(const Result& rows, int row, std::string_view database) {
  Event event;
  event.id = rows.int64(row, 0);
  event.run_id = rows.text(row, 1);
  event.occurred_at_ms = rows.int64(row, 2);
  const std::string kind = rows.text(row, 3);
  event.kind = stored_enum(parse_event_kind(kind), "events.kind", kind, database);
  event.asset = rows.text(row, 4);
  event.partition_key = rows.text(row, 5);
  event.message = rows.text(row, 6);
  event.payload_json = rows.text(row, 7);
  return event;
}

PartitionStatus partition_status_from_row(const Result& rows, int row, std::string_view database) {
  PartitionStatus status;
  status.asset = rows.text(row, 0);
  status.partition_key = rows.text(row, 1);
  const std::string state = rows.text(row, 2);
  status.state =
      stored_enum(parse_partition_state(state), "partition_status.status", state, database);
  status.run_id = rows.optional_text(row, 3);
  status.row_count = rows.int64(row, 4);
  status.byte_count = rows.int64(row, 5);
  status.checksum = rows.text(row, 6);
  status.updated_at_ms = rows.int64(row, 7);
  status.failed_tickers = decode_tickers(rows.text(row, 8), status, database);
  return status;
}

CheckResult check_from_row(const Result& rows, int row, std::string_view database) {
  CheckResult check;
  check.id = rows.int64(row, 0);
  check.run_id = rows.text(row, 1);
  check.asset = rows.text(row, 2);
  check.partition_key = rows.text(row, 3);
  check.check_name = rows.text(row, 4);
  const std::string severity = rows.text(row, 5);
  check.severity =
      stored_enum(parse_check_severity(severity), "checks.severity", severity, database);
  check.passed = rows.boolean(row, 6);
  check.message = rows.text(row, 7);
  check.metadata_json = rows.text(row, 8);
  check.checked_at_ms = rows.int64(row, 9);
  return check;
}

template <typename Value, typename Reader>
std::vector<Value> all_rows(const Result& rows, std::string_view database, Reader reader) {
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(rows.rows()));
  for (int row = 0; row < rows.rows(); ++row) values.push_back(reader(rows, row, database));
  return values;
}

}  // namespace

// --- Opening ---------------------------------------------------------------------------------

PostgresMetadataStore::PostgresMetadataStore(std::string url, PostgresMetadataStoreOptions options)
    : clock_(std::move(options.clock)) {
  connection_ = std::make_unique<postgres::Connection>(
      std::move(url), postgres::ConnectionOptions{.connect_timeout = options.connect_timeout,
                                                  .max_attempts = options.max_attempts});
  target_ = connection_->target();
  apply_migrations();
}

PostgresMetadataStore::~PostgresMetadataStore() = default;

int PostgresMetadataStore::read_schema_version() const {
  // to_regclass resolves the name through the search_path, as the queries below do.
  if (!connection_->query("SELECT to_regclass('schema_migrations') IS NOT NULL").boolean(0, 0)) {
    return 0;
  }
  const std::int64_t value =
      connection_->query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int64(0, 0);
  if (value > std::numeric_limits<int>::max()) {
    throw corruption("metadata database {} records schema version {}, which no gogooku3 writes",
                     target_, value);
  }
  return static_cast<int>(value);
}

void PostgresMetadataStore::apply_migrations() {
  std::lock_guard lock(mutex_);
  // Up to date is the common case and needs no lock.
  if (pending_migrations(read_schema_version(), target_).empty()) return;

  // One transaction per migration, under the migration lock, re-reading the version inside it:
  // another process opening the same database may have applied some in the meantime. The lock
  // also covers creating schema_migrations, which two sessions cannot do at once even with IF
  // NOT EXISTS.
  bool applied = true;
  while (applied) {
    applied = connection_->transaction([&] {
      connection_->query("SELECT pg_advisory_xact_lock($1)", Params().int64(kMigrationLockKey));
      connection_->exec(kSchemaMigrationsTableSql);
      const auto pending = pending_migrations(read_schema_version(), target_);
      if (pending.empty()) return false;
      const Migration& migration = pending.front();
      connection_->exec(migration_sql(migration, SqlDialect::kPostgres));
      connection_->query(
          "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
          Params().int64(migration.version).text(migration.description).int64(now()));
      return true;
    });
  }
}

template <typename Body>
auto PostgresMetadataStore::write(Body&& body) {
  std::lock_guard lock(mutex_);
  return connection_->transaction(std::forward<Body>(body));
}

template <typename Body>
auto PostgresMetadataStore::read(Body&& body) const {
  std::lock_guard lock(mutex_);
  connection_->reconnect_if_broken();
  return body();
}

TimestampMs PostgresMetadataStore::now() const { return clock_ ? clock_() : now_utc_ms(); }

int PostgresMetadataStore::schema_version() const {
  return read([&] { return read_schema_version(); });
}

std::vector<std::pair<std::string, std::int64_t>> PostgresMetadataStore::row_counts() const {
  // One statement, so the counts come from one snapshot. Table names come from the constant
  // list, never from a caller.
  std::vector<std::string> counts;
  for (const std::string_view table : kMetadataTables) {
    counts.push_back(fmt::format("(SELECT COUNT(*) FROM {})", table));
  }
  const std::string sql = fmt::format("SELECT {}", fmt::join(counts, ", "));
  return read([&] {
    const Result row = connection_->query(sql);
    std::vector<std::pair<std::string, std::int64_t>> table_counts;
    int column = 0;
    for (const std::string_view table : kMetadataTables) {
      table_counts.emplace_back(std::string(table), row.int64(0, column++));
    }
    return table_counts;
  });
}

// --- Runs ------------------------------------------------------------------------------------

RunRecord PostgresMetadataStore::create_run(const RunRecord& run) {
  RunRecord stored = metadata_rules::run_to_create(run, now());
  write([&] {
    // Checked here rather than left to the constraints, for messages that name the run.
    if (connection_->query("SELECT 1 FROM runs WHERE run_id = $1", Params().text(stored.run_id))
            .rows() > 0) {
      throw invalid_input("create_run: run '{}' already exists in metadata database {}",
                          stored.run_id, target_);
    }
    if (stored.parent_run_id && connection_
                                        ->query("SELECT 1 FROM runs WHERE run_id = $1",
                                                Params().text(*stored.parent_run_id))
                                        .rows() == 0) {
      throw invalid_input(
          "create_run: parent run '{}' of run '{}' does not exist in metadata database {}",
          *stored.parent_run_id, stored.run_id, target_);
    }
    connection_->query(
        "INSERT INTO runs (run_id, job, status, partition_key, params, parent_run_id,"
        " created_at, started_at, ended_at, pid, host)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        Params()
            .text(stored.run_id)
            .text(stored.job)
            .text(run_status_name(stored.status))
            .text(stored.partition_key)
            .text(stored.params_json)
            .optional_text(stored.parent_run_id)
            .int64(stored.created_at_ms)
            .optional_int64(stored.started_at_ms)
            .optional_int64(stored.ended_at_ms)
            .int64(stored.pid)
            .text(stored.host));
  });
  return stored;
}

void PostgresMetadataStore::set_run_status(std::string_view run_id, RunStatus status,
                                           TimestampMs at_ms) {
  const TimestampMs at = or_now(at_ms);
  write([&] {
    // FOR UPDATE: the status this decides from is the one it replaces.
    const Result select = connection_->query("SELECT status FROM runs WHERE run_id = $1 FOR UPDATE",
                                             Params().text(run_id));
    if (select.rows() == 0) {
      throw not_found("set_run_status: run '{}' does not exist in metadata database {}", run_id,
                      target_);
    }
    const std::string name = select.text(0, 0);
    const RunStatus current = stored_enum(parse_run_status(name), "runs.status", name, target_);
    if (current == status) return;
    if (is_terminal(current)) {
      throw invalid_input(
          "set_run_status: run '{}' already {} and cannot become {}; re-execute it as a new run "
          "with it as parent",
          run_id, run_status_name(current), run_status_name(status));
    }
    if (status == RunStatus::kRunning) {
      connection_->query(
          "UPDATE runs SET status = $2, started_at = COALESCE(started_at, $3) WHERE run_id = $1",
          Params().text(run_id).text(run_status_name(status)).int64(at));
    } else if (is_terminal(status)) {
      connection_->query("UPDATE runs SET status = $2, ended_at = $3 WHERE run_id = $1",
                         Params().text(run_id).text(run_status_name(status)).int64(at));
    } else {
      connection_->query("UPDATE runs SET status = $2 WHERE run_id = $1",
                         Params().text(run_id).text(run_status_name(status)));
    }
  });
}

std::optional<RunRecord> PostgresMetadataStore::get_run(std::string_view run_id) const {
  return read([&]() -> std::optional<RunRecord> {
    const Result rows =
        connection_->query(std::string(kSelectRun) + " WHERE run_id = $1", Params().text(run_id));
    if (rows.rows() == 0) return std::nullopt;
    return run_from_row(rows, 0, target_);
  });
}

std::vector<RunRecord> PostgresMetadataStore::list_runs(const RunFilter& filter) const {
  const std::int64_t limit = metadata_rules::positive_limit(filter.limit, "list_runs");
  // The SQL varies only by which fixed conditions are present (at most 8 shapes, each prepared
  // once); the values are always parameters.
  std::string sql = std::string(kSelectRun) + " WHERE 1 = 1";
  Params params;
  int next_parameter = 1;
  if (filter.job) {
    sql += fmt::format(" AND job = ${}", next_parameter++);
    params.text(*filter.job);
  }
  if (filter.status) {
    sql += fmt::format(" AND status = ${}", next_parameter++);
    params.text(run_status_name(*filter.status));
  }
  if (filter.partition_key) {
    sql += fmt::format(" AND partition_key = ${}", next_parameter++);
    params.text(*filter.partition_key);
  }
  sql += fmt::format(" ORDER BY created_at DESC, run_id DESC LIMIT ${}", next_parameter);
  params.int64(limit);

  return read(
      [&] { return all_rows<RunRecord>(connection_->query(sql, params), target_, run_from_row); });
}

// --- Events ----------------------------------------------------------------------------------

std::int64_t PostgresMetadataStore::insert_event(const Event& event) {
  return connection_
      ->query(
          "INSERT INTO events (run_id, occurred_at, kind, asset, partition_key, message, payload)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          Params()
              .text(event.run_id)
              .int64(or_now(event.occurred_at_ms))
              .text(event_kind_name(event.kind))
              .text(event.asset)
              .text(event.partition_key)
              .text(event.message)
              .text(event.payload_json))
      .int64(0, 0);
}

std::int64_t PostgresMetadataStore::append_event(const Event& event) {
  metadata_rules::validate_event(event);
  return write([&] {
    // Ids are drawn when a row is inserted, not when it commits: without this lock a reader
    // could see id 8 committed before id 7 and, remembering 8, never see 7.
    connection_->exec("LOCK TABLE events IN EXCLUSIVE MODE");
    return insert_event(event);
  });
}

std::vector<std::int64_t> PostgresMetadataStore::append_events(std::span<const Event> events) {
  for (const Event& event : events) metadata_rules::validate_event(event);
  if (events.empty()) return {};
  return write([&] {
    connection_->exec("LOCK TABLE events IN EXCLUSIVE MODE");  // see append_event
    std::vector<std::int64_t> ids;
    ids.reserve(events.size());
    for (const Event& event : events) ids.push_back(insert_event(event));
    return ids;
  });
}

std::vector<Event> PostgresMetadataStore::events_for_run(std::string_view run_id) const {
  return read([&] {
    return all_rows<Event>(
        connection_->query(std::string(kSelectEvent) + " WHERE run_id = $1 ORDER BY id",
                           Params().text(run_id)),
        target_, event_from_row);
  });
}

std::vector<Event> PostgresMetadataStore::events_after(const EventCursor& cursor) const {
  const std::int64_t limit = metadata_rules::positive_limit(cursor.limit, "events_after");
  return read([&] {
    const Result rows =
        cursor.run_id
            ? connection_->query(
                  std::string(kSelectEvent) + " WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                  Params().text(*cursor.run_id).int64(cursor.after_id).int64(limit))
            : connection_->query(std::string(kSelectEvent) + " WHERE id > $1 ORDER BY id LIMIT $2",
                                 Params().int64(cursor.after_id).int64(limit));
    return all_rows<Event>(rows, target_, event_from_row);
  });
}

// --- Partition status ------------------------------------------------------------------------

void PostgresMetadataStore::insert_partition_status(const PartitionStatus& status) {
  connection_->query(
      "INSERT INTO partition_status (asset, partition_key, status, run_id, row_count,"
      " byte_count, checksum, updated_at, failed_tickers)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
      " ON CONFLICT (asset, partition_key) DO UPDATE SET status = excluded.status,"
      " run_id = excluded.run_id, row_count = excluded.row_count,"
      " byte_count = excluded.byte_count, checksum = excluded.checksum,"
      " updated_at = excluded.updated_at, failed_tickers = excluded.failed_tickers",
      Params()
          .text(status.asset)
          .text(status.partition_key)
          .text(partition_state_name(status.state))
          .optional_text(status.run_id)
          .int64(status.row_count)
          .int64(status.byte_count)
          .text(status.checksum)
          .int64(or_now(status.updated_at_ms))
          .text(metadata_rules::encode_tickers(status.failed_tickers)));
}

void PostgresMetadataStore::upsert_partition_status(const PartitionStatus& status) {
  metadata_rules::validate_partition_status(status);
  write([&] { insert_partition_status(status); });
}

void PostgresMetadataStore::upsert_partition_statuses(std::span<const PartitionStatus> statuses) {
  for (const PartitionStatus& status : statuses) {
    metadata_rules::validate_partition_status(status);
  }
  if (statuses.empty()) return;
  write([&] {
    for (const PartitionStatus& status : statuses) insert_partition_status(status);
  });
}

std::optional<PartitionStatus> PostgresMetadataStore::get_partition_status(
    std::string_view asset, std::string_view partition_key) const {
  return read([&]() -> std::optional<PartitionStatus> {
    const Result rows = connection_->query(
        std::string(kSelectPartitionStatus) + " WHERE asset = $1 AND partition_key = $2",
        Params().text(asset).text(partition_key));
    if (rows.rows() == 0) return std::nullopt;
    return partition_status_from_row(rows, 0, target_);
  });
}

std::vector<PartitionStatus> PostgresMetadataStore::partition_statuses(
    std::string_view asset, std::string_view from_partition, std::string_view to_partition) const {
  return read([&] {
    // One range of the primary key (asset, partition_key), whose "C" collation orders it
    // byte-wise, as SQLite does.
    return all_rows<PartitionStatus>(
        connection_->query(std::string(kSelectPartitionStatus) +
                               " WHERE asset = $1 AND partition_key >= $2 AND partition_key <= $3"
                               " ORDER BY partition_key",
                           Params().text(asset).text(from_partition).text(to_partition)),
        target_, partition_status_from_row);
  });
}

// --- Checks ----------------------------------------------------------------------------------

std::int64_t PostgresMetadataStore::record_check(const CheckResult& check) {
  metadata_rules::validate_check(check);
  return write([&] {
    return connection_
        ->query(
            "INSERT INTO checks (run_id, asset, partition_key, check_name, severity, passed,"
            " message, metadata, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            " RETURNING id",
            Params()
                .text(check.run_id)
                .text(check.asset)
                .text(check.partition_key)
                .text(check.check_name)
                .text(check_severity_name(check.severity))
                .boolean(check.passed)
                .text(check.message)
                .text(check.metadata_json)
                .int64(or_now(check.checked_at_ms)))
        .int64(0, 0);
  });
}

std::vector<CheckResult> PostgresMetadataStore::checks_for(std::string_view asset,
                                                           std::string_view partition_key) const {
  return read([&] {
    return all_rows<CheckResult>(
        connection_->query(
            std::string(kSelectCheck) + " WHERE asset = $1 AND partition_key = $2 ORDER BY id",
            Params().text(asset).text(partition_key)),
        target_, check_from_row);
  });
}

// --- Leases ----------------------------------------------------------------------------------

bool PostgresMetadataStore::try_acquire_lease(std::string_view key, std::string_view owner_run_id,
                                              std::int64_t pid, std::string_view host,
                                              std::chrono::milliseconds ttl) {
  metadata_rules::validate_lease_request(key, owner_run_id, ttl, "try_acquire_lease");
  metadata_rules::validate_lease_holder(key, pid, host);

  return write([&] {
    // Each statement sees what committed before it began (READ COMMITTED), so the loop ends:
    // the row is either absent (the insert takes it) or present (the select locks it), unless
    // its holder released it in between, and then the insert goes again.
    for (;;) {
      TimestampMs now_ms = now();
      const Result inserted = connection_->query(
          "INSERT INTO leases (lease_key, owner_run_id, pid, host, acquired_at, renewed_at,"
          " expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (lease_key) DO NOTHING",
          Params()
              .text(key)
              .text(owner_run_id)
              .int64(pid)
              .text(host)
              .int64(now_ms)
              .int64(now_ms + ttl.count()));
      if (inserted.affected_rows() == 1) return true;

      // The row lock is what makes read-decide-write atomic against other acquirers.
      const Result select = connection_->query(
          "SELECT owner_run_id, pid, host, expires_at FROM leases WHERE lease_key = $1"
          " FOR UPDATE",
          Params().text(key));
      if (select.rows() == 0) continue;
      const Lease holder{.key = std::string(key),
                         .owner_run_id = select.text(0, 0),
                         .pid = select.int64(0, 1),
                         .host = select.text(0, 2),
                         .expires_at_ms = select.int64(0, 3)};
      now_ms = now();  // the lock may have been a wait
      if (holder.owner_run_id == owner_run_id) {
        connection_->query(
            "UPDATE leases SET pid = $2, host = $3, renewed_at = $4, expires_at = $5"
            " WHERE lease_key = $1",
            Params().text(key).int64(pid).text(host).int64(now_ms).int64(now_ms + ttl.count()));
        return true;
      }
      if (!metadata_rules::lease_may_be_taken_over(holder, host, now_ms)) return false;
      connection_->query(
          "UPDATE leases SET owner_run_id = $2, pid = $3, host = $4, acquired_at = $5,"
          " renewed_at = $5, expires_at = $6 WHERE lease_key = $1",
          Params()
              .text(key)
              .text(owner_run_id)
              .int64(pid)
              .text(host)
              .int64(now_ms)
              .int64(now_ms + ttl.count()));
      return true;
    }
  });
}

bool PostgresMetadataStore::renew_lease(std::string_view key, std::string_view owner_run_id,
                                        std::chrono::milliseconds ttl) {
  metadata_rules::validate_lease_request(key, owner_run_id, ttl, "renew_lease");
  return write([&] {
    const TimestampMs now_ms = now();
    return connection_
               ->query(
                   "UPDATE leases SET renewed_at = $3, expires_at = $4"
                   " WHERE lease_key = $1 AND owner_run_id = $2",
                   Params().text(key).text(owner_run_id).int64(now_ms).int64(now_ms + ttl.count()))
               .affected_rows() == 1;
  });
}

bool PostgresMetadataStore::release_lease(std::string_view key, std::string_view owner_run_id) {
  return write([&] {
    return connection_
               ->query("DELETE FROM leases WHERE lease_key = $1 AND owner_run_id = $2",
                       Params().text(key).text(owner_run_id))
               .affected_rows() == 1;
  });
}

std::optional<Lease> PostgresMetadataStore::get_lease(std::string_view key) const {
  return read([&]() -> std::optional<Lease> {
    const Result rows = connection_->query(
        "SELECT lease_key, owner_run_id, pid, host, acquired_at, renewed_at, expires_at"
        " FROM leases WHERE lease_key = $1",
        Params().text(key));
    if (rows.rows() == 0) return std::nullopt;
    return Lease{.key = rows.text(0, 0),
                 .owner_run_id = rows.text(0, 1),
                 .pid = rows.int64(0, 2),
                 .host = rows.text(0, 3),
                 .acquired_at_ms = rows.int64(0, 4),
                 .renewed_at_ms = rows.int64(0, 5),
                 .expires_at_ms = rows.int64(0, 6)};
  });
}

}  // namespace gogooku3::storage
