// Contract: a declarative list of rules a table of market records must satisfy, and the split
// of a table into the rows that pass and the rows that go to quarantine.
//
// A contract first checks the schema (every expected column, with its type); a schema that
// does not match is not a row problem but a broken source, so it throws InvalidInput naming
// the contract, the column and both types, and nothing is split. Then every rule runs over the
// whole table (rules are vectorised: one call per table, reporting failing rows). A rule has
// a name (snake_case, stable: it is stored with quarantined rows and counted in summaries), a
// severity and a one-line description for people:
//   kError    the row is quarantined and does not continue;
//   kWarning  the row continues, and the finding is counted (and logged by the caller).
// A row that fails several rules is quarantined once; its `rule` is the first error rule in
// contract order and its `reason` lists every finding ("rule: reason; rule: reason").
//
// Quarantine tables have the checked table's columns plus `rule`, `severity` and `reason`
// (strings), so DuckDB can group bad rows by rule across days.
//
// Thread-safe: a Contract is immutable after construction; check() is const.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/table.h"

namespace gogooku3::market::contracts {

enum class Severity { kError, kWarning };
std::string_view severity_name(Severity severity);  // "error", "warning"

// Collects the failing rows of one rule.
class RuleReport {
 public:
  void fail(size_t row, std::string reason) { failures_.push_back({row, std::move(reason)}); }
  struct Failure {
    size_t row;
    std::string reason;
  };
  const std::vector<Failure>& failures() const { return failures_; }

 private:
  std::vector<Failure> failures_;
};

struct Rule {
  std::string name;
  Severity severity = Severity::kError;
  std::string description;
  std::function<void(const Table&, RuleReport&)> check;
};

struct ContractOutcome {
  Table passed;       // the rows without error findings, in their original order
  Table quarantined;  // the rows with error findings, plus rule/severity/reason
  // Findings per rule name (errors and warnings), rules without findings absent.
  std::map<std::string, int64_t> findings_by_rule;
  // Each warning finding, "rule: code date: reason", for the caller's log (at most 100 kept).
  std::vector<std::string> warnings;
};

class Contract {
 public:
  Contract(std::string name, Schema schema, std::vector<Rule> rules);

  const std::string& name() const { return name_; }
  const Schema& schema() const { return schema_; }
  const std::vector<Rule>& rules() const { return rules_; }

  ContractOutcome check(const Table& table) const;

 private:
  void check_schema(const Table& table) const;

  std::string name_;
  Schema schema_;
  std::vector<Rule> rules_;
};

// The checked table's schema plus rule, severity, reason: what an empty quarantine looks like.
Table empty_quarantine(const Schema& schema);

}  // namespace gogooku3::market::contracts
