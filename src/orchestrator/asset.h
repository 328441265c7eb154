// AssetDef: one piece of data the system keeps up to date, declared in code (Dagster's
// @asset): what it is called, how it is partitioned, what it depends on, how its failures are
// retried, which pool limits its concurrency, which checks guard it, how fresh it must be, and
// the function that materializes it.
//
// The compute function receives a StepContext naming the partitions to materialize (one, or
// a chunk of consecutive ones when the asset allows chunks: a backfill reads a 576-day window
// once per 20 days instead of once per day) and, for per-ticker assets, the tickers to redo
// (empty: all). It reports each partition it published with materialized(), and each ticker
// it could not do with ticker_failed(): the partition is still published for the other
// tickers, the failed ones are retried alone (Transient/RateLimited) or listed in the
// partition's status for `materialize ASSET --date D --tickers ...`. Anything else goes wrong
// by throwing a gogooku3::Error, whose category decides whether the step is retried.
//
// A step stops between partitions when canceled() turns true (Ctrl-C, or the asset's timeout
// passed): throw_if_canceled() is the checkpoint. Timeouts are therefore cooperative — a step
// stuck inside one call is not interrupted, but it never publishes after its deadline.
//
// StepContext is used by the one thread running the step; the executor owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/error.h"
#include "orchestrator/cancellation.h"
#include "orchestrator/partitions.h"
#include "orchestrator/retry_policy.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::orchestrator {

struct Materialization {
  std::string partition_key;
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  std::string checksum{};
  std::string metadata_json = "{}";  // anything the asset wants shown (quarantined rows, ...)
};

struct TickerFailure {
  std::string partition_key;
  std::string ticker;
  ErrorCategory category = ErrorCategory::kInternal;
  std::string message;  // the rule or error, and what to do
};

struct CheckOutcome {
  bool passed = true;
  std::string message{};
  std::string metadata_json = "{}";
};

// A data-quality check the executor runs on each partition the step published. A failing
// blocking check fails the step (downstream steps are skipped); a warning is only recorded.
struct AssetCheck {
  std::string name;
  storage::CheckSeverity severity = storage::CheckSeverity::kBlocking;
  std::string description{};
  std::function<CheckOutcome(const Materialization&)> evaluate;
};

// Thrown by throw_if_canceled(): not an Error, so no retry policy sees it.
struct StepCanceled {
  bool timed_out = false;
};

class StepContext {
 public:
  StepContext(std::string run_id, std::string asset, std::vector<std::string> partitions,
              std::vector<std::string> tickers, int attempt, const CancelToken* cancel,
              std::optional<std::chrono::steady_clock::time_point> deadline);

  const std::string& run_id() const { return run_id_; }
  const std::string& asset() const { return asset_; }
  // Ascending; "" for an unpartitioned asset.
  const std::vector<std::string>& partitions() const { return partitions_; }
  // The partitions as dates (dated assets only).
  std::vector<Date> dates() const;
  // The tickers to redo; empty means every ticker.
  const std::vector<std::string>& tickers() const { return tickers_; }
  int attempt() const { return attempt_; }  // 1 for the first try

  bool canceled() const;
  void throw_if_canceled() const;

  void materialized(Materialization materialization);
  void ticker_failed(TickerFailure failure);
  // A check the compute function evaluated itself (e.g. a contract rule over every row).
  void checked(std::string partition_key, std::string check_name, storage::CheckSeverity severity,
               CheckOutcome outcome);

  struct ReportedCheck {
    std::string partition_key;
    std::string name;
    storage::CheckSeverity severity;
    CheckOutcome outcome;
  };
  const std::vector<Materialization>& materializations() const { return materializations_; }
  const std::vector<TickerFailure>& ticker_failures() const { return ticker_failures_; }
  const std::vector<ReportedCheck>& reported_checks() const { return checks_; }

 private:
  std::string run_id_;
  std::string asset_;
  std::vector<std::string> partitions_;
  std::vector<std::string> tickers_;
  int attempt_;
  const CancelToken* cancel_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::vector<Materialization> materializations_;
  std::vector<TickerFailure> ticker_failures_;
  std::vector<ReportedCheck> checks_;
};

struct AssetDef {
  std::string name;
  std::string description{};
  PartitionsDef partitions = PartitionsDef::none();
  std::vector<Dependency> deps{};
  // Tracks failures per ticker inside each partition (compute honours StepContext::tickers()).
  bool per_ticker = false;
  // How many consecutive partitions one step may materialize (backfills); 1 = one per step.
  int max_chunk = 1;
  RetryPolicy retry{};
  std::chrono::milliseconds timeout{0};  // 0: none
  std::string pool{};                    // concurrency pool ("jquants"); empty: no limit
  std::vector<AssetCheck> checks{};
  // The SLO: day D's partition is materialized within this many minutes of the source
  // publishing D (the scheduler measures it and records a "freshness" check).
  std::optional<int> freshness_minutes{};
  std::function<void(StepContext&)> compute{};
};

}  // namespace gogooku3::orchestrator
