// ingest_days over the sample source into a local lake: the raw, clean and quarantine
// partitions of each day, re-runs that replace instead of append, and the errors for days that
// cannot be ingested.
#include "market/ingest/ingest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::market {
namespace {

const TradingCalendar& calendar() {
  static const TradingCalendar instance;
  return instance;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("g3_ingest_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    metadata_ = std::make_unique<storage::SqliteMetadataStore>(root_ / "gogooku3.db");
    lake_ = std::make_unique<storage::Lake>(
        storage::open_object_store("file://" + (root_ / "lake").string()), metadata_.get());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  IngestSummary ingest(Date from, Date to) {
    SampleSource source(options_, calendar(), to);
    return ingest_days(source, *lake_, calendar(), calendar().business_days(from, to));
  }

  sample::SampleOptions options_{.seed = 7, .stocks = 60, .start_date = Date::parse("2024-01-04")};
  std::filesystem::path root_;
  std::unique_ptr<storage::SqliteMetadataStore> metadata_;
  std::unique_ptr<storage::Lake> lake_;
};

TEST_F(IngestTest, FillsRawCleanAndQuarantinePartitionsForEveryDay) {
  const Date from = Date::parse("2024-01-04");
  const Date to = Date::parse("2024-02-29");
  const IngestSummary summary = ingest(from, to);
  const int days = calendar().count_business_days(from, to);
  EXPECT_EQ(summary.days, days);
  for (const char* dataset :
       {"raw/bars_daily", "raw/equities_master", "raw/topix", "raw/investor_types", "clean/prices",
        "quarantine/prices", "quarantine/equities_master", "quarantine/investor_types"}) {
    const auto partitions = lake_->list_partitions(dataset);
    EXPECT_EQ(partitions.size(), static_cast<size_t>(days)) << dataset;
    for (const auto& partition : partitions) EXPECT_GE(partition.rows, 0) << dataset;
  }
  EXPECT_GT(summary.raw_rows.at("bars_daily"), 50 * days);
  EXPECT_EQ(summary.raw_rows.at("topix"), days);
  EXPECT_GT(summary.raw_rows.at("investor_types"), 0);  // weekly publications happened
  // The sample market is clean: everything it sends passes the contracts.
  EXPECT_EQ(summary.quarantined_rows, 0) << summary.findings_by_rule.size();
  EXPECT_EQ(summary.clean_rows, summary.raw_rows.at("bars_daily"));

  const Table clean = lake_->read_range("clean/prices", from, to);
  EXPECT_EQ(static_cast<int64_t>(clean.num_rows()), summary.clean_rows);
  EXPECT_TRUE(clean.has_column("cumulative_adjustment"));
}

TEST_F(IngestTest, RerunReplacesDaysInsteadOfAppending) {
  const Date from = Date::parse("2024-01-04");
  const Date to = Date::parse("2024-01-19");
  const IngestSummary first = ingest(from, to);
  const Table before = lake_->read_range("clean/prices", from, to);
  const IngestSummary second = ingest(from, to);
  const Table after = lake_->read_range("clean/prices", from, to);
  EXPECT_EQ(first.clean_rows, second.clean_rows);
  EXPECT_TRUE(before.equals(after)) << before.first_difference(after).value_or("");
  EXPECT_EQ(lake_->list_partitions("raw/bars_daily").size(),
            static_cast<size_t>(calendar().count_business_days(from, to)));
}

TEST_F(IngestTest, NonBusinessDayIsRefusedBeforeAnythingIsWritten) {
  SampleSource source(options_, calendar(), Date::parse("2024-01-08"));
  try {
    ingest_days(source, *lake_, calendar(), {Date::parse("2024-01-05"), Date::parse("2024-01-08")});
    FAIL() << "2024-01-08 (Coming-of-Age Day) must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("2024-01-08"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(lake_->datasets().empty());
}

TEST_F(IngestTest, SampleSourceRefusesEndpointsItDoesNotSimulate) {
  SampleSource source(options_, calendar(), Date::parse("2024-01-05"));
  IngestOptions options;
  options.assets = {"margin_interest"};
  try {
    ingest_days(source, *lake_, calendar(), {Date::parse("2024-01-05")}, options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find("margin_interest"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gogooku3::market
