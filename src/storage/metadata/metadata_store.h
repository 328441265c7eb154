// MetadataStore: the orchestrator's memory — runs, the event log, per-partition status, check
// results and cross-process leases — behind one interface with two backends (SQLite, the
// embedded default, in sqlite_metadata_store.h; PostgreSQL in postgres_metadata_store.h), one
// schema (migrations.h), and one set of contract tests (tests/storage/metadata/*_contract.h).
// What is the same in every backend by construction lives in metadata_store_rules.h.
//
// The structs here are plain values: the store copies them in and hands fresh copies out, and
// nothing returned aliases the store. Field names say their unit; every timestamp is UTC
// milliseconds since the Unix epoch (TimestampMs), and a timestamp of 0 in something handed to
// the store means "now by the store's clock", so callers rarely need a clock of their own and
// tests can inject one. JSON-valued fields (params, payloads, check metadata) are JSON text that
// the store validates but does not interpret: their shape belongs to the orchestrator.
// Members without another default are written `{}` so that designated initializers
// (`store.list_runs({.job = "daily"})`) may leave them out without -Wextra complaining.
//
// Partition keys are text ("2026-09-24", "2026-09-24|7203") compared byte-wise, so date keys
// in ISO form sort in date order and a range of dates is a range of keys.
//
// Thread safety: every implementation is safe to call from many threads at once. Separate
// processes each open their own store on the same database; a store opened before fork() is
// not used in the child.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gogooku3::storage {

using TimestampMs = std::int64_t;

// Wall-clock UTC now, in milliseconds since the Unix epoch.
TimestampMs now_utc_ms();

// A new run id: a ULID (26 Crockford base-32 characters; 48 bits of milliseconds, 80 random).
// Ids sort by now_ms, and ids one process makes in the same millisecond sort in the order it
// made them; processes forked from one parent do not repeat each other's ids.
std::string new_run_id(TimestampMs now_ms);

// ---------------------------------------------------------------------------------------------
// Runs: one execution of a job (a whole daily pipeline, a backfill, one step launched alone).

enum class RunStatus { kQueued, kRunning, kSucceeded, kFailed, kCanceled };

std::string_view run_status_name(RunStatus status);  // "queued", "running", ... as stored
std::optional<RunStatus> parse_run_status(std::string_view name);
// Succeeded, failed and canceled runs are history: their status no longer changes.
bool is_terminal(RunStatus status);

// Not called Run: inside every GoogleTest fixture the inherited Test::Run() would hide it.
struct RunRecord {
  std::string run_id{};  // empty in create_run: the store makes one (new_run_id)
  std::string job{};
  RunStatus status = RunStatus::kQueued;
  std::string partition_key{};                 // empty for an unpartitioned run
  std::string params_json = "{}";              // the launch parameters, as the launcher wrote them
  std::optional<std::string> parent_run_id{};  // the failed run this one re-executes
  TimestampMs created_at_ms = 0;
  std::optional<TimestampMs> started_at_ms{};  // first time it was set running
  std::optional<TimestampMs> ended_at_ms{};    // when it reached a terminal status
  std::int64_t pid = 0;                        // of the launching process
  std::string host{};

  bool operator==(const RunRecord&) const = default;
};

struct RunFilter {
  std::optional<std::string> job{};
  std::optional<RunStatus> status{};
  std::optional<std::string> partition_key{};
  std::size_t limit = 100;  // must be positive
};

// ---------------------------------------------------------------------------------------------
// Events: the append-only log a run leaves behind; the UI and `--from-failure` read it back.

enum class EventKind {
  kRunStart,
  kRunEnd,
  kStepStart,
  kStepSuccess,
  kStepFailure,
  kMaterialization,
  kCheck,
  kRetry,
  kTickerFailure,
  kLog,
};

std::string_view event_kind_name(EventKind kind);  // "run_start", "step_failure", ...
std::optional<EventKind> parse_event_kind(std::string_view name);

struct Event {
  std::int64_t id = 0;   // assigned by the store; increases in commit order
  std::string run_id{};  // must name an existing run
  TimestampMs occurred_at_ms = 0;
  EventKind kind = EventKind::kLog;
  std::string asset{};          // empty for run-level events
  std::string partition_key{};  // empty when not about one partition
  std::string message{};
  std::string payload_json = "{}";  // rows, bytes, checksum, duration, error category, ...

  bool operator==(const Event&) const = default;
};

// A tail of the log: the events after the last id a reader has seen.
struct EventCursor {
  std::int64_t after_id = 0;            // exclusive
  std::optional<std::string> run_id{};  // all runs when empty
  std::size_t limit = 1000;             // must be positive
};

// ---------------------------------------------------------------------------------------------
// Partition status: one row per (asset, partition), overwritten by each materialization, so
// showing 2,500 days of an asset reads 2,500 rows however many tickers and retries there were.

enum class PartitionState { kMaterialized, kFailed, kMissing, kStale };

std::string_view partition_state_name(PartitionState state);
std::optional<PartitionState> parse_partition_state(std::string_view name);

struct PartitionStatus {
  std::string asset{};
  std::string partition_key{};
  PartitionState state = PartitionState::kMissing;
  std::optional<std::string> run_id{};  // the run that last wrote it; must exist when set
  std::int64_t row_count = 0;
  std::int64_t byte_count = 0;
  std::string checksum{};
  TimestampMs updated_at_ms = 0;
  // Tickers that failed inside an otherwise published partition, to be retried alone.
  std::vector<std::string> failed_tickers{};

  bool operator==(const PartitionStatus&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Checks: the outcome of one data-quality check of one partition in one run.

enum class CheckSeverity { kBlocking, kWarning };

std::string_view check_severity_name(CheckSeverity severity);
std::optional<CheckSeverity> parse_check_severity(std::string_view name);

struct CheckResult {
  std::int64_t id = 0;   // assigned by the store
  std::string run_id{};  // must name an existing run
  std::string asset{};
  std::string partition_key{};
  std::string check_name{};
  CheckSeverity severity = CheckSeverity::kBlocking;
  bool passed = false;
  std::string message{};
  std::string metadata_json = "{}";
  TimestampMs checked_at_ms = 0;

  bool operator==(const CheckResult&) const = default;
};

// ---------------------------------------------------------------------------------------------
// Leases: at most one holder per key ("job:daily", "asset:prices|2026-09-24") across every
// process using the database. A holder keeps its lease by renewing it before it expires; a lease
// whose holder stopped renewing, or whose holder process is gone from this host, can be taken.

struct Lease {
  std::string key{};
  std::string owner_run_id{};
  std::int64_t pid = 0;
  std::string host{};
  TimestampMs acquired_at_ms = 0;
  TimestampMs renewed_at_ms = 0;
  TimestampMs expires_at_ms = 0;

  bool operator==(const Lease&) const = default;
};

// ---------------------------------------------------------------------------------------------

// The tables of the schema, in the order people read about them.
inline constexpr std::string_view kMetadataTables[] = {"runs", "events", "partition_status",
                                                       "checks", "leases"};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // The schema version the database is at (the newest migration applied).
  virtual int schema_version() const = 0;
  // How many rows each table holds, in kMetadataTables order: what `gogooku3 db info` shows.
  virtual std::vector<std::pair<std::string, std::int64_t>> row_counts() const = 0;

  // Runs. create_run fills in run_id and created_at_ms when empty/0 and returns what was stored;
  // a run created as running gets started_at_ms = created_at_ms. A run_id already present is
  // InvalidInput, as is a parent_run_id that names no run.
  virtual RunRecord create_run(const RunRecord& run) = 0;
  // Moves a run to `status` at `at_ms` (0 = now): running records started_at_ms once, a terminal
  // status records ended_at_ms. Setting a terminal run to another status is InvalidInput (a
  // finished run is history; re-execution creates a new run with parent_run_id); setting the
  // status it already has is a no-op. An unknown run_id is NotFound.
  virtual void set_run_status(std::string_view run_id, RunStatus status, TimestampMs at_ms) = 0;
  virtual std::optional<RunRecord> get_run(std::string_view run_id) const = 0;
  // Newest first (created_at_ms, then run_id, descending).
  virtual std::vector<RunRecord> list_runs(const RunFilter& filter) const = 0;

  // Events. Each returns the ids assigned; a batch is one transaction (all or none).
  virtual std::int64_t append_event(const Event& event) = 0;
  virtual std::vector<std::int64_t> append_events(std::span<const Event> events) = 0;
  // In id order, which is the order they were appended.
  virtual std::vector<Event> events_for_run(std::string_view run_id) const = 0;
  virtual std::vector<Event> events_after(const EventCursor& cursor) const = 0;

  // Partition status: insert or replace the row of (asset, partition_key).
  virtual void upsert_partition_status(const PartitionStatus& status) = 0;
  // A batch is one transaction; a backfill records thousands at once.
  virtual void upsert_partition_statuses(std::span<const PartitionStatus> statuses) = 0;
  virtual std::optional<PartitionStatus> get_partition_status(
      std::string_view asset, std::string_view partition_key) const = 0;
  // Rows with from_partition <= partition_key <= to_partition, in key order.
  virtual std::vector<PartitionStatus> partition_statuses(std::string_view asset,
                                                          std::string_view from_partition,
                                                          std::string_view to_partition) const = 0;

  // Checks, returned in the order they were recorded.
  virtual std::int64_t record_check(const CheckResult& check) = 0;
  virtual std::vector<CheckResult> checks_for(std::string_view asset,
                                              std::string_view partition_key) const = 0;

  // Leases. try_acquire_lease is atomic across processes and returns whether the caller holds
  // `key` afterwards: it does when the key was free, already the caller's (the expiry is then
  // extended), expired, or held by a process on the caller's host that no longer exists.
  virtual bool try_acquire_lease(std::string_view key, std::string_view owner_run_id,
                                 std::int64_t pid, std::string_view host,
                                 std::chrono::milliseconds ttl) = 0;
  // Extends the caller's lease to now + ttl; false when the caller no longer holds it (it was
  // released or taken over), in which case the caller must stop the work the lease guards.
  virtual bool renew_lease(std::string_view key, std::string_view owner_run_id,
                           std::chrono::milliseconds ttl) = 0;
  // Frees the caller's lease; false when the caller did not hold it.
  virtual bool release_lease(std::string_view key, std::string_view owner_run_id) = 0;
  virtual std::optional<Lease> get_lease(std::string_view key) const = 0;
};

}  // namespace gogooku3::storage
