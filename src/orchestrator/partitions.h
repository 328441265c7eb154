// Partitions: how an asset's data is cut into independently materialized pieces, and how a
// partition of one asset maps onto the partitions of an asset it depends on.
//
// Kinds (keys are text, compared byte-wise, so ISO dates sort in date order):
//   none           one partition, key ""                       (a model, a calendar snapshot)
//   business_days  one per business day of a TradingCalendar   "2026-11-27"
//   weekly         one per week, keyed by the week's last business day (a Friday, or the day
//                  before a Friday holiday)                     "2026-11-27"
//   static         a fixed list of keys                         "prime", "standard"
//
// Dependency mappings (Dagster's PartitionMapping), from a downstream key to upstream keys:
//   same_day         the same date (or the week that contains it; "" for none)
//   trailing_window  the N business days ending at the date, itself included — history the
//                    step reads when it exists (a lake that starts later just has less)
//   previous         the business day before (a self-dependency: clean prices carry
//                    yesterday's split factors)
//   latest           whatever partition of the upstream is newest when the step runs (a model
//                    that scores every day)
// Only same_day is *required*: its upstream partition must be materialized, in this run or
// before. The others order steps inside a run but do not fail a step when history is absent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/trading_calendar.h"

namespace gogooku3::orchestrator {

enum class PartitionKind { kNone, kBusinessDays, kWeekly, kStatic };

std::string_view partition_kind_name(PartitionKind kind);  // "none", "business_days", ...

class PartitionsDef {
 public:
  static PartitionsDef none();
  static PartitionsDef business_days(std::shared_ptr<const TradingCalendar> calendar);
  static PartitionsDef weekly(std::shared_ptr<const TradingCalendar> calendar);
  static PartitionsDef static_keys(std::vector<std::string> keys);

  PartitionKind kind() const { return kind_; }
  bool is_dated() const;

  // The keys in [from, to] ascending (dated kinds); every key for static; {""} for none.
  std::vector<std::string> keys(Date from, Date to) const;
  // InvalidInput naming the key and what a valid one looks like.
  void require_valid(std::string_view key, std::string_view asset) const;
  // The partition of this kind that contains `day` (same_day mapping): the date itself, its
  // week's key, "" for none. nullopt for a non-business day or a static kind.
  std::optional<std::string> key_containing(Date day) const;
  // The business day `n` business days before the date of `key` (dated kinds).
  Date shift(std::string_view key, int n) const;
  const TradingCalendar& calendar() const;

 private:
  PartitionKind kind_ = PartitionKind::kNone;
  std::shared_ptr<const TradingCalendar> calendar_;
  std::vector<std::string> static_keys_;
};

enum class MappingKind { kSameDay, kTrailingWindow, kPrevious, kLatest };

struct Dependency {
  std::string asset;
  MappingKind mapping = MappingKind::kSameDay;
  int window = 1;  // trailing_window: business days, the partition's own day included

  static Dependency same_day(std::string asset) {
    return {std::move(asset), MappingKind::kSameDay, 1};
  }
  static Dependency trailing_window(std::string asset, int business_days) {
    return {std::move(asset), MappingKind::kTrailingWindow, business_days};
  }
  static Dependency previous(std::string asset) {
    return {std::move(asset), MappingKind::kPrevious, 1};
  }
  static Dependency latest(std::string asset) {
    return {std::move(asset), MappingKind::kLatest, 1};
  }
};

// The upstream keys a downstream partition maps to (empty for latest: decided at run time).
std::vector<std::string> upstream_keys(const Dependency& dependency,
                                       const PartitionsDef& downstream,
                                       std::string_view downstream_key,
                                       const PartitionsDef& upstream);

}  // namespace gogooku3::orchestrator
