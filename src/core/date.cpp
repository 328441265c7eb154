#include "core/date.h"

#include <fmt/format.h>

#include <chrono>

#include "core/error.h"

namespace gogooku3 {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact over the whole int32 range.
int32_t days_from_civil(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool parse_digits(std::string_view text, int& value) {
  value = 0;
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

}  // namespace

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

Date Date::from_ymd(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    throw invalid_input("{:04d}-{:02d}-{:02d} is not a calendar date", year, month, day);
  }
  return Date(days_from_civil(year, month, day));
}

Date Date::parse(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  bool ok = false;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    ok = parse_digits(text.substr(0, 4), year) && parse_digits(text.substr(5, 2), month) &&
         parse_digits(text.substr(8, 2), day);
  } else if (text.size() == 8) {
    ok = parse_digits(text.substr(0, 4), year) && parse_digits(text.substr(4, 2), month) &&
         parse_digits(text.substr(6, 2), day);
  }
  if (!ok) {
    throw invalid_input("'{}' is not a date: write YYYY-MM-DD (or YYYYMMDD)", text);
  }
  if (month < 1 || month > 12 || day < 1 || year < 1 || day > days_in_month(year, month)) {
    throw invalid_input("'{}' is not a calendar date (no such day)", text);
  }
  return from_ymd(year, month, day);
}

Date Date::today_jst() {
  using namespace std::chrono;
  const auto now_jst = system_clock::now() + hours(9);
  return Date(static_cast<int32_t>(floor<days>(now_jst).time_since_epoch().count()));
}

YearMonthDay Date::ymd() const {
  const int z = days_ + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int day = doy - (153 * mp + 2) / 5 + 1;
  const int month = mp < 10 ? mp + 3 : mp - 9;
  const int year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const int index = ((days_ % 7) + 7 + 3) % 7;
  return static_cast<Weekday>(index);
}

bool Date::is_weekend() const {
  const Weekday w = weekday();
  return w == Weekday::kSaturday || w == Weekday::kSunday;
}

std::string Date::to_string() const {
  const YearMonthDay d = ymd();
  return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

std::string Date::to_compact_string() const {
  const YearMonthDay d = ymd();
  return fmt::format("{:04d}{:02d}{:02d}", d.year, d.month, d.day);
}

}  // namespace gogooku3
