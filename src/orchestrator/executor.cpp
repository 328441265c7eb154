#include "orchestrator/executor.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/process.h"

namespace gogooku3::orchestrator {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string lease_key_of(const std::string& asset, const std::string& partition) {
  return partition.empty() ? "asset:" + asset : "asset:" + asset + "|" + partition;
}

// Leases this run holds, renewed in the background; losing one cancels the run.
class LeaseKeeper {
 public:
  LeaseKeeper(storage::MetadataStore& store, std::string run_id, std::chrono::milliseconds ttl,
              CancelToken& internal)
      : store_(store), run_id_(std::move(run_id)), ttl_(ttl), internal_(internal), thread_([this] {
          loop();
        }) {}
  ~LeaseKeeper() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wakeup_.notify_all();
    thread_.join();
  }
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // All or none of `keys`; on refusal names the holder.
  std::optional<storage::Lease> acquire(const std::vector<std::string>& keys) {
    std::vector<std::string> taken;
    for (const std::string& key : keys) {
      if (!store_.try_acquire_lease(key, run_id_, getpid(), this_host(), ttl_)) {
        for (const std::string& done : taken) store_.release_lease(done, run_id_);
        std::optional<storage::Lease> holder = store_.get_lease(key);
        if (!holder) holder = storage::Lease{.key = key};
        return holder;
      }
      taken.push_back(key);
    }
    const std::lock_guard lock(mutex_);
    held_.insert(keys.begin(), keys.end());
    return std::nullopt;
  }

  // Renews a lease taken before the keeper existed (the run's job lease).
  void adopt(const std::string& key) {
    const std::lock_guard lock(mutex_);
    held_.insert(key);
  }

  void release(const std::vector<std::string>& keys) {
    {
      const std::lock_guard lock(mutex_);
      for (const std::string& key : keys) held_.erase(key);
    }
    for (const std::string& key : keys) store_.release_lease(key, run_id_);
  }

 private:
  void loop() {
    auto next_renewal = Clock::now() + ttl_ / 3;
    std::unique_lock lock(mutex_);
    while (!stop_) {
      wakeup_.wait_until(lock, next_renewal);
      if (stop_) break;
      if (Clock::now() < next_renewal) continue;
      next_renewal = Clock::now() + ttl_ / 3;
      for (const std::string& key : held_) {
        if (!store_.renew_lease(key, run_id_, ttl_)) {
          spdlog::error("run {} lost its lease {} to another process; canceling", run_id_, key);
          internal_.cancel();
        }
      }
    }
  }

  storage::MetadataStore& store_;
  std::string run_id_;
  std::chrono::milliseconds ttl_;
  CancelToken& internal_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  std::set<std::string> held_;
  bool stop_ = false;
  std::thread thread_;
};

struct Node {
  std::vector<std::size_t> dependents;
  std::size_t pending = 0;
  // Same-day upstream partitions outside the plan: must be materialized already.
  std::vector<std::pair<std::string, std::string>> required;
  bool started = false;
};

// The step graph: edges from the dependency mappings, restricted to the plan's steps.
std::vector<Node> build_graph(const Definitions& definitions, const RunPlan& plan) {
  std::map<std::pair<std::string, std::string>, std::size_t> step_of;
  std::map<std::string, std::vector<std::size_t>> steps_of_asset;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    for (const std::string& key : plan.steps[i].partitions) {
      step_of[{plan.steps[i].asset, key}] = i;
    }
    steps_of_asset[plan.steps[i].asset].push_back(i);
  }
  std::vector<Node> nodes(plan.steps.size());
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    const AssetDef& asset = definitions.asset(step.asset);
    std::set<std::size_t> upstream;
    std::set<std::pair<std::string, std::string>> required;
    for (const Dependency& dependency : asset.deps) {
      const AssetDef& upstream_asset = definitions.asset(dependency.asset);
      if (dependency.mapping == MappingKind::kLatest) {
        for (const std::size_t j : steps_of_asset[dependency.asset]) upstream.insert(j);
        continue;
      }
      for (const std::string& key : step.partitions) {
        for (const std::string& upstream_key :
             upstream_keys(dependency, asset.partitions, key, upstream_asset.partitions)) {
          const auto it = step_of.find({dependency.asset, upstream_key});
          if (it != step_of.end()) {
            upstream.insert(it->second);
          } else if (dependency.mapping == MappingKind::kSameDay) {
            required.emplace(dependency.asset, upstream_key);
          }
        }
      }
    }
    upstream.erase(i);
    for (const std::size_t j : upstream) {
      if (j > i) {
        throw internal_error("step {} is planned before its upstream step {}", step.label(),
                             plan.steps[j].label());
      }
      nodes[j].dependents.push_back(i);
    }
    nodes[i].pending = upstream.size();
    nodes[i].required.assign(required.begin(), required.end());
  }
  return nodes;
}

class RunExecution {
 public:
  RunExecution(const Definitions& definitions, const RunPlan& plan, storage::MetadataStore& store,
               const ExecutorOptions& options, std::string run_id)
      : definitions_(definitions),
        plan_(plan),
        store_(store),
        options_(options),
        run_id_(std::move(run_id)),
        nodes_(build_graph(definitions, plan)),
        reports_(plan.steps.size()) {
    for (std::size_t i = 0; i < plan.steps.size(); ++i) reports_[i].step = plan.steps[i];
    progress_.steps_total = plan.steps.size();
    progress_.partitions_total = plan.partition_count();
  }

  std::vector<StepReport> run(LeaseKeeper& leases, CancelToken& cancel) {
    leases_ = &leases;
    cancel_ = &cancel;
    started_ = Clock::now();
    const int threads =
        std::max(1, std::min<int>(options_.threads, static_cast<int>(plan_.steps.size())));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([this] { work(); });
    for (std::thread& worker : workers) worker.join();
    return std::move(reports_);
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      std::optional<std::size_t> next;
      changed_.wait(lock, [&] {
        if (finished_ == plan_.steps.size() || cancel_->canceled()) return true;
        next = pick();
        return next.has_value();
      });
      if (!next) {
        changed_.notify_all();
        return;
      }
      const std::size_t index = *next;
      nodes_[index].started = true;
      const std::string& pool = definitions_.asset(plan_.steps[index].asset).pool;
      ++running_in_pool_[pool];
      lock.unlock();
      StepReport report = run_step(index);
      lock.lock();
      --running_in_pool_[pool];
      finish(index, std::move(report));
      changed_.notify_all();
    }
  }

  // The lowest-numbered ready step whose pool has room.
  std::optional<std::size_t> pick() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].started || nodes_[i].pending > 0) continue;
      const std::string& pool = definitions_.asset(plan_.steps[i].asset).pool;
      const auto limit = options_.pool_limits.find(pool);
      if (!pool.empty() && limit != options_.pool_limits.end() &&
          running_in_pool_[pool] >= limit->second) {
        continue;
      }
      return i;
    }
    return std::nullopt;
  }

  // Under the lock.
  void finish(std::size_t index, StepReport report) {
    reports_[index] = std::move(report);
    ++finished_;
    const StepReport& done = reports_[index];
    if (done.outcome == StepOutcome::kSucceeded) {
      progress_.partitions_done += done.step.partitions.size();
      for (const std::size_t dependent : nodes_[index].dependents) --nodes_[dependent].pending;
    } else {
      skip_dependents(index);
    }
    progress_.steps_finished = finished_;
    progress_.elapsed_seconds = seconds_since(started_);
    progress_.last_step = done.step.label();
    if (progress_.partitions_done > 0) {
      progress_.eta_seconds =
          progress_.elapsed_seconds / static_cast<double>(progress_.partitions_done) *
          static_cast<double>(progress_.partitions_total -
                              std::min(progress_.partitions_total, progress_.partitions_done));
    }
    log_event(storage::EventKind::kLog, "", "",
              fmt::format("progress {}/{} steps: {} {}", finished_, plan_.steps.size(),
                          done.step.label(), step_outcome_name(done.outcome)),
              json{{"steps_finished", finished_},
                   {"steps_total", plan_.steps.size()},
                   {"partitions_done", progress_.partitions_done},
                   {"partitions_total", progress_.partitions_total},
                   {"eta_seconds", progress_.eta_seconds.value_or(-1)}});
    if (options_.on_progress) options_.on_progress(progress_);
  }

  void skip_dependents(std::size_t index) {
    std::vector<std::size_t> stack = nodes_[index].dependents;
    while (!stack.empty()) {
      const std::size_t dependent = stack.back();
      stack.pop_back();
      if (nodes_[dependent].started) continue;
      nodes_[dependent].started = true;
      reports_[dependent].outcome = StepOutcome::kSkipped;
      reports_[dependent].error = "upstream " + plan_.steps[index].label() + " did not succeed";
      ++finished_;
      const Step& step = plan_.steps[dependent];
      log_event(storage::EventKind::kLog, step.asset, step.partitions.front(),
                "skipped: " + reports_[dependent].error, json{{"skipped", true}});
      stack.insert(stack.end(), nodes_[dependent].dependents.begin(),
                   nodes_[dependent].dependents.end());
    }
  }

  void log_event(storage::EventKind kind, const std::string& asset, const std::string& partition,
                 std::string message, const json& payload) {
    store_.append_event({.run_id = run_id_,
                         .kind = kind,
                         .asset = asset,
                         .partition_key = partition,
                         .message = std::move(message),
                         .payload_json = payload.dump()});
  }

  void sleep_for(std::chrono::milliseconds delay) {
    if (options_.sleep) {
      options_.sleep(delay);
    } else {
      cancel_->wait_for(delay);
    }
  }

  struct Attempt {
    std::vector<Materialization> materializations;
    std::vector<TickerFailure> ticker_failures;
    std::vector<StepContext::ReportedCheck> checks;
  };

  // One call of compute, leases held; throws what compute throws.
  Attempt attempt_once(const AssetDef& asset, const std::vector<std::string>& partitions,
                       const std::vector<std::string>& tickers, int attempt) {
    std::vector<std::string> keys;
    for (const std::string& partition : partitions) {
      keys.push_back(lease_key_of(asset.name, partition));
    }
    if (const std::optional<storage::Lease> holder = leases_->acquire(keys)) {
      throw transient("{} {} is being materialized by run {} (pid {} on {}); retry when it ends",
                      asset.name, partitions.front(), holder->owner_run_id, holder->pid,
                      holder->host);
    }
    std::optional<Clock::time_point> deadline;
    if (asset.timeout.count() > 0) deadline = Clock::now() + asset.timeout;
    StepContext context(run_id_, asset.name, partitions, tickers, attempt, cancel_, deadline);
    try {
      asset.compute(context);
    } catch (const StepCanceled& canceled) {
      leases_->release(keys);
      if (!canceled.timed_out) throw;
      throw transient(
          "{} {} ran past its timeout of {} s and stopped; nothing after the "
          "timeout was published",
          asset.name, partitions.front(), static_cast<double>(asset.timeout.count()) / 1000.0);
    } catch (...) {
      leases_->release(keys);
      throw;
    }
    leases_->release(keys);
    if (deadline && Clock::now() > *deadline) {
      // It finished without reaching a checkpoint after the deadline: what it published is
      // whole, so it counts; the timeout is worth raising or the asset worth a checkpoint.
      spdlog::warn("{} {} finished after its timeout of {} s", asset.name, partitions.front(),
                   static_cast<double>(asset.timeout.count()) / 1000.0);
    }
    for (const std::string& partition : partitions) {
      const bool reported = std::ranges::any_of(
          context.materializations(),
          [&](const Materialization& m) { return m.partition_key == partition; });
      if (!reported) {
        throw internal_error("asset {} returned without reporting partition '{}'", asset.name,
                             partition);
      }
    }
    return {context.materializations(), context.ticker_failures(), context.reported_checks()};
  }

  void check_required_upstream(std::size_t index) const {
    for (const auto& [upstream, key] : nodes_[index].required) {
      const std::optional<storage::PartitionStatus> status =
          store_.get_partition_status(upstream, key);
      if (!status || status->state != storage::PartitionState::kMaterialized) {
        throw not_found(
            "{} needs {} {}, which is not materialized; run `gogooku3 materialize {} --date {}` "
            "first (or include it in the run)",
            plan_.steps[index].label(), upstream, key, upstream, key);
      }
    }
  }

  StepReport run_step(std::size_t index) {
    const Step& step = plan_.steps[index];
    const AssetDef& asset = definitions_.asset(step.asset);
    StepReport report;
    report.step = step;
    const auto step_started = Clock::now();
    const std::string first = step.partitions.front();
    int retries = 0;
    Attempt result;
    while (true) {
      ++report.attempts;
      log_event(storage::EventKind::kStepStart, step.asset, first,
                fmt::format("{} attempt {}", step.label(), report.attempts),
                json{{"attempt", report.attempts},
                     {"partitions", step.partitions},
                     {"tickers", step.tickers}});
      try {
        if (cancel_->canceled()) throw StepCanceled{false};
        check_required_upstream(index);
        result = attempt_once(asset, step.partitions, step.tickers, report.attempts);
        break;
      } catch (const StepCanceled&) {
        report.outcome = StepOutcome::kCanceled;
        report.error = "canceled";
        report.seconds = seconds_since(step_started);
        log_event(storage::EventKind::kStepFailure, step.asset, first,
                  step.label() + " canceled; nothing of it was published after the cancel",
                  json{{"canceled", true}, {"first_partition", first}});
        return report;
      } catch (const Error& error) {
        if (asset.retry.should_retry(error.category(), retries) && !cancel_->canceled()) {
          ++retries;
          const auto delay =
              asset.retry.delay_before(retries, std::hash<std::string>{}(run_id_ + step.label()));
          log_event(storage::EventKind::kRetry, step.asset, first,
                    fmt::format("{} failed ({}: {}); retry {} of {} in {} ms", step.label(),
                                category_name(error.category()), error.what(), retries,
                                asset.retry.max_retries, delay.count()),
                    json{{"attempt", report.attempts},
                         {"category", category_name(error.category())},
                         {"delay_ms", delay.count()}});
          sleep_for(delay);
          continue;
        }
        return fail(report, step, step_started, error.category(), error.what());
      } catch (const std::exception& error) {
        return fail(report, step, step_started, ErrorCategory::kInternal, error.what());
      }
    }
    retry_failed_tickers(asset, step, result, retries, report);
    return publish(asset, step, std::move(result), step_started, std::move(report));
  }

  // Re-runs compute for the tickers that failed transiently, alone, until they succeed or the
  // policy gives up; merges what the retries report into `result`.
  void retry_failed_tickers(const AssetDef& asset, const Step& step, Attempt& result, int& retries,
                            StepReport& report) {
    while (true) {
      std::set<std::string> partitions;
      std::set<std::string> tickers;
      for (const TickerFailure& failure : result.ticker_failures) {
        if (asset.retry.should_retry(failure.category, retries)) {
          partitions.insert(failure.partition_key);
          tickers.insert(failure.ticker);
        }
      }
      if (tickers.empty() || cancel_->canceled()) return;
      ++retries;
      const auto delay =
          asset.retry.delay_before(retries, std::hash<std::string>{}(run_id_ + step.label()));
      log_event(storage::EventKind::kRetry, step.asset, *partitions.begin(),
                fmt::format("{}: retrying tickers {} in {} ms", step.label(),
                            fmt::join(tickers, ","), delay.count()),
                json{{"tickers", tickers}, {"delay_ms", delay.count()}});
      sleep_for(delay);
      ++report.attempts;
      Attempt again;
      try {
        again = attempt_once(asset, {partitions.begin(), partitions.end()},
                             {tickers.begin(), tickers.end()}, report.attempts);
      } catch (const Error& error) {
        // The retry as a whole failed: the tickers stay failed with this error.
        for (TickerFailure& failure : result.ticker_failures) {
          if (tickers.contains(failure.ticker)) {
            failure.category = error.category();
            failure.message = error.what();
          }
        }
        continue;
      } catch (const StepCanceled&) {
        return;
      }
      std::erase_if(result.ticker_failures, [&](const TickerFailure& failure) {
        return partitions.contains(failure.partition_key) && tickers.contains(failure.ticker);
      });
      for (Materialization& m : again.materializations) {
        std::erase_if(result.materializations, [&](const Materialization& old) {
          return old.partition_key == m.partition_key;
        });
        result.materializations.push_back(std::move(m));
      }
      for (TickerFailure& failure : again.ticker_failures) {
        result.ticker_failures.push_back(std::move(failure));
      }
      for (auto& check : again.checks) result.checks.push_back(std::move(check));
    }
  }

  StepReport fail(StepReport& report, const Step& step, Clock::time_point started,
                  ErrorCategory category, const std::string& message) {
    report.outcome = StepOutcome::kFailed;
    report.error_category = category;
    report.error = message;
    report.seconds = seconds_since(started);
    std::vector<storage::PartitionStatus> statuses;
    for (const std::string& key : step.partitions) {
      storage::PartitionStatus status;
      if (auto previous = store_.get_partition_status(step.asset, key)) status = *previous;
      status.asset = step.asset;
      status.partition_key = key;
      status.state = storage::PartitionState::kFailed;
      status.run_id = run_id_;
      status.updated_at_ms = 0;
      statuses.push_back(std::move(status));
    }
    store_.upsert_partition_statuses(statuses);
    log_event(
        storage::EventKind::kStepFailure, step.asset, step.partitions.front(),
        fmt::format("{} failed after {} attempt(s): {}", step.label(), report.attempts, message),
        json{{"category", category_name(category)},
             {"attempts", report.attempts},
             {"duration_ms", static_cast<std::int64_t>(report.seconds * 1000)},
             {"first_partition", step.partitions.front()}});
    spdlog::error("{} failed ({}): {}", step.label(), category_name(category), message);
    return std::move(report);
  }

  StepReport publish(const AssetDef& asset, const Step& step, Attempt result,
                     Clock::time_point started, StepReport report) {
    std::map<std::string, std::vector<const TickerFailure*>> failures_by_key;
    for (const TickerFailure& failure : result.ticker_failures) {
      failures_by_key[failure.partition_key].push_back(&failure);
    }
    std::vector<storage::PartitionStatus> statuses;
    std::optional<std::string> blocking_failure;
    for (const Materialization& m : result.materializations) {
      report.rows += m.rows;
      report.bytes += m.bytes;
      json payload = {{"rows", m.rows}, {"bytes", m.bytes}, {"checksum", m.checksum}};
      try {
        payload["metadata"] = json::parse(m.metadata_json);
      } catch (const json::exception&) {
        throw internal_error("asset {} reported metadata that is not JSON", asset.name);
      }
      log_event(storage::EventKind::kMaterialization, step.asset, m.partition_key,
                fmt::format("{} {}: {} rows", step.asset, m.partition_key, m.rows), payload);

      std::set<std::string> failed;
      if (!step.tickers.empty()) {
        // A re-run of some tickers: the others keep whatever state they had.
        if (auto previous = store_.get_partition_status(step.asset, m.partition_key)) {
          failed.insert(previous->failed_tickers.begin(), previous->failed_tickers.end());
        }
        for (const std::string& ticker : step.tickers) failed.erase(ticker);
      }
      for (const TickerFailure* failure : failures_by_key[m.partition_key]) {
        failed.insert(failure->ticker);
        report.failed_tickers.push_back(
            fmt::format("{}|{}: {}", m.partition_key, failure->ticker, failure->message));
        log_event(
            storage::EventKind::kTickerFailure, step.asset, m.partition_key,
            fmt::format("{} {} ticker {}: {}", step.asset, m.partition_key, failure->ticker,
                        failure->message),
            json{{"ticker", failure->ticker}, {"category", category_name(failure->category)}});
      }
      statuses.push_back({.asset = step.asset,
                          .partition_key = m.partition_key,
                          .state = storage::PartitionState::kMaterialized,
                          .run_id = run_id_,
                          .row_count = m.rows,
                          .byte_count = m.bytes,
                          .checksum = m.checksum,
                          .updated_at_ms = 0,
                          .failed_tickers = {failed.begin(), failed.end()}});
      for (const AssetCheck& check : asset.checks) {
        CheckOutcome outcome;
        try {
          outcome = check.evaluate(m);
        } catch (const std::exception& error) {
          outcome = {false, fmt::format("the check itself failed: {}", error.what())};
        }
        result.checks.push_back({m.partition_key, check.name, check.severity, outcome});
      }
    }
    store_.upsert_partition_statuses(statuses);
    for (const StepContext::ReportedCheck& check : result.checks) {
      store_.record_check({.run_id = run_id_,
                           .asset = step.asset,
                           .partition_key = check.partition_key,
                           .check_name = check.name,
                           .severity = check.severity,
                           .passed = check.outcome.passed,
                           .message = check.outcome.message,
                           .metadata_json = check.outcome.metadata_json});
      log_event(storage::EventKind::kCheck, step.asset, check.partition_key,
                fmt::format("check {} {}: {}", check.name,
                            check.outcome.passed ? "passed" : "FAILED", check.outcome.message),
                json{{"check", check.name},
                     {"passed", check.outcome.passed},
                     {"severity", storage::check_severity_name(check.severity)}});
      if (!check.outcome.passed && check.severity == storage::CheckSeverity::kBlocking &&
          !blocking_failure) {
        blocking_failure = fmt::format("blocking check {} failed on {}: {}", check.name,
                                       check.partition_key, check.outcome.message);
      }
    }
    if (blocking_failure) {
      return fail(report, step, started, ErrorCategory::kInvalidInput, *blocking_failure);
    }
    report.outcome = StepOutcome::kSucceeded;
    report.seconds = seconds_since(started);
    log_event(
        storage::EventKind::kStepSuccess, step.asset, step.partitions.front(),
        fmt::format("{} succeeded: {} rows in {:.2f} s", step.label(), report.rows, report.seconds),
        json{{"rows", report.rows},
             {"bytes", report.bytes},
             {"attempts", report.attempts},
             {"duration_ms", static_cast<std::int64_t>(report.seconds * 1000)},
             {"first_partition", step.partitions.front()},
             {"failed_tickers", report.failed_tickers.size()}});
    return report;
  }

  const Definitions& definitions_;
  const RunPlan& plan_;
  storage::MetadataStore& store_;
  const ExecutorOptions& options_;
  std::string run_id_;
  std::vector<Node> nodes_;
  std::vector<StepReport> reports_;
  LeaseKeeper* leases_ = nullptr;
  CancelToken* cancel_ = nullptr;
  Clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t finished_ = 0;
  std::map<std::string, int> running_in_pool_;
  Progress progress_;
};

}  // namespace

std::string_view step_outcome_name(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kSucceeded:
      return "succeeded";
    case StepOutcome::kFailed:
      return "failed";
    case StepOutcome::kSkipped:
      return "skipped";
    case StepOutcome::kCanceled:
      return "canceled";
    case StepOutcome::kNotRun:
      return "not run";
  }
  return "?";
}

std::size_t RunReport::count(StepOutcome outcome) const {
  return static_cast<std::size_t>(
      std::ranges::count_if(steps, [&](const StepReport& s) { return s.outcome == outcome; }));
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

RunReport execute(const Definitions& definitions, const RunPlan& plan,
                  storage::MetadataStore& store, const ExecutorOptions& options) {
  const auto started = Clock::now();
  RunReport report;
  const std::string run_id = storage::new_run_id(storage::now_utc_ms());
  const std::string job_lease = "job:" + options.job + "|" + options.partition_key;
  if (!store.try_acquire_lease(job_lease, run_id, getpid(), this_host(), options.lease_ttl)) {
    report.blocked_by = store.get_lease(job_lease);
    if (!report.blocked_by) report.blocked_by = storage::Lease{.key = job_lease};
    return report;
  }
  json params;
  try {
    params = json::parse(options.params_json);
  } catch (const json::exception&) {
    store.release_lease(job_lease, run_id);
    throw internal_error("executor: params_json is not JSON");
  }
  params["plan"] = json::parse(plan.to_json());
  report.run = store.create_run({.run_id = run_id,
                                 .job = options.job,
                                 .status = storage::RunStatus::kRunning,
                                 .partition_key = options.partition_key,
                                 .params_json = params.dump(),
                                 .parent_run_id = options.parent_run_id,
                                 .pid = getpid(),
                                 .host = this_host()});
  store.append_event(
      {.run_id = run_id,
       .kind = storage::EventKind::kRunStart,
       .message = fmt::format("{} {}: {} steps, {} partitions", options.job, options.partition_key,
                              plan.steps.size(), plan.partition_count()),
       .payload_json = json{{"steps", plan.steps.size()}}.dump()});
  CancelToken internal(options.cancel);
  storage::RunStatus status = storage::RunStatus::kFailed;
  std::string failure;
  try {
    LeaseKeeper leases(store, run_id, options.lease_ttl, internal);
    leases.adopt(job_lease);
    RunExecution execution(definitions, plan, store, options, run_id);
    report.steps = execution.run(leases, internal);
    const bool all_succeeded = std::ranges::all_of(
        report.steps, [](const StepReport& s) { return s.outcome == StepOutcome::kSucceeded; });
    if (all_succeeded) {
      status = storage::RunStatus::kSucceeded;
    } else if (internal.canceled()) {
      status = storage::RunStatus::kCanceled;
    }
  } catch (const std::exception& error) {
    failure = error.what();
    spdlog::error("run {} aborted: {}", run_id, failure);
  }
  report.seconds = seconds_since(started);
  store.append_event({.run_id = run_id,
                      .kind = storage::EventKind::kRunEnd,
                      .message = failure.empty()
                                     ? fmt::format("{} in {:.1f} s",
                                                   storage::run_status_name(status), report.seconds)
                                     : "aborted: " + failure,
                      .payload_json = json{{"status", storage::run_status_name(status)},
                                           {"seconds", report.seconds},
                                           {"succeeded", report.count(StepOutcome::kSucceeded)},
                                           {"failed", report.count(StepOutcome::kFailed)},
                                           {"skipped", report.count(StepOutcome::kSkipped)}}
                                          .dump()});
  store.set_run_status(run_id, status, 0);
  store.release_lease(job_lease, run_id);
  report.run = *store.get_run(run_id);
  return report;
}

int reap_abandoned_runs(storage::MetadataStore& store) {
  const std::string host = this_host();
  int reaped = 0;
  for (const storage::RunRecord& run :
       store.list_runs({.status = storage::RunStatus::kRunning, .limit = 1000})) {
    if (run.host != host || run.pid == getpid() || !process_is_gone(run.pid)) continue;
    store.append_event({.run_id = run.run_id,
                        .kind = storage::EventKind::kRunEnd,
                        .message = fmt::format("process {} on {} is gone (killed or crashed); "
                                               "marked failed; `gogooku3 run --from-failure {}` "
                                               "redoes what it did not finish",
                                               run.pid, host, run.run_id),
                        .payload_json = R"({"status":"failed","abandoned":true})"});
    store.set_run_status(run.run_id, storage::RunStatus::kFailed, 0);
    ++reaped;
  }
  return reaped;
}

}  // namespace gogooku3::orchestrator
