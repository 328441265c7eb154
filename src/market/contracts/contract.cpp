#include "market/contracts/contract.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/error.h"

namespace gogooku3::market::contracts {
namespace {

constexpr size_t kMaxWarningsKept = 100;

// "86970 2024-01-04" when the table has the key columns, else "row 12".
std::string describe_row(const Table& table, size_t row) {
  std::string text;
  if (table.has_column(kCodeColumn)) text = table.column(kCodeColumn).value_to_string(row);
  if (table.has_column(kDateColumn)) {
    text += text.empty() ? "" : " ";
    text += table.column(kDateColumn).value_to_string(row);
  }
  return text.empty() ? fmt::format("row {}", row) : text;
}

}  // namespace

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

Contract::Contract(std::string name, Schema schema, std::vector<Rule> rules)
    : name_(std::move(name)), schema_(std::move(schema)), rules_(std::move(rules)) {}

void Contract::check_schema(const Table& table) const {
  for (const Field& field : schema_) {
    if (!table.has_column(field.name)) {
      throw invalid_input("contract {}: column '{}' ({}) is missing; the table has: {}", name_,
                          field.name, column_type_name(field.type),
                          schema_to_string(table.schema()));
    }
    const ColumnType actual = table.column(field.name).type();
    if (actual != field.type) {
      throw invalid_input("contract {}: column '{}' must be {}, got {}", name_, field.name,
                          column_type_name(field.type), column_type_name(actual));
    }
  }
}

ContractOutcome Contract::check(const Table& table) const {
  check_schema(table);
  const size_t rows = table.num_rows();
  // Per row: the first error rule (index into rules_) and every finding's text.
  std::vector<std::optional<size_t>> first_error(rows);
  std::vector<std::string> reasons(rows);
  ContractOutcome outcome;
  for (size_t r = 0; r < rules_.size(); ++r) {
    const Rule& rule = rules_[r];
    RuleReport report;
    rule.check(table, report);
    if (report.failures().empty()) continue;
    outcome.findings_by_rule[rule.name] += static_cast<int64_t>(report.failures().size());
    for (const RuleReport::Failure& failure : report.failures()) {
      if (failure.row >= rows) {
        throw internal_error("contract {}: rule {} reported row {} of a {}-row table", name_,
                             rule.name, failure.row, rows);
      }
      if (rule.severity == Severity::kWarning) {
        if (outcome.warnings.size() < kMaxWarningsKept) {
          outcome.warnings.push_back(fmt::format("{}: {}: {}", rule.name,
                                                 describe_row(table, failure.row), failure.reason));
        }
        continue;
      }
      std::string& text = reasons[failure.row];
      text += text.empty() ? "" : "; ";
      text += rule.name + ": " + failure.reason;
      if (!first_error[failure.row]) first_error[failure.row] = r;
    }
  }

  std::vector<size_t> passed;
  std::vector<size_t> quarantined;
  passed.reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    (first_error[row] ? quarantined : passed).push_back(row);
  }
  outcome.passed = quarantined.empty() ? table : table.take(passed);
  outcome.quarantined = table.take(quarantined);
  Column rule_column("rule", ColumnType::kString);
  Column severity_column("severity", ColumnType::kString);
  Column reason_column("reason", ColumnType::kString);
  for (const size_t row : quarantined) {
    rule_column.append(rules_[*first_error[row]].name);
    severity_column.append(severity_name(Severity::kError));
    reason_column.append(reasons[row]);
  }
  outcome.quarantined.add_column(std::move(rule_column));
  outcome.quarantined.add_column(std::move(severity_column));
  outcome.quarantined.add_column(std::move(reason_column));
  return outcome;
}

Table empty_quarantine(const Schema& schema) {
  Table table;
  for (const Field& field : schema) table.add_column(Column(field.name, field.type));
  for (const char* name : {"rule", "severity", "reason"}) {
    table.add_column(Column(name, ColumnType::kString));
  }
  return table;
}

}  // namespace gogooku3::market::contracts
