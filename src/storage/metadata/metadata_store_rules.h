// The parts of MetadataStore's contract that do not depend on the database, written once so
// that every backend (SQLite, PostgreSQL) validates, fills in and decodes exactly alike: the
// same arguments are refused with the same message, a new run gets the same defaults, a lease
// is taken over under the same rule, and a stored value this binary cannot read is the same
// Corruption.
//
// `database` arguments name the database in messages (a file path, or a PostgreSQL URL without
// its password). Everything here is a pure function: safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "storage/metadata/metadata_store.h"

namespace gogooku3::storage::metadata_rules {

// InvalidInput "<operation>: <what> must not be empty".
void require_nonempty(std::string_view value, std::string_view what, std::string_view operation);
// InvalidInput quoting the start of `text` when it is not JSON.
void require_json(std::string_view text, std::string_view what, std::string_view operation);
// The limit as a SQL LIMIT value; InvalidInput when it is 0.
std::int64_t positive_limit(std::size_t limit, std::string_view operation);

// create_run's checks, and the run as it is stored: run_id and created_at_ms filled in when
// empty/0 (with `now_ms`), started_at_ms for a run created running, ended_at_ms for one created
// finished.
RunRecord run_to_create(const RunRecord& run, TimestampMs now_ms);
void validate_event(const Event& event);
void validate_partition_status(const PartitionStatus& status);
void validate_check(const CheckResult& check);
void validate_lease_request(std::string_view key, std::string_view owner_run_id,
                            std::chrono::milliseconds ttl, std::string_view operation);
// try_acquire_lease's extra checks: a host and a positive pid.
void validate_lease_holder(std::string_view key, std::int64_t pid, std::string_view host);

// Whether a caller on `host` may take `holder`'s lease at `now_ms` (the caller is not the
// holder): the lease expired, or its process is gone from the caller's host. A pid means
// something only on the host that issued it.
bool lease_may_be_taken_over(const Lease& holder, std::string_view host, TimestampMs now_ms);

// A stored name this binary does not know means a newer gogooku3 wrote the row (or someone
// edited the database by hand): either way the row cannot be represented, so it is Corruption.
template <typename Enum>
Enum stored_enum(std::optional<Enum> parsed, std::string_view column, std::string_view text,
                 std::string_view database) {
  if (!parsed) {
    throw corruption(
        "metadata database {}: column {} holds '{}', which this gogooku3 does not know; a newer "
        "gogooku3 may have written it",
        database, column, text);
  }
  return *parsed;
}

// partition_status.failed_tickers is a JSON array of strings; anything else is Corruption
// naming the row (`owner`'s asset and partition key).
std::string encode_tickers(const std::vector<std::string>& tickers);
std::vector<std::string> decode_tickers(const std::string& text, const PartitionStatus& owner,
                                        std::string_view database);

}  // namespace gogooku3::storage::metadata_rules
