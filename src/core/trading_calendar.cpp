#include "core/trading_calendar.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/japanese_holidays.h"

namespace gogooku3 {
namespace {

constexpr int kDayCount =
    TradingCalendar::kLastSupportedDate - TradingCalendar::kFirstSupportedDate + 1;

// Session close, JST minutes since midnight.
constexpr int kHalfDayCloseMinute = 11 * 60;
constexpr int kCloseMinute = 15 * 60;
constexpr int kExtendedCloseMinute = 15 * 60 + 30;

// The arrowhead system (January 2010) ended the half-day 大納会 and 大発会; TSE moved both to
// full days from 2009-12-30, so the last half-days were 2008-12-30 and 2009-01-05.
constexpr int kLastYearWithHalfDayLastSession = 2008;
constexpr int kLastYearWithHalfDayFirstSession = 2009;

constexpr std::string_view kJQuantsReason = "J-Quants calendar";

Date extended_session_start() { return Date::from_ymd(2024, 11, 5); }
Date arrowhead_outage_date() { return Date::from_ymd(2020, 10, 1); }

std::string supported_range() {
  return fmt::format("{}..{}", TradingCalendar::kFirstSupportedDate.to_string(),
                     TradingCalendar::kLastSupportedDate.to_string());
}

bool in_supported_range(Date date) {
  return date >= TradingCalendar::kFirstSupportedDate &&
         date <= TradingCalendar::kLastSupportedDate;
}

bool is_year_end_closure(Date date) {
  const YearMonthDay ymd = date.ymd();
  return (ymd.month == 12 && ymd.day == 31) || (ymd.month == 1 && ymd.day <= 3);
}

// Weekends first, so that a Saturday holiday reads "Saturday"; a weekday Jan 1 is a national
// holiday before it is part of the year-end closure.
DayStatus rule_status(Date date) {
  if (date.is_weekend()) return DayStatus::kWeekend;
  if (national_holiday_name(date)) return DayStatus::kHoliday;
  if (is_year_end_closure(date)) return DayStatus::kYearEndClosure;
  if (date == arrowhead_outage_date()) return DayStatus::kOutage;
  return DayStatus::kOpen;
}

std::string rule_reason(Date date, DayStatus status) {
  switch (status) {
    case DayStatus::kOpen:
      return "business day";
    case DayStatus::kWeekend:
      return date.weekday() == Weekday::kSaturday ? "Saturday" : "Sunday";
    case DayStatus::kHoliday:
      return national_holiday_name(date).value_or("holiday") + " (national holiday)";
    case DayStatus::kYearEndClosure:
      return "year-end closure (Dec 31 - Jan 3)";
    case DayStatus::kOutage:
      return "full-day trading outage (system failure); J-Quants has null-price records";
    case DayStatus::kOverride:
      break;
  }
  return "override";
}

void check_order(Date from, Date to, std::string_view what) {
  if (from > to) {
    throw invalid_input("{}: from {} is after to {}", what, from.to_string(), to.to_string());
  }
}

}  // namespace

TradingCalendar::TradingCalendar() : rule_status_(kDayCount) {
  for (int i = 0; i < kDayCount; ++i) rule_status_[i] = rule_status(kFirstSupportedDate + i);
  recount_business_days();
}

int TradingCalendar::day_index(Date date) {
  if (!in_supported_range(date)) {
    throw invalid_input("{} is outside the TSE calendar's supported range {}", date.to_string(),
                        supported_range());
  }
  return date - kFirstSupportedDate;
}

void TradingCalendar::recount_business_days() {
  business_days_before_.assign(kDayCount + 1, 0);
  business_days_.clear();
  auto next_override = overrides_.begin();
  for (int i = 0; i < kDayCount; ++i) {
    const Date date = kFirstSupportedDate + i;
    bool open = rule_says_open(i);
    if (next_override != overrides_.end() && next_override->first == date) {
      open = next_override->second.open;
      ++next_override;
    }
    business_days_before_[i + 1] = business_days_before_[i] + (open ? 1 : 0);
    if (open) business_days_.push_back(date);
  }
}

bool TradingCalendar::is_business_day(Date date) const {
  const int index = day_index(date);
  return business_days_before_[index + 1] != business_days_before_[index];
}

DayInfo TradingCalendar::describe(Date date) const {
  const int index = day_index(date);
  if (const auto found = overrides_.find(date); found != overrides_.end()) {
    return {date, DayStatus::kOverride, found->second.reason};
  }
  const DayStatus status = rule_status_[index];
  return {date, status, rule_reason(date, status)};
}

Date TradingCalendar::next_business_day(Date date) const {
  const int index = day_index(date);
  const auto rank = static_cast<size_t>(business_days_before_[index + 1]);
  if (rank >= business_days_.size()) {
    throw invalid_input("no TSE business day after {} within the supported range {}",
                        date.to_string(), supported_range());
  }
  return business_days_[rank];
}

Date TradingCalendar::previous_business_day(Date date) const {
  const int index = day_index(date);
  const int rank = business_days_before_[index];
  if (rank == 0) {
    throw invalid_input("no TSE business day before {} within the supported range {}",
                        date.to_string(), supported_range());
  }
  return business_days_[rank - 1];
}

std::vector<Date> TradingCalendar::business_days(Date from, Date to) const {
  const int first = day_index(from);
  const int last = day_index(to);
  check_order(from, to, "business_days");
  return {business_days_.begin() + business_days_before_[first],
          business_days_.begin() + business_days_before_[last + 1]};
}

int TradingCalendar::count_business_days(Date from, Date to) const {
  const int first = day_index(from);
  const int last = day_index(to);
  check_order(from, to, "count_business_days");
  return business_days_before_[last + 1] - business_days_before_[first];
}

Date TradingCalendar::add_business_days(Date date, int n) const {
  const int index = day_index(date);
  if (n == 0) {
    if (is_business_day(date)) return date;
    throw invalid_input(
        "add_business_days({}, 0): TSE is closed that day: {}. Step with n = 1 or n = -1",
        date.to_string(), describe(date).reason);
  }
  // 64-bit so that an absurd n cannot wrap around into a plausible rank.
  const int64_t rank = n > 0 ? int64_t{business_days_before_[index + 1]} + n - 1
                             : int64_t{business_days_before_[index]} + n;
  if (rank < 0 || rank >= static_cast<int64_t>(business_days_.size())) {
    throw invalid_input("{} {} business days is outside the supported range {}", date.to_string(),
                        n > 0 ? fmt::format("+ {}", n) : fmt::format("- {}", -int64_t{n}),
                        supported_range());
  }
  return business_days_[static_cast<size_t>(rank)];
}

std::vector<Date> TradingCalendar::holidays(Date from, Date to) const {
  day_index(from);
  day_index(to);
  check_order(from, to, "holidays");
  std::vector<Date> closed;
  for (Date day = from; day <= to; ++day) {
    if (!day.is_weekend() && !is_business_day(day)) closed.push_back(day);
  }
  return closed;
}

int TradingCalendar::close_minute(Date date) const {
  const int index = day_index(date);
  if (!is_business_day(date)) {
    throw invalid_input("{} has no session close: TSE is closed that day: {}", date.to_string(),
                        describe(date).reason);
  }
  const int year = date.year();
  const int jan1 = day_index(Date::from_ymd(year, 1, 1));
  const int dec31 = day_index(Date::from_ymd(year, 12, 31));
  const bool first_session_of_year = business_days_before_[index] == business_days_before_[jan1];
  const bool last_session_of_year =
      business_days_before_[index + 1] == business_days_before_[dec31 + 1];
  if ((first_session_of_year && year <= kLastYearWithHalfDayFirstSession) ||
      (last_session_of_year && year <= kLastYearWithHalfDayLastSession)) {
    return kHalfDayCloseMinute;
  }
  return date >= extended_session_start() ? kExtendedCloseMinute : kCloseMinute;
}

void TradingCalendar::set_override_unchecked(Date date, bool open, std::string reason,
                                             bool from_jquants) {
  overrides_.insert_or_assign(date, Override{open, std::move(reason), from_jquants});
}

void TradingCalendar::set_override(Date date, bool open, std::string reason) {
  day_index(date);
  if (reason.empty()) {
    throw invalid_input("override for {}: give a reason, so that describe() can say why",
                        date.to_string());
  }
  set_override_unchecked(date, open, std::move(reason), false);
  recount_business_days();
}

void TradingCalendar::load_override_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  if (!in) {
    throw not_found("calendar override file {}: cannot be opened ({})", file, std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();

  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    throw invalid_input("calendar override file {}: line {}: not valid YAML: {}", file,
                        e.mark.line + 1, e.msg);
  }
  const YAML::Node& const_root = root;
  if (!const_root.IsMap() || !const_root["overrides"]) {
    throw invalid_input(
        "calendar override file {}: expected a top-level key 'overrides' holding a list of "
        "{{date: YYYY-MM-DD, open: true|false, reason: \"...\"}}",
        file);
  }
  const YAML::Node list = const_root["overrides"];
  if (!list.IsNull() && !list.IsSequence()) {
    throw invalid_input("calendar override file {}: line {}: 'overrides' must be a list", file,
                        list.Mark().line + 1);
  }

  struct Entry {
    Date date;
    bool open;
    std::string reason;
  };
  std::vector<Entry> entries;
  std::map<Date, size_t> entry_of_date;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string at = fmt::format("calendar override file {}: overrides[{}] (line {})", file,
                                       i, entry.Mark().line + 1);
    if (!entry.IsMap()) {
      throw invalid_input(
          "{}: expected a map {{date: YYYY-MM-DD, open: true|false, reason: \"...\"}}", at);
    }
    for (const auto& field : entry) {
      const std::string key = field.first.Scalar();
      if (key != "date" && key != "open" && key != "reason") {
        throw invalid_input("{}: unknown field '{}' (the fields are date, open, reason)", at, key);
      }
    }

    const YAML::Node date_node = entry["date"];
    if (!date_node || !date_node.IsScalar()) {
      throw invalid_input("{}: field 'date' is missing (write date: YYYY-MM-DD)", at);
    }
    Date date;
    try {
      date = Date::parse(date_node.Scalar());
    } catch (const Error& e) {
      throw invalid_input("{}: field 'date': {}", at, e.what());
    }
    if (!in_supported_range(date)) {
      throw invalid_input("{}: field 'date': {} is outside the supported range {}", at,
                          date.to_string(), supported_range());
    }
    if (const auto earlier = entry_of_date.find(date); earlier != entry_of_date.end()) {
      throw invalid_input("{}: field 'date': {} is already corrected by overrides[{}]", at,
                          date.to_string(), earlier->second);
    }

    const YAML::Node open_node = entry["open"];
    bool open = false;
    if (!open_node || !open_node.IsScalar() || !YAML::convert<bool>::decode(open_node, open)) {
      throw invalid_input("{}: field 'open' must be true or false, got '{}'", at,
                          open_node && open_node.IsScalar() ? open_node.Scalar() : "nothing");
    }

    const YAML::Node reason_node = entry["reason"];
    if (!reason_node || !reason_node.IsScalar() || reason_node.Scalar().empty()) {
      throw invalid_input("{}: field 'reason' is missing (say why the day is corrected)", at);
    }

    entry_of_date.emplace(date, i);
    entries.push_back({date, open, reason_node.Scalar()});
  }

  for (Entry& entry : entries) {
    set_override_unchecked(entry.date, entry.open, std::move(entry.reason), false);
  }
  recount_business_days();
}

void TradingCalendar::apply_jquants_calendar(
    const std::vector<std::pair<Date, std::string>>& hol_div) {
  std::vector<bool> open(hol_div.size());
  for (size_t i = 0; i < hol_div.size(); ++i) {
    const auto& [date, division] = hol_div[i];
    if (!in_supported_range(date)) {
      throw invalid_input("J-Quants trading calendar entry {} ({}): outside the supported range {}",
                          i, date.to_string(), supported_range());
    }
    if (division == "0" || division == "3") {
      open[i] = false;
    } else if (division == "1" || division == "2") {
      open[i] = true;
    } else {
      throw invalid_input(
          "J-Quants trading calendar entry {} ({}): HolidayDivision '{}' is not one of 0 "
          "(closed), 1 (business day), 2 (half day), 3 (closed, OSE holiday trading)",
          i, date.to_string(), division);
    }
  }

  for (size_t i = 0; i < hol_div.size(); ++i) {
    const Date date = hol_div[i].first;
    const int index = day_index(date);
    const auto existing = overrides_.find(date);
    if (existing != overrides_.end() && !existing->second.from_jquants) continue;
    if (rule_status_[index] == DayStatus::kOutage) continue;
    if (open[i] != rule_says_open(index)) {
      set_override_unchecked(date, open[i], std::string(kJQuantsReason), true);
    } else if (existing != overrides_.end()) {
      overrides_.erase(existing);
    }
  }
  recount_business_days();
}

}  // namespace gogooku3
