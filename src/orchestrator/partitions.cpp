#include "orchestrator/partitions.h"

#include <fmt/ranges.h>

#include <algorithm>

#include "core/error.h"

namespace gogooku3::orchestrator {
namespace {

// The last business day of the Monday-to-Sunday week containing `day`, or nullopt when the
// whole week is closed (New Year weeks can be).
std::optional<Date> week_key_day(const TradingCalendar& calendar, Date day) {
  const Date monday = day - static_cast<int32_t>(day.weekday());
  for (Date candidate = monday + 6; candidate >= monday; candidate = candidate - 1) {
    if (calendar.is_business_day(candidate)) return candidate;
  }
  return std::nullopt;
}

std::optional<Date> parse_key_date(std::string_view key) {
  if (key.size() != 10) return std::nullopt;
  try {
    return Date::parse(key);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

std::string_view partition_kind_name(PartitionKind kind) {
  switch (kind) {
    case PartitionKind::kNone:
      return "none";
    case PartitionKind::kBusinessDays:
      return "business_days";
    case PartitionKind::kWeekly:
      return "weekly";
    case PartitionKind::kStatic:
      return "static";
  }
  return "?";
}

PartitionsDef PartitionsDef::none() { return {}; }

PartitionsDef PartitionsDef::business_days(std::shared_ptr<const TradingCalendar> calendar) {
  PartitionsDef def;
  def.kind_ = PartitionKind::kBusinessDays;
  def.calendar_ = std::move(calendar);
  return def;
}

PartitionsDef PartitionsDef::weekly(std::shared_ptr<const TradingCalendar> calendar) {
  PartitionsDef def;
  def.kind_ = PartitionKind::kWeekly;
  def.calendar_ = std::move(calendar);
  return def;
}

PartitionsDef PartitionsDef::static_keys(std::vector<std::string> keys) {
  PartitionsDef def;
  def.kind_ = PartitionKind::kStatic;
  std::ranges::sort(keys);
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  def.static_keys_ = std::move(keys);
  return def;
}

bool PartitionsDef::is_dated() const {
  return kind_ == PartitionKind::kBusinessDays || kind_ == PartitionKind::kWeekly;
}

const TradingCalendar& PartitionsDef::calendar() const {
  if (!calendar_)
    throw internal_error("{} partitions have no calendar", partition_kind_name(kind_));
  return *calendar_;
}

std::vector<std::string> PartitionsDef::keys(Date from, Date to) const {
  std::vector<std::string> keys;
  switch (kind_) {
    case PartitionKind::kNone:
      keys.emplace_back();
      break;
    case PartitionKind::kStatic:
      keys = static_keys_;
      break;
    case PartitionKind::kBusinessDays:
      for (const Date day : calendar_->business_days(from, to)) keys.push_back(day.to_string());
      break;
    case PartitionKind::kWeekly:
      for (const Date day : calendar_->business_days(from, to)) {
        const std::optional<Date> week = week_key_day(*calendar_, day);
        if (week && *week == day) keys.push_back(day.to_string());
      }
      break;
  }
  return keys;
}

void PartitionsDef::require_valid(std::string_view key, std::string_view asset) const {
  switch (kind_) {
    case PartitionKind::kNone:
      if (!key.empty()) {
        throw invalid_input("asset {} is not partitioned; give no partition (got '{}')", asset,
                            key);
      }
      return;
    case PartitionKind::kStatic:
      if (!std::ranges::binary_search(static_keys_, std::string(key))) {
        throw invalid_input("asset {} has no partition '{}'; its partitions are {}", asset, key,
                            fmt::join(static_keys_, ", "));
      }
      return;
    case PartitionKind::kBusinessDays:
    case PartitionKind::kWeekly: {
      const std::optional<Date> day = parse_key_date(key);
      if (!day) {
        throw invalid_input("asset {}: partition '{}' is not a date; give YYYY-MM-DD", asset, key);
      }
      if (!calendar_->is_business_day(*day)) {
        throw invalid_input("asset {}: {} is not a TSE business day ({}); pick a business day",
                            asset, key, calendar_->describe(*day).reason);
      }
      if (kind_ == PartitionKind::kWeekly && week_key_day(*calendar_, *day) != day) {
        throw invalid_input(
            "asset {} is weekly: {} is not the last business day of its week ({}); use that day",
            asset, key, week_key_day(*calendar_, *day)->to_string());
      }
      return;
    }
  }
}

std::optional<std::string> PartitionsDef::key_containing(Date day) const {
  switch (kind_) {
    case PartitionKind::kNone:
      return std::string();
    case PartitionKind::kStatic:
      return std::nullopt;
    case PartitionKind::kBusinessDays:
      if (!calendar_->is_business_day(day)) return std::nullopt;
      return day.to_string();
    case PartitionKind::kWeekly: {
      const std::optional<Date> week = week_key_day(*calendar_, day);
      if (!week) return std::nullopt;
      return week->to_string();
    }
  }
  return std::nullopt;
}

Date PartitionsDef::shift(std::string_view key, int n) const {
  const std::optional<Date> day = parse_key_date(key);
  if (!day || !is_dated()) throw internal_error("partition '{}' is not a dated key", key);
  return calendar_->add_business_days(*day, -n);
}

std::vector<std::string> upstream_keys(const Dependency& dependency,
                                       const PartitionsDef& downstream,
                                       std::string_view downstream_key,
                                       const PartitionsDef& upstream) {
  if (dependency.mapping == MappingKind::kLatest) return {};
  if (upstream.kind() == PartitionKind::kNone) return {std::string()};
  if (upstream.kind() == PartitionKind::kStatic) {
    // A static upstream maps key to key when the downstream shares its keys, else all of them.
    if (downstream.kind() == PartitionKind::kStatic) return {std::string(downstream_key)};
    return upstream.keys(Date(0), Date(0));
  }
  if (!downstream.is_dated()) {
    throw invalid_input("a {} asset cannot depend on a dated asset ({}) except through 'latest'",
                        partition_kind_name(downstream.kind()), dependency.asset);
  }
  const std::optional<Date> day = parse_key_date(downstream_key);
  if (!day) throw internal_error("partition '{}' is not a dated key", downstream_key);
  std::vector<std::string> keys;
  switch (dependency.mapping) {
    case MappingKind::kSameDay:
      if (auto key = upstream.key_containing(*day)) keys.push_back(std::move(*key));
      break;
    case MappingKind::kPrevious: {
      const Date previous = downstream.calendar().previous_business_day(*day);
      if (auto key = upstream.key_containing(previous)) keys.push_back(std::move(*key));
      break;
    }
    case MappingKind::kTrailingWindow: {
      const Date first = downstream.calendar().add_business_days(*day, -(dependency.window - 1));
      keys = upstream.keys(first, *day);
      break;
    }
    case MappingKind::kLatest:
      break;
  }
  return keys;
}

}  // namespace gogooku3::orchestrator
