#include "storage/metadata/metadata_store_rules.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/process.h"

namespace gogooku3::storage::metadata_rules {

void require_nonempty(std::string_view value, std::string_view what, std::string_view operation) {
  if (value.empty()) throw invalid_input("{}: {} must not be empty", operation, what);
}

void require_json(std::string_view text, std::string_view what, std::string_view operation) {
  if (!nlohmann::json::accept(text)) {
    throw invalid_input("{}: {} is not valid JSON: '{}'", operation, what,
                        text.substr(0, std::min<std::size_t>(text.size(), 200)));
  }
}

std::int64_t positive_limit(std::size_t limit, std::string_view operation) {
  if (limit == 0) throw invalid_input("{}: limit must be positive", operation);
  return static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
}

RunRecord run_to_create(const RunRecord& run, TimestampMs now_ms) {
  require_nonempty(run.job, "job", "create_run");
  require_json(run.params_json, "params_json", "create_run");
  if (run.parent_run_id) require_nonempty(*run.parent_run_id, "parent_run_id", "create_run");
  RunRecord stored = run;
  if (stored.created_at_ms == 0) stored.created_at_ms = now_ms;
  if (stored.run_id.empty()) stored.run_id = new_run_id(stored.created_at_ms);
  if (stored.status == RunStatus::kRunning && !stored.started_at_ms) {
    stored.started_at_ms = stored.created_at_ms;
  }
  if (is_terminal(stored.status) && !stored.ended_at_ms) stored.ended_at_ms = stored.created_at_ms;
  return stored;
}

void validate_event(const Event& event) {
  require_nonempty(event.run_id, "run_id", "append_event");
  require_json(event.payload_json, "payload_json", "append_event");
}

void validate_partition_status(const PartitionStatus& status) {
  require_nonempty(status.asset, "asset", "upsert_partition_status");
  require_nonempty(status.partition_key, "partition_key", "upsert_partition_status");
}

void validate_check(const CheckResult& check) {
  require_nonempty(check.run_id, "run_id", "record_check");
  require_nonempty(check.asset, "asset", "record_check");
  require_nonempty(check.check_name, "check_name", "record_check");
  require_json(check.metadata_json, "metadata_json", "record_check");
}

void validate_lease_request(std::string_view key, std::string_view owner_run_id,
                            std::chrono::milliseconds ttl, std::string_view operation) {
  require_nonempty(key, "lease key", operation);
  require_nonempty(owner_run_id, "owner run id", operation);
  if (ttl.count() <= 0) {
    throw invalid_input("{} {}: ttl must be positive, got {} ms", operation, key, ttl.count());
  }
}

void validate_lease_holder(std::string_view key, std::int64_t pid, std::string_view host) {
  require_nonempty(host, "host", "try_acquire_lease");
  if (pid <= 0) throw invalid_input("try_acquire_lease {}: pid must be positive, got {}", key, pid);
}

bool lease_may_be_taken_over(const Lease& holder, std::string_view host, TimestampMs now_ms) {
  const bool expired = holder.expires_at_ms <= now_ms;
  const bool holder_gone = holder.host == host && process_is_gone(holder.pid);
  return expired || holder_gone;
}

std::string encode_tickers(const std::vector<std::string>& tickers) {
  return nlohmann::json(tickers).dump();
}

std::vector<std::string> decode_tickers(const std::string& text, const PartitionStatus& owner,
                                        std::string_view database) {
  const auto damaged = [&] {
    return corruption(
        "metadata database {}: partition_status.failed_tickers of {} {} is not a JSON array of "
        "strings: '{}'",
        database, owner.asset, owner.partition_key, text);
  };
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) throw damaged();
  std::vector<std::string> tickers;
  tickers.reserve(parsed.size());
  for (const auto& ticker : parsed) {
    if (!ticker.is_string()) throw damaged();
    tickers.push_back(ticker.get<std::string>());
  }
  return tickers;
}

}  // namespace gogooku3::storage::metadata_rules
