// Date: a calendar day, stored as days since 1970-01-01 (int32), printed YYYY-MM-DD.
//
// All market dates in gogooku3 are Japanese trading dates; there is no time zone in a Date.
// Times of day, where they matter (the session close, publication times), are JST and live
// next to the thing that needs them. Conversions use the proleptic Gregorian calendar and are
// exact for every int32 day count; parse() accepts the two forms J-Quants accepts
// (YYYY-MM-DD and YYYYMMDD) and nothing else.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace gogooku3 {

enum class Weekday { kMonday = 0, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

struct YearMonthDay {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(int32_t days_since_epoch) : days_(days_since_epoch) {}

  // Throws InvalidInput for a day that does not exist (2026-02-30) or a year outside 1..9999.
  static Date from_ymd(int year, int month, int day);
  // "2026-09-22" or "20260922"; throws InvalidInput naming the text otherwise.
  static Date parse(std::string_view text);
  // Today in Japan (UTC+9), from the system clock.
  static Date today_jst();

  constexpr int32_t days_since_epoch() const { return days_; }
  YearMonthDay ymd() const;
  int year() const { return ymd().year; }
  Weekday weekday() const;
  bool is_weekend() const;
  std::string to_string() const;          // YYYY-MM-DD
  std::string to_compact_string() const;  // YYYYMMDD, the J-Quants query form

  constexpr Date operator+(int32_t days) const { return Date(days_ + days); }
  constexpr Date operator-(int32_t days) const { return Date(days_ - days); }
  constexpr int32_t operator-(Date other) const { return days_ - other.days_; }
  constexpr Date& operator++() {
    ++days_;
    return *this;
  }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>.
  constexpr auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);

}  // namespace gogooku3
