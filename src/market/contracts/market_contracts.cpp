#include "market/contracts/market_contracts.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <numeric>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/error.h"
#include "market/jquants/endpoints.h"
#include "market/tse_rules.h"

namespace gogooku3::market::contracts {
namespace {

Schema endpoint_schema(std::string_view asset) {
  Schema schema;
  for (const jquants::FieldSpec& field : jquants::endpoint(asset).fields) {
    schema.push_back({std::string(field.column), field.type});
  }
  return schema;
}

bool present(double value) { return !std::isnan(value); }

// Reports each row once, naming every listed double field whose value is not `ok`.
template <typename Ok>
void report_fields(const Table& table, std::initializer_list<const char*> fields,
                   RuleReport& report, Ok ok) {
  std::vector<const std::vector<double>*> values;
  for (const char* field : fields) values.push_back(&table.column(field).as<double>());
  for (size_t row = 0; row < table.num_rows(); ++row) {
    std::string bad;
    size_t i = 0;
    for (const char* field : fields) {
      const double value = (*values[i++])[row];
      if (ok(value)) continue;
      bad += fmt::format("{}{} is {}", bad.empty() ? "" : ", ", field, value);
    }
    if (!bad.empty()) report.fail(row, std::move(bad));
  }
}

Rule key_present_rule(std::string name, std::string key_column) {
  return {
      std::move(name), Severity::kError,
      fmt::format("{} is present and 5 characters (a J-Quants code); date is present", key_column),
      [key_column](const Table& table, RuleReport& report) {
        const Column& code = table.column(key_column);
        const Column& date = table.column(kDateColumn);
        const auto& codes = code.as<std::string>();
        for (size_t row = 0; row < table.num_rows(); ++row) {
          if (!code.is_valid(row) || codes[row].size() != 5) {
            report.fail(row, fmt::format("code '{}' is not a 5-character J-Quants code",
                                         code.value_to_string(row)));
          } else if (!date.is_valid(row)) {
            report.fail(row, "date is null");
          }
        }
      }};
}

Rule date_is_partition_rule(std::string date_column, Date partition_date) {
  return {"date_is_partition", Severity::kError,
          fmt::format("{} equals the partition's day", date_column),
          [date_column, partition_date](const Table& table, RuleReport& report) {
            const Column& column = table.column(date_column);
            const auto& dates = column.as<Date>();
            for (size_t row = 0; row < table.num_rows(); ++row) {
              if (column.is_valid(row) && dates[row] != partition_date) {
                report.fail(row, fmt::format("{} {} is not the partition's day {}", date_column,
                                             dates[row].to_string(), partition_date.to_string()));
              }
            }
          }};
}

Rule unique_code_rule(std::string name, std::string description) {
  return {std::move(name), Severity::kError, std::move(description),
          [](const Table& table, RuleReport& report) {
            // One day per partition, so (code, date) is unique iff code is; dates are checked
            // by date_is_partition.
            std::unordered_map<std::string_view, size_t> first_row;
            const auto& codes = table.column(kCodeColumn).as<std::string>();
            const auto& dates = table.column(kDateColumn).as<Date>();
            for (size_t row = 0; row < table.num_rows(); ++row) {
              const auto [it, inserted] = first_row.emplace(codes[row], row);
              if (!inserted && dates[it->second] == dates[row]) {
                report.fail(row, fmt::format("repeats the record of row {}", it->second));
              }
            }
          }};
}

std::vector<Rule> bars_rules(BarsContext context) {
  std::vector<Rule> rules;
  rules.push_back(key_present_rule("key_present", std::string(kCodeColumn)));
  rules.push_back(date_is_partition_rule(std::string(kDateColumn), context.partition_date));
  rules.push_back({"business_day", Severity::kError, "date is a TSE business day",
                   [calendar = context.calendar](const Table& table, RuleReport& report) {
                     const Column& column = table.column(kDateColumn);
                     const auto& dates = column.as<Date>();
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (column.is_valid(row) && !calendar->is_business_day(dates[row])) {
                         report.fail(row, fmt::format("{} is not a business day: {}",
                                                      dates[row].to_string(),
                                                      calendar->describe(dates[row]).reason));
                       }
                     }
                   }});
  rules.push_back(unique_code_rule("unique_code_date", "one record per (code, date)"));
  rules.push_back(
      {"halt_all_null_together", Severity::kError,
       "open, high, low, close, volume and turnover_value are all present, or all null (a "
       "day without trades)",
       [](const Table& table, RuleReport& report) {
         constexpr std::array kFields = {"open",  "high",   "low",
                                         "close", "volume", "turnover_value"};
         std::array<const std::vector<double>*, kFields.size()> values{};
         for (size_t i = 0; i < kFields.size(); ++i) {
           values[i] = &table.column(kFields[i]).as<double>();
         }
         for (size_t row = 0; row < table.num_rows(); ++row) {
           std::string missing;
           size_t count = 0;
           for (size_t i = 0; i < kFields.size(); ++i) {
             if (present((*values[i])[row])) continue;
             ++count;
             missing += missing.empty() ? "" : ", ";
             missing += kFields[i];
           }
           if (count != 0 && count != kFields.size()) {
             report.fail(row, fmt::format("only {} null", missing));
           }
         }
       }});
  rules.push_back({"price_positive", Severity::kError, "open, high, low and close are > 0",
                   [](const Table& table, RuleReport& report) {
                     report_fields(table, {"open", "high", "low", "close"}, report,
                                   [](double value) { return !present(value) || value > 0; });
                   }});
  rules.push_back({"ohlc_consistent", Severity::kError, "low <= open, close <= high",
                   [](const Table& table, RuleReport& report) {
                     const auto& open = table.column("open").as<double>();
                     const auto& high = table.column("high").as<double>();
                     const auto& low = table.column("low").as<double>();
                     const auto& close = table.column("close").as<double>();
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (!present(open[row]) || !present(high[row]) || !present(low[row]) ||
                           !present(close[row])) {
                         continue;
                       }
                       if (low[row] > std::min(open[row], close[row]) ||
                           high[row] < std::max(open[row], close[row])) {
                         report.fail(row, fmt::format("open {} high {} low {} close {}", open[row],
                                                      high[row], low[row], close[row]));
                       }
                     }
                   }});
  rules.push_back({"volume_non_negative", Severity::kError, "volume and turnover_value are >= 0",
                   [](const Table& table, RuleReport& report) {
                     report_fields(table, {"volume", "turnover_value"}, report,
                                   [](double value) { return !(value < 0); });
                   }});
  rules.push_back({"volume_zero_with_prices", Severity::kWarning,
                   "a day with prices has volume > 0 (J-Quants sends nulls, never 0, for a day "
                   "without trades)",
                   [](const Table& table, RuleReport& report) {
                     const auto& volume = table.column("volume").as<double>();
                     const auto& close = table.column("close").as<double>();
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (volume[row] == 0 && present(close[row])) report.fail(row, "volume 0");
                     }
                   }});
  rules.push_back({"limit_flags_valid", Severity::kError, "upper_limit and lower_limit are 0 or 1",
                   [](const Table& table, RuleReport& report) {
                     const Column& upper = table.column("upper_limit");
                     const Column& lower = table.column("lower_limit");
                     const auto flag = [](const Column& column, size_t row) {
                       return column.is_valid(row) &&
                              (column.as<int32_t>()[row] == 0 || column.as<int32_t>()[row] == 1);
                     };
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (!flag(upper, row) || !flag(lower, row)) {
                         report.fail(row, fmt::format("upper_limit {}, lower_limit {}",
                                                      upper.value_to_string(row),
                                                      lower.value_to_string(row)));
                       }
                     }
                   }});
  rules.push_back({"adjustment_factor_positive", Severity::kError,
                   "adjustment_factor is present, finite and > 0",
                   [](const Table& table, RuleReport& report) {
                     const auto& factor = table.column("adjustment_factor").as<double>();
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (!(std::isfinite(factor[row]) && factor[row] > 0)) {
                         report.fail(row, fmt::format("adjustment_factor is {}", factor[row]));
                       }
                     }
                   }});
  rules.push_back(
      {"jump_beyond_price_limit", Severity::kError,
       "close stays within the daily price limit of the previous close times the day's "
       "adjustment_factor (a split explains a jump; nothing else does)",
       [previous = std::move(context.previous_close)](const Table& table, RuleReport& report) {
         const auto& codes = table.column(kCodeColumn).as<std::string>();
         const auto& close = table.column("close").as<double>();
         const auto& factor = table.column("adjustment_factor").as<double>();
         for (size_t row = 0; row < table.num_rows(); ++row) {
           if (!present(close[row]) || !(factor[row] > 0)) continue;
           const auto it = previous.find(codes[row]);
           if (it == previous.end()) continue;
           // After a split the exchange rounds the adjusted base price onto the tick grid.
           const double base =
               factor[row] == 1 ? it->second : round_to_tick(it->second * factor[row]);
           const double limit = daily_limit_width(base);
           if (std::abs(close[row] - base) > limit + 1e-9 * base) {
             report.fail(row, fmt::format("close {} is {:+.0f} from the base price {} (previous "
                                          "close {} x adjustment_factor {}); the limit is {}",
                                          close[row], close[row] - base, base, it->second,
                                          factor[row], limit));
           }
         }
       }});
  return rules;
}

}  // namespace

Contract bars_contract(BarsContext context) {
  if (context.calendar == nullptr) throw internal_error("bars_contract needs a calendar");
  return Contract("bars_daily", endpoint_schema("bars_daily"), bars_rules(std::move(context)));
}

Contract master_contract(Date partition_date) {
  std::vector<Rule> rules;
  rules.push_back(key_present_rule("key_present", std::string(kCodeColumn)));
  rules.push_back(date_is_partition_rule(std::string(kDateColumn), partition_date));
  rules.push_back(unique_code_rule("unique_code", "one master record per code"));
  rules.push_back({"sector_codes_present", Severity::kWarning,
                   "sector33_code and sector17_code are present",
                   [](const Table& table, RuleReport& report) {
                     const Column& s33 = table.column("sector33_code");
                     const Column& s17 = table.column("sector17_code");
                     for (size_t row = 0; row < table.num_rows(); ++row) {
                       if (!s33.is_valid(row) || !s17.is_valid(row)) {
                         report.fail(row, "a sector code is null");
                       }
                     }
                   }});
  return Contract("equities_master", endpoint_schema("equities_master"), std::move(rules));
}

Contract investor_types_contract(Date partition_date) {
  std::vector<Rule> rules;
  rules.push_back(date_is_partition_rule("published_date", partition_date));
  rules.push_back(
      {"week_before_publication", Severity::kError, "start_date <= end_date < published_date",
       [](const Table& table, RuleReport& report) {
         const Column& start = table.column("start_date");
         const Column& end = table.column("end_date");
         const Column& published = table.column("published_date");
         for (size_t row = 0; row < table.num_rows(); ++row) {
           if (!start.is_valid(row) || !end.is_valid(row) || !published.is_valid(row) ||
               start.as<Date>()[row] > end.as<Date>()[row] ||
               !(end.as<Date>()[row] < published.as<Date>()[row])) {
             report.fail(row,
                         fmt::format("start {} end {} published {}", start.value_to_string(row),
                                     end.value_to_string(row), published.value_to_string(row)));
           }
         }
       }});
  rules.push_back(
      {"balance_identity", Severity::kWarning,
       "for every investor group, balance = buy - sell and total = sell + buy",
       [](const Table& table, RuleReport& report) {
         for (const jquants::FieldSpec& field : jquants::endpoint("investor_types").fields) {
           const std::string_view column = field.column;
           if (!column.ends_with("_balance")) continue;
           const std::string group(column.substr(0, column.size() - std::strlen("_balance")));
           const Column& sell = table.column(group + "_sell");
           const Column& buy = table.column(group + "_buy");
           const Column& total = table.column(group + "_total");
           const Column& balance = table.column(column);
           for (size_t row = 0; row < table.num_rows(); ++row) {
             if (!sell.is_valid(row) || !buy.is_valid(row) || !total.is_valid(row) ||
                 !balance.is_valid(row)) {
               continue;
             }
             const int64_t s = sell.as<int64_t>()[row];
             const int64_t b = buy.as<int64_t>()[row];
             if (balance.as<int64_t>()[row] != b - s || total.as<int64_t>()[row] != s + b) {
               report.fail(row, fmt::format("{}: sell {} buy {} total {} balance {}", group, s, b,
                                            total.as<int64_t>()[row], balance.as<int64_t>()[row]));
             }
           }
         }
       }});
  return Contract("investor_types", endpoint_schema("investor_types"), std::move(rules));
}

Table latest_investor_types(const Table& investor_types) {
  const auto& section = investor_types.column("section").as<std::string>();
  const auto& start = investor_types.column("start_date").as<Date>();
  const auto& end = investor_types.column("end_date").as<Date>();
  const auto& published = investor_types.column("published_date").as<Date>();
  std::vector<size_t> order(investor_types.num_rows());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto key = [&](size_t row) {
    return std::tie(start[row], section[row], end[row], published[row]);
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  std::vector<size_t> latest;
  for (size_t i = 0; i < order.size(); ++i) {
    const size_t row = order[i];
    const bool last_of_week = i + 1 == order.size() || start[order[i + 1]] != start[row] ||
                              section[order[i + 1]] != section[row] ||
                              end[order[i + 1]] != end[row];
    if (last_of_week) latest.push_back(row);
  }
  return investor_types.take(latest);
}

}  // namespace gogooku3::market::contracts
