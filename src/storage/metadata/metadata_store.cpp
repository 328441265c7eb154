#include "storage/metadata/metadata_store.h"

#include <unistd.h>

#include <array>
#include <mutex>
#include <random>
#include <utility>

namespace gogooku3::storage {
namespace {

// The names are the stored form; renaming one is a schema change.
constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kRunStatusNames{{
    {RunStatus::kQueued, "queued"},
    {RunStatus::kRunning, "running"},
    {RunStatus::kSucceeded, "succeeded"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kCanceled, "canceled"},
}};

constexpr std::array<std::pair<EventKind, std::string_view>, 10> kEventKindNames{{
    {EventKind::kRunStart, "run_start"},
    {EventKind::kRunEnd, "run_end"},
    {EventKind::kStepStart, "step_start"},
    {EventKind::kStepSuccess, "step_success"},
    {EventKind::kStepFailure, "step_failure"},
    {EventKind::kMaterialization, "materialization"},
    {EventKind::kCheck, "check"},
    {EventKind::kRetry, "retry"},
    {EventKind::kTickerFailure, "ticker_failure"},
    {EventKind::kLog, "log"},
}};

constexpr std::array<std::pair<PartitionState, std::string_view>, 4> kPartitionStateNames{{
    {PartitionState::kMaterialized, "materialized"},
    {PartitionState::kFailed, "failed"},
    {PartitionState::kMissing, "missing"},
    {PartitionState::kStale, "stale"},
}};

constexpr std::array<std::pair<CheckSeverity, std::string_view>, 2> kCheckSeverityNames{{
    {CheckSeverity::kBlocking, "blocking"},
    {CheckSeverity::kWarning, "warning"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::pair<Enum, std::string_view>, N>& names,
                               std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

constexpr std::string_view kCrockfordBase32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// The 80 random bits of a ULID, split so that incrementing needs no 128-bit integer.
struct UlidState {
  pid_t pid = 0;
  TimestampMs last_ms = -1;
  std::uint16_t random_high = 0;
  std::uint64_t random_low = 0;
};

}  // namespace

TimestampMs now_utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_run_id(TimestampMs now_ms) {
  static std::mutex mutex;
  static UlidState state;
  std::lock_guard lock(mutex);
  // A forked child inherits the parent's state; reseeding on a new pid keeps two children that
  // start in the same millisecond from issuing the same id.
  if (state.pid != getpid()) {
    state.pid = getpid();
    state.last_ms = -1;
  }
  // Within one millisecond the random part counts up, so ids keep their issue order; a clock
  // that steps back is taken at its word (ids then follow the clock, not the issue order).
  if (now_ms != state.last_ms) {
    std::random_device random;
    state.last_ms = now_ms;
    state.random_high = static_cast<std::uint16_t>(random());
    state.random_low = (static_cast<std::uint64_t>(random()) << 32) | random();
  } else if (++state.random_low == 0 && ++state.random_high == 0) {
    // 2^80 ids in one millisecond: borrow the next millisecond rather than repeat an id.
    ++state.last_ms;
  }

  std::string id(26, '0');
  std::uint64_t time_bits = static_cast<std::uint64_t>(state.last_ms) & ((1ULL << 48) - 1);
  for (int i = 9; i >= 0; --i) {
    id[i] = kCrockfordBase32[time_bits & 31];
    time_bits >>= 5;
  }
  std::uint64_t low = state.random_low;
  std::uint64_t high = state.random_high;
  for (int i = 25; i >= 10; --i) {
    id[i] = kCrockfordBase32[low & 31];
    low = (low >> 5) | ((high & 31) << 59);
    high >>= 5;
  }
  return id;
}

std::string_view run_status_name(RunStatus status) { return name_of(kRunStatusNames, status); }
std::optional<RunStatus> parse_run_status(std::string_view name) {
  return parse_name(kRunStatusNames, name);
}
bool is_terminal(RunStatus status) {
  return status == RunStatus::kSucceeded || status == RunStatus::kFailed ||
         status == RunStatus::kCanceled;
}

std::string_view event_kind_name(EventKind kind) { return name_of(kEventKindNames, kind); }
std::optional<EventKind> parse_event_kind(std::string_view name) {
  return parse_name(kEventKindNames, name);
}

std::string_view partition_state_name(PartitionState state) {
  return name_of(kPartitionStateNames, state);
}
std::optional<PartitionState> parse_partition_state(std::string_view name) {
  return parse_name(kPartitionStateNames, name);
}

std::string_view check_severity_name(CheckSeverity severity) {
  return name_of(kCheckSeverityNames, severity);
}
std::optional<CheckSeverity> parse_check_severity(std::string_view name) {
  return parse_name(kCheckSeverityNames, name);
}

}  // namespace gogooku3::storage
