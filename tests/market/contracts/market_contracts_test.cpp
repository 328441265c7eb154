// The bars, master and investor-type contracts: each rule quarantines what it must, and only
// that. One case per rule, written as data where the rule allows.
#include "market/contracts/market_contracts.h"

#include <gtest/gtest.h>

#include "../bars_builder.h"
#include "core/error.h"

namespace gogooku3::market::contracts {
namespace {

using testing::BarRow;
using testing::bars_table;
using testing::halted;
using testing::traded;

const TradingCalendar& calendar() {
  static const TradingCalendar instance;
  return instance;
}

const Date kDay = Date::parse("2024-06-04");  // a Tuesday

ContractOutcome check_bars(const std::vector<BarRow>& rows,
                           std::map<std::string, double, std::less<>> previous_close = {}) {
  return bars_contract({kDay, &calendar(), std::move(previous_close)}).check(bars_table(rows));
}

std::vector<std::string> quarantined_rules(const ContractOutcome& outcome) {
  if (outcome.quarantined.num_rows() == 0) return {};
  return outcome.quarantined.column("rule").as<std::string>();
}

TEST(BarsContractTest, CleanDayPassesWhole) {
  const ContractOutcome outcome =
      check_bars({traded("13010", "2024-06-04", 2047), halted("13050", "2024-06-04"),
                  traded("130A0", "2024-06-04", 500)});
  EXPECT_EQ(outcome.passed.num_rows(), 3u);
  EXPECT_EQ(outcome.quarantined.num_rows(), 0u);
  EXPECT_TRUE(outcome.findings_by_rule.empty());
  // The quarantine keeps the schema even when empty, plus the verdict columns.
  EXPECT_TRUE(outcome.quarantined.has_column("reason"));
  EXPECT_TRUE(outcome.quarantined.has_column("close"));
}

struct RuleCase {
  const char* name;
  BarRow row;
  const char* rule;
};

class BarsRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(BarsRuleTest, QuarantinesTheRowWithItsRule) {
  const RuleCase& c = GetParam();
  const ContractOutcome outcome =
      check_bars({traded("13010", "2024-06-04", 1000), c.row}, {{"72030", 1000.0}});
  ASSERT_EQ(outcome.quarantined.num_rows(), 1u) << outcome.quarantined.to_string();
  EXPECT_EQ(outcome.quarantined.column("rule").as<std::string>()[0], c.rule);
  EXPECT_EQ(outcome.quarantined.column("severity").as<std::string>()[0], "error");
  EXPECT_EQ(outcome.passed.num_rows(), 1u);
  EXPECT_EQ(outcome.findings_by_rule.at(c.rule), 1);
}

BarRow partial_null() {
  BarRow row = traded("72030", "2024-06-04", 1000);
  row.volume = NAN;
  return row;
}
BarRow inverted() {
  BarRow row = traded("72030", "2024-06-04", 1000);
  row.low = 1010;
  return row;
}
BarRow negative_volume() { return traded("72030", "2024-06-04", 1000, -100); }
BarRow zero_factor() { return traded("72030", "2024-06-04", 1000, 1000, 0.0); }
BarRow bad_flag() {
  BarRow row = traded("72030", "2024-06-04", 1000);
  row.upper_limit = 2;
  return row;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BarsRuleTest,
    ::testing::Values(
        RuleCase{"short_code", traded("7203", "2024-06-04", 1000), "key_present"},
        RuleCase{"other_day", traded("72030", "2024-06-03", 1000), "date_is_partition"},
        RuleCase{"partial_null", partial_null(), "halt_all_null_together"},
        RuleCase{"negative_price", traded("72030", "2024-06-04", -5), "price_positive"},
        RuleCase{"low_above_open", inverted(), "ohlc_consistent"},
        RuleCase{"negative_volume", negative_volume(), "volume_non_negative"},
        RuleCase{"zero_factor", zero_factor(), "adjustment_factor_positive"},
        RuleCase{"limit_flag_2", bad_flag(), "limit_flags_valid"},
        // 1000 -> 1400 is beyond the 300 yen limit of a 1000 yen base price.
        RuleCase{"limit_jump", traded("72030", "2024-06-04", 1400), "jump_beyond_price_limit"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return std::string(info.param.name); });

TEST(BarsContractTest, SplitExplainsTheJump) {
  // 1:2 split on the ex-date: 1000 -> 505 is a 5 yen move from the adjusted base of 500.
  const ContractOutcome outcome =
      check_bars({traded("72030", "2024-06-04", 505, 2000, 0.5)}, {{"72030", 1000.0}});
  EXPECT_EQ(outcome.quarantined.num_rows(), 0u) << outcome.quarantined.to_string();
  // Without the factor the same price is a 50% fall.
  const ContractOutcome unexplained =
      check_bars({traded("72030", "2024-06-04", 505, 2000, 1.0)}, {{"72030", 1000.0}});
  EXPECT_EQ(quarantined_rules(unexplained), std::vector<std::string>{"jump_beyond_price_limit"});
}

TEST(BarsContractTest, SplitBasePriceIsRoundedOntoTheTickGrid) {
  // 1:3 split of a 1001 yen stock: the base is 333.67 rounded to 334, whose limit is 80 yen, so
  // limit-up is 414: 80.33 yen from the unrounded base, which must not count as a jump.
  const ContractOutcome outcome =
      check_bars({traded("72030", "2024-06-04", 414, 3000, 1.0 / 3)}, {{"72030", 1001.0}});
  EXPECT_EQ(outcome.quarantined.num_rows(), 0u) << outcome.quarantined.to_string();
}

TEST(BarsContractTest, MoveAtTheLimitPasses) {
  // Base 900: the limit is 150 yen, so 1050 (limit up) passes and 1051 does not.
  EXPECT_EQ(
      check_bars({traded("72030", "2024-06-04", 1050)}, {{"72030", 900.0}}).quarantined.num_rows(),
      0u);
  EXPECT_EQ(
      check_bars({traded("72030", "2024-06-04", 1051)}, {{"72030", 900.0}}).quarantined.num_rows(),
      1u);
}

TEST(BarsContractTest, DuplicateKeepsTheFirst) {
  const ContractOutcome outcome =
      check_bars({traded("72030", "2024-06-04", 1000), traded("72030", "2024-06-04", 1001)});
  ASSERT_EQ(outcome.passed.num_rows(), 1u);
  EXPECT_EQ(outcome.passed.column("close").as<double>()[0], 1000);
  EXPECT_EQ(quarantined_rules(outcome), std::vector<std::string>{"unique_code_date"});
}

TEST(BarsContractTest, NonBusinessDayIsQuarantined) {
  const Date saturday = Date::parse("2024-06-08");
  const ContractOutcome outcome = bars_contract({saturday, &calendar(), {}})
                                      .check(bars_table({traded("72030", "2024-06-08", 1000)}));
  EXPECT_EQ(quarantined_rules(outcome), std::vector<std::string>{"business_day"});
  EXPECT_NE(outcome.quarantined.column("reason").as<std::string>()[0].find("Saturday"),
            std::string::npos)
      << outcome.quarantined.column("reason").as<std::string>()[0];
}

TEST(BarsContractTest, RowFailingTwoRulesIsQuarantinedOnceWithBothReasons) {
  BarRow row = traded("72030", "2024-06-04", 1000, -1);
  row.upper_limit = 7;
  const ContractOutcome outcome = check_bars({row});
  ASSERT_EQ(outcome.quarantined.num_rows(), 1u);
  EXPECT_EQ(outcome.quarantined.column("rule").as<std::string>()[0], "volume_non_negative");
  const std::string reason = outcome.quarantined.column("reason").as<std::string>()[0];
  EXPECT_NE(reason.find("limit_flags_valid"), std::string::npos) << reason;
  EXPECT_EQ(outcome.findings_by_rule.size(), 2u);
}

TEST(BarsContractTest, ZeroVolumeWithPricesIsAWarningNotAQuarantine) {
  const ContractOutcome outcome = check_bars({traded("72030", "2024-06-04", 1000, 0)});
  EXPECT_EQ(outcome.passed.num_rows(), 1u);
  EXPECT_EQ(outcome.findings_by_rule.at("volume_zero_with_prices"), 1);
  ASSERT_EQ(outcome.warnings.size(), 1u);
  EXPECT_NE(outcome.warnings[0].find("72030 2024-06-04"), std::string::npos) << outcome.warnings[0];
}

TEST(BarsContractTest, WrongColumnTypeIsASchemaError) {
  Table table = bars_table({traded("72030", "2024-06-04", 1000)});
  table.replace_column(Column::of<std::string>("close", {"1000"}));
  try {
    bars_contract({kDay, &calendar(), {}}).check(table);
    FAIL() << "expected a schema error";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("'close' must be double, got string"), std::string::npos)
        << e.what();
  }
}

Table investor_rows(const std::vector<std::tuple<std::string, std::string, std::string, int64_t>>&
                        rows /* section, start, published, foreigners_buy */) {
  Table table;
  for (const jquants::FieldSpec& field : jquants::endpoint("investor_types").fields) {
    Column column(std::string(field.column), field.type);
    for (const auto& [section, start, published, buy] : rows) {
      const std::string_view name = field.column;
      if (name == "section") {
        column.append(section);
      } else if (name == "start_date") {
        column.append(Date::parse(start));
      } else if (name == "end_date") {
        column.append(Date::parse(start) + 4);
      } else if (name == "published_date") {
        column.append(Date::parse(published));
      } else if (name == "foreigners_buy") {
        column.append(buy);
      } else if (name == "foreigners_total") {
        column.append(buy + 100);
      } else if (name == "foreigners_balance") {
        column.append(buy - 100);
      } else if (name == "foreigners_sell") {
        column.append(int64_t{100});
      } else {
        column.append(int64_t{0});
      }
    }
    table.add_column(std::move(column));
  }
  return table;
}

TEST(InvestorTypesTest, LatestPublicationWins) {
  const Table all = investor_rows({{"TSEPrime", "2024-06-03", "2024-06-13", 500},
                                   {"TSEPrime", "2024-06-03", "2024-06-14", 600},  // correction
                                   {"TSEGrowth", "2024-06-03", "2024-06-13", 70},
                                   {"TSEPrime", "2024-05-27", "2024-06-06", 400}});
  const Table latest = latest_investor_types(all);
  ASSERT_EQ(latest.num_rows(), 3u);
  const auto& sections = latest.column("section").as<std::string>();
  const auto& buys = latest.column("foreigners_buy").as<int64_t>();
  EXPECT_EQ(sections, (std::vector<std::string>{"TSEPrime", "TSEGrowth", "TSEPrime"}));
  EXPECT_EQ(buys, (std::vector<int64_t>{400, 70, 600}));
}

TEST(InvestorTypesTest, ContractChecksPublicationAfterTheWeekAndBalances) {
  Table table = investor_rows({{"TSEPrime", "2024-06-03", "2024-06-13", 500},
                               {"TSEGrowth", "2024-06-10", "2024-06-13", 70}});
  const ContractOutcome outcome = investor_types_contract(Date::parse("2024-06-13")).check(table);
  EXPECT_EQ(quarantined_rules(outcome), std::vector<std::string>{"week_before_publication"});

  auto balance = table.column("foreigners_balance").as<int64_t>();
  balance[0] = 1;
  table.replace_column(Column::of<int64_t>("foreigners_balance", balance));
  const ContractOutcome warned = investor_types_contract(Date::parse("2024-06-13")).check(table);
  EXPECT_EQ(warned.findings_by_rule.at("balance_identity"), 1);
}

}  // namespace
}  // namespace gogooku3::market::contracts
