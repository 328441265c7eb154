// Core benchmarks: the TSE calendar's precomputed queries against evaluating the holiday rules
// day by day, and Table::sort_by_code_date against sorting rows as structs (what a
// row-oriented pipeline does), on a shuffled universe of 4,000 codes.
//   build/release/bench/core_bench [days_per_code]   (default 500: 2M rows)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bench_timer.h"
#include "core/japanese_holidays.h"
#include "core/table.h"
#include "core/trading_calendar.h"

namespace gogooku3::bench {
namespace {

void calendar_bench() {
  const TradingCalendar calendar;
  const Date from = Date::from_ymd(2006, 1, 1);
  const Date to = Date::from_ymd(2025, 12, 31);
  volatile int sink = 0;
  const double ours = best_seconds(5, [&] {
    for (int i = 0; i < 1000; ++i) sink = sink + calendar.count_business_days(from, to - i);
  });
  const double peer = best_seconds(3, [&] {
    for (int i = 0; i < 1000; ++i) {
      int count = 0;
      for (Date d = from; d <= to - i; ++d) {
        if (!d.is_weekend() && !national_holiday_name(d)) ++count;
      }
      sink = sink + count;
    }
  });
  report("count business days over 20 years x1000", ours, "rules evaluated per day", peer);
}

struct Row {
  std::string code;
  Date date;
  double close;
  double volume;
};

void sort_bench(int days_per_code) {
  constexpr int kCodes = 4000;
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(kCodes) * days_per_code);
  for (int c = 0; c < kCodes; ++c) {
    char code[8];
    std::snprintf(code, sizeof code, "%04d0", 1300 + c * 2);
    for (int d = 0; d < days_per_code; ++d) {
      rows.push_back({code, Date(19000 + d), 100.0 + d, 1000.0 * c});
    }
  }
  std::mt19937_64 rng(42);
  std::shuffle(rows.begin(), rows.end(), rng);

  Column code(std::string(kCodeColumn), ColumnType::kString);
  Column date(std::string(kDateColumn), ColumnType::kDate);
  Column close("close", ColumnType::kDouble);
  Column volume("volume", ColumnType::kDouble);
  for (const Row& row : rows) {
    code.append(std::string_view(row.code));
    date.append(row.date);
    close.append(row.close);
    volume.append(row.volume);
  }
  const Table table({code, date, close, volume});

  const double ours = best_seconds(3, [&] {
    const Table sorted = table.sort_by_code_date();
    if (sorted.num_rows() != rows.size()) std::abort();
  });
  const double peer = best_seconds(3, [&] {
    std::vector<Row> copy = rows;
    std::stable_sort(copy.begin(), copy.end(), [](const Row& a, const Row& b) {
      return a.code != b.code ? a.code < b.code : a.date < b.date;
    });
  });
  char what[64];
  std::snprintf(what, sizeof what, "sort %zu rows by (code, date)", rows.size());
  report(what, ours, "std::stable_sort of rows", peer);
}

}  // namespace
}  // namespace gogooku3::bench

int main(int argc, char** argv) {
  const int days_per_code = argc > 1 ? std::atoi(argv[1]) : 500;
  gogooku3::bench::calendar_bench();
  gogooku3::bench::sort_bench(days_per_code);
  return 0;
}
