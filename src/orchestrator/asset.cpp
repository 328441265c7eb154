#include "orchestrator/asset.h"

namespace gogooku3::orchestrator {

StepContext::StepContext(std::string run_id, std::string asset, std::vector<std::string> partitions,
                         std::vector<std::string> tickers, int attempt, const CancelToken* cancel,
                         std::optional<std::chrono::steady_clock::time_point> deadline)
    : run_id_(std::move(run_id)),
      asset_(std::move(asset)),
      partitions_(std::move(partitions)),
      tickers_(std::move(tickers)),
      attempt_(attempt),
      cancel_(cancel),
      deadline_(deadline) {}

std::vector<Date> StepContext::dates() const {
  std::vector<Date> dates;
  dates.reserve(partitions_.size());
  for (const std::string& key : partitions_) dates.push_back(Date::parse(key));
  return dates;
}

bool StepContext::canceled() const {
  if (cancel_ != nullptr && cancel_->canceled()) return true;
  return deadline_ && std::chrono::steady_clock::now() > *deadline_;
}

void StepContext::throw_if_canceled() const {
  if (cancel_ != nullptr && cancel_->canceled()) throw StepCanceled{false};
  if (deadline_ && std::chrono::steady_clock::now() > *deadline_) throw StepCanceled{true};
}

void StepContext::materialized(Materialization materialization) {
  materializations_.push_back(std::move(materialization));
}

void StepContext::ticker_failed(TickerFailure failure) {
  ticker_failures_.push_back(std::move(failure));
}

void StepContext::checked(std::string partition_key, std::string check_name,
                          storage::CheckSeverity severity, CheckOutcome outcome) {
  checks_.push_back(
      {std::move(partition_key), std::move(check_name), severity, std::move(outcome)});
}

}  // namespace gogooku3::orchestrator
