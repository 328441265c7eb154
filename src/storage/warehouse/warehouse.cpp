#include "storage/warehouse/warehouse.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.h"
#include "storage/warehouse/native_format.h"

namespace gogooku3::storage::warehouse {
namespace {

constexpr std::string_view kVersionColumn = "_version";
constexpr std::string_view kDeletedColumn = "_deleted";

std::string quote_name(std::string_view name) {
  std::string quoted = "`";
  for (const char c : name) {
    if (c == '`' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('`');
  return quoted;
}

std::string date_literal(Date date) { return sql_quote(date.to_string()); }

std::string days_in(const std::vector<Date>& days) {
  std::string list;
  for (const Date day : days) {
    if (!list.empty()) list += ", ";
    list += date_literal(day);
  }
  return list;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Non-empty lines of a TSV answer, split into fields.
std::vector<std::vector<std::string>> tsv_rows(std::string_view answer) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : split(answer, '\n')) {
    if (!line.empty()) rows.push_back(split(line, '\t'));
  }
  return rows;
}

std::uint64_t now_micros() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

void require_keys(const Schema& schema, std::string_view dataset) {
  const auto has = [&](const Field& key) {
    return std::find(schema.begin(), schema.end(), key) != schema.end();
  };
  if (!has({std::string(kCodeColumn), ColumnType::kString}) ||
      !has({std::string(kDateColumn), ColumnType::kDate})) {
    throw invalid_input(
        "dataset '{}' cannot go to the warehouse: it needs the key columns code: string and "
        "date: date, but its columns are {}",
        dataset, schema_to_string(schema));
  }
}

// A row per (code, day) the load must remove: every column missing but the keys.
Table tombstone_table(const Schema& schema,
                      const std::vector<std::pair<std::string, Date>>& removed) {
  std::vector<Column> columns;
  for (const Field& field : schema) {
    Column column(field.name, field.type);
    column.reserve(removed.size());
    for (const auto& [code, day] : removed) {
      if (field.name == kCodeColumn) {
        column.append(code);
      } else if (field.name == kDateColumn) {
        column.append(day);
      } else if (field.type == ColumnType::kFloat) {
        column.append(std::numeric_limits<float>::quiet_NaN());
      } else if (field.type == ColumnType::kDouble) {
        column.append(std::numeric_limits<double>::quiet_NaN());
      } else {
        column.append_null();
      }
    }
    columns.push_back(std::move(column));
  }
  return Table(std::move(columns));
}

std::vector<Date> distinct_days(const Table& table) {
  std::vector<Date> days;
  const Column& dates = table.column(kDateColumn);
  const auto& values = dates.as<Date>();
  for (size_t row = 0; row < values.size(); ++row) {
    if (!dates.is_valid(row)) {
      throw invalid_input("row {} has no date: the warehouse cannot store it", row);
    }
    if (days.empty() || days.back() != values[row]) days.push_back(values[row]);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

}  // namespace

Warehouse::Warehouse(ClickHouseOptions options) : client_(std::move(options)) {}

std::string Warehouse::table_name(std::string_view dataset) {
  if (dataset.empty() || dataset.front() == '/' || dataset.back() == '/') {
    throw invalid_input("dataset name '{}' cannot name a warehouse table", dataset);
  }
  std::string name;
  for (const char c : dataset) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!plain && c != '/') {
      throw invalid_input(
          "dataset name '{}' cannot name a warehouse table: only a-z, 0-9, _ "
          "and / are allowed",
          dataset);
    }
    name.push_back(c == '/' ? '_' : c);
  }
  return name;
}

bool Warehouse::has_table(std::string_view dataset) const {
  const std::string table = table_name(dataset);
  try {
    return client_
        .execute(fmt::format("SELECT count() FROM system.tables WHERE database = "
                             "currentDatabase() AND name = {} FORMAT TSV",
                             sql_quote(table)))
        .starts_with("1");
  } catch (const Error& error) {
    if (error.category() == ErrorCategory::kNotFound) return false;  // no database yet
    throw;
  }
}

std::string Warehouse::ensure_table(std::string_view dataset, const Schema& schema) {
  require_keys(schema, dataset);
  std::string table = table_name(dataset);
  const std::string key = table + "|" + schema_to_string(schema);
  {
    const std::lock_guard lock(mutex_);
    if (ensured_.contains(key)) return table;
  }
  ensure_database();
  const auto existing = tsv_rows(client_.execute(
      fmt::format("SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                  "AND table = {} FORMAT TSV",
                  sql_quote(table))));
  if (existing.empty()) {
    std::string columns;
    for (const Field& field : schema) {
      columns +=
          fmt::format("{} {}, ", quote_name(field.name), warehouse_type(field.name, field.type));
    }
    client_.execute(fmt::format(
        "CREATE TABLE IF NOT EXISTS {} ({}{} UInt64, {} UInt8) "
        "ENGINE = ReplacingMergeTree({}) PARTITION BY toYYYYMM(date) ORDER BY (code, date)",
        quote_name(table), columns, kVersionColumn, kDeletedColumn, kVersionColumn));
  } else {
    std::map<std::string, std::string> types;
    for (const auto& row : existing) {
      if (row.size() == 2) types[row[0]] = row[1];
    }
    if (!types.contains(std::string(kVersionColumn)) ||
        !types.contains(std::string(kDeletedColumn))) {
      throw invalid_input(
          "ClickHouse table {} exists but was not made by gogooku3 (it has no {} and {} "
          "columns); drop or rename it, or point warehouse.clickhouse.database elsewhere",
          table, kVersionColumn, kDeletedColumn);
    }
    std::string previous(kDateColumn);
    for (const Field& field : schema) {
      const std::string wanted = warehouse_type(field.name, field.type);
      const auto found = types.find(field.name);
      if (found == types.end()) {
        client_.execute(fmt::format("ALTER TABLE {} ADD COLUMN {} {} AFTER {}", quote_name(table),
                                    quote_name(field.name), wanted, quote_name(previous)));
      } else if (found->second != wanted) {
        throw invalid_input(
            "ClickHouse table {} column {} is {} but dataset '{}' now holds {}: a changed type "
            "is a new dataset, not a migration (drop the table to reload it)",
            table, field.name, found->second, dataset, wanted);
      }
      previous = field.name;
    }
  }
  const std::lock_guard lock(mutex_);
  ensured_.insert(key);
  return table;
}

void Warehouse::ensure_database() {
  {
    const std::lock_guard lock(mutex_);
    if (database_ready_) return;
  }
  // The statement must run in a database that exists: ClickHouse always has `default`.
  ClickHouseOptions options = client_.options();
  options.database = "default";
  ClickHouseClient(options).execute(
      fmt::format("CREATE DATABASE IF NOT EXISTS {}", quote_name(client_.options().database)));
  const std::lock_guard lock(mutex_);
  database_ready_ = true;
}

LoadResult Warehouse::load(std::string_view dataset, const Table& table) {
  return load_days(dataset, distinct_days(table), table);
}

LoadResult Warehouse::load_day(std::string_view dataset, Date date, const Table& table) {
  const auto& dates = table.column(kDateColumn);
  const auto& codes = table.column(kCodeColumn).as<std::string>();
  for (size_t row = 0; row < table.num_rows(); ++row) {
    if (!dates.is_valid(row) || dates.as<Date>()[row] != date) {
      throw invalid_input("loading {} of {} into the warehouse: row {} ({}) is dated {}",
                          date.to_string(), dataset, row, codes[row], dates.value_to_string(row));
    }
  }
  std::vector<std::string> sorted(codes);
  std::sort(sorted.begin(), sorted.end());
  if (const auto twin = std::adjacent_find(sorted.begin(), sorted.end()); twin != sorted.end()) {
    throw invalid_input("loading {} of {} into the warehouse: code {} appears twice",
                        date.to_string(), dataset, *twin);
  }
  return load_days(dataset, {date}, table);
}

LoadResult Warehouse::load_days(std::string_view dataset, const std::vector<Date>& days,
                                const Table& table) {
  const Schema schema = table.schema();
  LoadResult result;
  result.table = ensure_table(dataset, schema);
  result.rows = static_cast<std::int64_t>(table.num_rows());
  if (days.empty()) return result;

  const std::string where = fmt::format("date IN ({})", days_in(days));
  const std::string max_version =
      client_.execute(fmt::format("SELECT max({}) FROM {} WHERE {} FORMAT TSV", kVersionColumn,
                                  quote_name(result.table), where));
  result.version = std::max<std::uint64_t>(now_micros(), std::stoull(max_version) + 1);

  // The live (code, day) pairs the load does not restate get tombstones.
  std::set<std::pair<std::string, std::int32_t>> loaded;
  const auto& codes = table.column(kCodeColumn).as<std::string>();
  const auto& dates = table.column(kDateColumn).as<Date>();
  for (size_t row = 0; row < table.num_rows(); ++row) {
    loaded.emplace(codes[row], dates[row].days_since_epoch());
  }
  std::vector<std::pair<std::string, Date>> removed;
  for (const auto& row : tsv_rows(client_.execute(
           fmt::format("SELECT code, toString(date) FROM {} FINAL WHERE {} AND {} = 0 FORMAT TSV",
                       quote_name(result.table), where, kDeletedColumn)))) {
    if (row.size() != 2) continue;
    const Date day = Date::parse(row[1]);
    if (!loaded.contains({row[0], day.days_since_epoch()})) removed.emplace_back(row[0], day);
  }
  result.tombstones = static_cast<std::int64_t>(removed.size());
  const Table tombstones = tombstone_table(schema, removed);

  std::string columns;
  for (const Field& field : schema) columns += quote_name(field.name) + ", ";
  const std::string insert_sql =
      fmt::format("INSERT INTO {} ({}{}, {}) FORMAT Native", quote_name(result.table), columns,
                  kVersionColumn, kDeletedColumn);
  const size_t data_blocks = (table.num_rows() + kBlockRows - 1) / kBlockRows;
  const size_t tombstone_blocks = (tombstones.num_rows() + kBlockRows - 1) / kBlockRows;
  const std::vector<ConstantColumn> live = {{std::string(kVersionColumn), "UInt64", result.version},
                                            {std::string(kDeletedColumn), "UInt8", 0}};
  const std::vector<ConstantColumn> dead = {{std::string(kVersionColumn), "UInt64", result.version},
                                            {std::string(kDeletedColumn), "UInt8", 1}};
  result.insert = client_.insert(
      insert_sql, data_blocks + tombstone_blocks, [&](size_t block, std::string& out) {
        const bool is_data = block < data_blocks;
        const Table& source = is_data ? table : tombstones;
        const size_t first = (is_data ? block : block - data_blocks) * kBlockRows;
        append_native_block(source, first, std::min(first + kBlockRows, source.num_rows()),
                            is_data ? live : dead, out);
      });
  return result;
}

Table Warehouse::read_day(std::string_view dataset, Date date, const Schema& schema) const {
  const std::string table = table_name(dataset);
  std::string columns;
  for (const Field& field : schema) {
    if (!columns.empty()) columns += ", ";
    columns += quote_name(field.name);
  }
  const std::string sql =
      fmt::format("SELECT {} FROM {} FINAL WHERE date = {} AND {} = 0 ORDER BY code FORMAT Native",
                  columns, quote_name(table), date_literal(date), kDeletedColumn);
  return decode_native(client_.execute(sql), schema,
                       fmt::format("ClickHouse rows of {} on {}", table, date.to_string()));
}

std::map<Date, std::int64_t> Warehouse::row_counts(std::string_view dataset, Date from,
                                                   Date to) const {
  std::map<Date, std::int64_t> counts;
  const auto rows = tsv_rows(client_.execute(fmt::format(
      "SELECT toString(date), count() FROM {} FINAL WHERE date >= {} AND date <= {} AND {} = 0 "
      "GROUP BY date ORDER BY date FORMAT TSV",
      quote_name(table_name(dataset)), date_literal(from), date_literal(to), kDeletedColumn)));
  for (const auto& row : rows) {
    if (row.size() == 2) counts[Date::parse(row[0])] = std::stoll(row[1]);
  }
  return counts;
}

void Warehouse::optimize(std::string_view dataset, Date from, Date to) const {
  const std::string table = quote_name(table_name(dataset));
  int year = from.year();
  int month = from.ymd().month;
  while (year < to.year() || (year == to.year() && month <= to.ymd().month)) {
    client_.execute(
        fmt::format("OPTIMIZE TABLE {} PARTITION {:04d}{:02d} FINAL", table, year, month));
    if (++month == 13) {
      month = 1;
      ++year;
    }
  }
}

}  // namespace gogooku3::storage::warehouse
