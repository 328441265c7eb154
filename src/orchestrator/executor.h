// The executor: runs a RunPlan as one run — steps in dependency order on a pool of threads —
// and writes everything that happens to the metadata database.
//
// A run:
//   1. takes the run lease "job:<job>|<partition_key>" (so two `run daily --date D` cannot
//      both run: the second gets RunReport::blocked_by and no run is created), creates the
//      run record with the plan in its params, and sets it running;
//   2. starts each step when every step it depends on has succeeded (edges come from the
//      assets' dependency mappings restricted to the steps of the plan) and its pool has room;
//      the lowest-numbered ready step goes first. A required (same_day) upstream partition
//      outside the plan must already be materialized, or the step fails NotFound naming it;
//   3. per step: takes a lease on each partition, calls compute, retries Transient and
//      RateLimited errors by the asset's RetryPolicy, retries failed tickers alone, records
//      the materializations, partition status (with permanently failed tickers), checks, and
//      events (start, retry, materialization, check, ticker failure, success/failure);
//   4. skips the dependents of a failed step, and on cancellation starts nothing new and lets
//      running steps stop at their next checkpoint;
//   5. ends the run succeeded (every step succeeded; failed tickers do not fail a run — they
//      are listed), failed, or canceled, and releases its leases.
// Leases are renewed by a background thread every third of their TTL; losing one (another
// process took it over) cancels the run.
//
// Partition statuses are written densely: one row per (asset, partition), overwritten.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/cancellation.h"
#include "orchestrator/definitions.h"
#include "orchestrator/run_plan.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::orchestrator {

struct Progress {
  std::size_t steps_total = 0;
  std::size_t steps_finished = 0;  // succeeded, failed or skipped
  std::size_t partitions_total = 0;
  std::size_t partitions_done = 0;  // of succeeded steps
  double elapsed_seconds = 0;
  std::optional<double> eta_seconds{};  // from the pace so far
  std::string last_step{};
};

struct ExecutorOptions {
  std::string job = "adhoc";
  std::string partition_key{};     // the run's partition ("2026-11-27", "2024-01-04..2026-11-27")
  std::string params_json = "{}";  // launcher parameters; the plan is added under "plan"
  std::optional<std::string> parent_run_id{};
  int threads = 4;
  std::map<std::string, int> pool_limits{};  // pool -> concurrent steps (unlisted: no limit)
  const CancelToken* cancel = nullptr;
  std::chrono::milliseconds lease_ttl{std::chrono::minutes(2)};
  // Called after each finished step, from the thread that finished it (serialised).
  std::function<void(const Progress&)> on_progress{};
  // Sleeps before a retry; default: wait on the cancel token. Tests make it instant.
  std::function<void(std::chrono::milliseconds)> sleep{};
};

enum class StepOutcome { kSucceeded, kFailed, kSkipped, kCanceled, kNotRun };
std::string_view step_outcome_name(StepOutcome outcome);

struct StepReport {
  Step step;
  StepOutcome outcome = StepOutcome::kNotRun;
  int attempts = 0;
  double seconds = 0;
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  std::optional<ErrorCategory> error_category{};
  std::string error{};
  std::vector<std::string> failed_tickers{};  // "partition|ticker: message"
};

struct RunReport {
  storage::RunRecord run;
  std::optional<storage::Lease> blocked_by{};  // set when another run holds the job lease
  std::vector<StepReport> steps;
  double seconds = 0;

  std::size_t count(StepOutcome outcome) const;
  bool succeeded() const { return run.status == storage::RunStatus::kSucceeded; }
};

RunReport execute(const Definitions& definitions, const RunPlan& plan,
                  storage::MetadataStore& store, const ExecutorOptions& options);

// Marks runs of this host whose process is gone (a kill -9, a crash) as failed, with an event
// saying so; returns how many. Their leases become free by the same rule (dead pid).
int reap_abandoned_runs(storage::MetadataStore& store);

// This machine's host name, as recorded in runs and leases.
std::string this_host();

}  // namespace gogooku3::orchestrator
