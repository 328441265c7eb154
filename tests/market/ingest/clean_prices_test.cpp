// clean/prices: the contract split, the forward split adjustment that never rewrites a past
// partition, the previous-day requirement and re-runs that replace a day.
#include "market/ingest/clean_prices.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "../bars_builder.h"
#include "core/error.h"

namespace gogooku3::market {
namespace {

using testing::bars_table;
using testing::halted;
using testing::traded;

const TradingCalendar& calendar() {
  static const TradingCalendar instance;
  return instance;
}

class CleanPricesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("g3_clean_prices_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    lake_ = std::make_unique<storage::Lake>(
        storage::open_object_store("file://" + (root_ / "lake").string()));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write_raw(const std::string& day, const std::vector<testing::BarRow>& rows) {
    lake_->write_partition(kRawBarsDataset, Date::parse(day), bars_table(rows));
  }
  CleanPricesResult build(const std::string& day) {
    return build_clean_prices(*lake_, calendar(), Date::parse(day));
  }
  Table clean(const std::string& day) {
    return lake_->read_partition(kCleanPricesDataset, Date::parse(day));
  }

  std::filesystem::path root_;
  std::unique_ptr<storage::Lake> lake_;
};

TEST_F(CleanPricesTest, SplitAdjustedPricesStayContinuousAcrossTheExDate) {
  write_raw("2024-06-03",
            {traded("72030", "2024-06-03", 1000, 100), traded("86970", "2024-06-03", 3000)});
  // 1:2 split of 72030 on 06-04 (factor 0.5), another 1:2 on 06-06.
  write_raw("2024-06-04",
            {traded("72030", "2024-06-04", 510, 200, 0.5), traded("86970", "2024-06-04", 3010)});
  write_raw("2024-06-05", {halted("72030", "2024-06-05"), traded("86970", "2024-06-05", 3020)});
  write_raw("2024-06-06",
            {traded("72030", "2024-06-06", 250, 400, 0.5), traded("86970", "2024-06-06", 3030)});
  for (const char* day : {"2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"}) {
    const CleanPricesResult result = build(day);
    EXPECT_EQ(result.rows, 2) << day;
    EXPECT_EQ(result.quarantined, 0) << day;
  }
  const auto close_of = [&](const std::string& day, const char* column) {
    const Table table = clean(day);
    return table.column(column)
        .as<double>()[static_cast<size_t>(table.sort_by_code_date().rows_of("72030").begin)];
  };
  EXPECT_DOUBLE_EQ(close_of("2024-06-03", "adj_close"), 1000);
  EXPECT_DOUBLE_EQ(close_of("2024-06-04", "adj_close"), 1020);  // 510 / 0.5
  EXPECT_DOUBLE_EQ(close_of("2024-06-04", "cumulative_adjustment"), 0.5);
  EXPECT_TRUE(std::isnan(close_of("2024-06-05", "adj_close")));
  EXPECT_DOUBLE_EQ(close_of("2024-06-05", "cumulative_adjustment"), 0.5);  // carried over the halt
  EXPECT_DOUBLE_EQ(close_of("2024-06-06", "cumulative_adjustment"), 0.25);
  EXPECT_DOUBLE_EQ(close_of("2024-06-06", "adj_close"), 1000);  // 250 / 0.25
  EXPECT_DOUBLE_EQ(close_of("2024-06-06", "adj_volume"), 100);  // 400 * 0.25
  EXPECT_DOUBLE_EQ(close_of("2024-06-06", "close"), 250);       // raw kept
}

TEST_F(CleanPricesTest, BadRowsGoToQuarantineAndTheRestContinue) {
  write_raw("2024-06-03",
            {traded("72030", "2024-06-03", 1000), traded("86970", "2024-06-03", 3000)});
  // 72030 jumps 60% with no split; 86970 is fine.
  write_raw("2024-06-04",
            {traded("72030", "2024-06-04", 1600), traded("86970", "2024-06-04", 3010)});
  build("2024-06-03");
  const CleanPricesResult result = build("2024-06-04");
  EXPECT_EQ(result.rows, 1);
  EXPECT_EQ(result.quarantined, 1);
  EXPECT_EQ(result.findings_by_rule.at("jump_beyond_price_limit"), 1);
  const Table quarantine =
      lake_->read_partition(kQuarantinePricesDataset, Date::parse("2024-06-04"));
  ASSERT_EQ(quarantine.num_rows(), 1u);
  EXPECT_EQ(quarantine.column("code").as<std::string>()[0], "72030");
  EXPECT_EQ(quarantine.column("rule").as<std::string>()[0], "jump_beyond_price_limit");
  EXPECT_EQ(clean("2024-06-04").column("code").as<std::string>(),
            std::vector<std::string>{"86970"});
}

TEST_F(CleanPricesTest, RerunReplacesTheDayAndItsQuarantine) {
  write_raw("2024-06-03", {traded("72030", "2024-06-03", -1)});
  EXPECT_EQ(build("2024-06-03").quarantined, 1);
  write_raw("2024-06-03", {traded("72030", "2024-06-03", 1000)});
  EXPECT_EQ(build("2024-06-03").quarantined, 0);
  EXPECT_EQ(lake_->read_partition(kQuarantinePricesDataset, Date::parse("2024-06-03")).num_rows(),
            0u);
  EXPECT_EQ(clean("2024-06-03").num_rows(), 1u);
}

TEST_F(CleanPricesTest, GapInTheHistoryNamesTheDayToIngest) {
  write_raw("2024-06-03", {traded("72030", "2024-06-03", 1000)});
  write_raw("2024-06-05", {traded("72030", "2024-06-05", 1000)});
  build("2024-06-03");
  try {
    build("2024-06-05");
    FAIL() << "expected the missing 2024-06-04 to be named";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find("ingest 2024-06-04 first"), std::string::npos) << e.what();
  }
  EXPECT_THROW(lake_->read_partition(kCleanPricesDataset, Date::parse("2024-06-05")), Error);
}

TEST_F(CleanPricesTest, MissingRawDayIsNotFound) {
  try {
    build("2024-06-03");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
  }
}

}  // namespace
}  // namespace gogooku3::market
