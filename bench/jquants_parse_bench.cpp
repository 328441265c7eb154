// J-Quants page parsing: parse_page (nlohmann's SAX events straight into typed columns) against
// the obvious way with the same library — build the JSON tree with nlohmann::json::parse, then
// walk "data" and look each field up by name — on one business day of daily bars (4,000 rows,
// about 1.1 MB, the size of a full-market page).
//   build/release/bench/jquants_parse_bench [repeats]   (default 50)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_timer.h"
#include "market/jquants/endpoints.h"
#include "market/jquants/v2_json.h"

namespace gogooku3::bench {
namespace {

using market::jquants::EndpointSpec;
using market::jquants::FieldSpec;
using market::jquants::ValueKind;

Table daily_bars(int rows) {
  const EndpointSpec& spec = market::jquants::endpoint("bars_daily");
  std::vector<Column> columns;
  for (const FieldSpec& field : spec.fields) {
    Column column(std::string(field.column), field.type);
    column.reserve(static_cast<size_t>(rows));
    columns.push_back(std::move(column));
  }
  for (int row = 0; row < rows; ++row) {
    char code[8];
    std::snprintf(code, sizeof code, "%04d0", 1300 + row * 2);
    const double close = 100.0 + (row * 37 % 9000) + (row % 10) * 0.1;
    const bool halted = row % 500 == 7;
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      Column& column = columns[i];
      switch (spec.fields[i].kind) {
        case ValueKind::kDate:
          column.append(Date::from_ymd(2024, 11, 5));
          break;
        case ValueKind::kText:
          column.append(std::string_view(code));
          break;
        case ValueKind::kCodeDigit:
          column.append(static_cast<int32_t>(row % 97 == 0));
          break;
        default: {
          const std::string_view name = spec.fields[i].column;
          double value = close + static_cast<double>(i);
          if (name.find("volume") != std::string_view::npos) value = 1000.0 * (row % 300 + 1);
          if (name == "turnover_value") value = close * 1000.0 * (row % 300 + 1);
          if (name == "adjustment_factor") value = 1.0;
          const bool nullable = name != "adjustment_factor" && !name.starts_with("adj_");
          column.append(halted && nullable ? NAN : value);
        }
      }
    }
  }
  return Table(std::move(columns));
}

// The peer: a JSON tree, then one lookup per field per row.
Table parse_with_tree(const EndpointSpec& spec, const std::string& body) {
  const nlohmann::json page = nlohmann::json::parse(body);
  const nlohmann::json& data = page.at("data");
  std::vector<Column> columns;
  for (const FieldSpec& field : spec.fields) {
    Column column(std::string(field.column), field.type);
    column.reserve(data.size());
    columns.push_back(std::move(column));
  }
  for (const nlohmann::json& row : data) {
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      const nlohmann::json& value = row.at(std::string(spec.fields[i].json_name));
      Column& column = columns[i];
      if (value.is_null()) {
        column.append_null();
        continue;
      }
      switch (spec.fields[i].kind) {
        case ValueKind::kDate:
          column.append(Date::parse(value.get_ref<const std::string&>()));
          break;
        case ValueKind::kText:
          column.append(value.get_ref<const std::string&>());
          break;
        case ValueKind::kCodeDigit:
          column.append(static_cast<int32_t>(std::stoi(value.get_ref<const std::string&>())));
          break;
        default:
          column.append(value.get<double>());
      }
    }
  }
  return Table(std::move(columns));
}

}  // namespace
}  // namespace gogooku3::bench

int main(int argc, char** argv) {
  using namespace gogooku3;
  using namespace gogooku3::bench;
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 50;
  constexpr int kRows = 4000;
  const market::jquants::EndpointSpec& spec = market::jquants::endpoint("bars_daily");
  const Table bars = daily_bars(kRows);
  const std::string body = market::jquants::write_page(spec, bars, 0, kRows, "next.page.key");

  // Both readers must agree before either is timed.
  const Table ours_table = market::jquants::parse_page(spec, body).rows;
  if (!ours_table.equals(bars) || !parse_with_tree(spec, body).equals(bars)) {
    std::fprintf(stderr, "parsers disagree with the written table\n");
    return 1;
  }

  const double ours = best_seconds(repeats, [&] {
    if (market::jquants::parse_page(spec, body).rows.num_rows() != kRows) std::abort();
  });
  const double peer = best_seconds(std::max(1, repeats / 5), [&] {
    if (parse_with_tree(spec, body).num_rows() != kRows) std::abort();
  });
  const double write = best_seconds(std::max(1, repeats / 5), [&] {
    if (market::jquants::write_page(spec, bars, 0, kRows, std::nullopt).empty()) std::abort();
  });
  report("parse a 4,000-row bars_daily page", ours, "nlohmann tree + lookups", peer);
  std::printf(
      "page %.2f MB: parse_page %.0f records/s (%.0f MB/s), tree %.0f records/s; "
      "write_page %.0f records/s\n",
      static_cast<double>(body.size()) / 1e6, kRows / ours,
      static_cast<double>(body.size()) / 1e6 / ours, kRows / peer, kRows / write);
  return 0;
}
