// Ingest into a lake on S3 (moto): the same sample days land as raw, quarantine and clean
// partitions on S3 as on local disk, with equal tables, and clean prices carry their split
// factors from the previous day's S3 partitions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "market/ingest/ingest.h"
#include "s3_test_server.h"
#include "storage/lake/lake.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::market {
namespace {

class S3IngestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setup_error_.clear();
    bucket_ = storage::create_test_bucket("ingest", setup_error_);
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    home_ = std::filesystem::temp_directory_path() / ("g3_s3_ingest_" + std::to_string(getpid()));
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
    metadata_ = std::make_unique<storage::SqliteMetadataStore>(home_ / "gogooku3.db");
    s3_ = std::make_unique<storage::Lake>(
        storage::open_object_store("s3://" + bucket_ + "/lake", storage::test_s3_options()),
        metadata_.get());
    local_ = std::make_unique<storage::Lake>(
        storage::open_object_store("file://" + (home_ / "lake").string()));
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  IngestSummary ingest(storage::Lake& lake, Date from, Date to) {
    SampleSource source(options_, calendar_, to);
    return ingest_days(source, lake, calendar_, calendar_.business_days(from, to));
  }

  static std::string bucket_;
  static std::string setup_error_;
  const TradingCalendar calendar_;
  // Seed 3 with 200 stocks has splits in these three months (checked below), so factors carry
  // across S3 partitions.
  sample::SampleOptions options_{.seed = 3, .stocks = 200, .start_date = Date::parse("2024-01-04")};
  std::filesystem::path home_;
  std::unique_ptr<storage::SqliteMetadataStore> metadata_;
  std::unique_ptr<storage::Lake> s3_;
  std::unique_ptr<storage::Lake> local_;
};

std::string S3IngestTest::bucket_;
std::string S3IngestTest::setup_error_;

TEST_F(S3IngestTest, SameTablesOnS3AsOnLocalDisk) {
  const Date from = Date::parse("2024-01-04");
  const Date to = Date::parse("2024-03-29");
  const IngestSummary on_s3 = ingest(*s3_, from, to);
  const IngestSummary on_disk = ingest(*local_, from, to);
  EXPECT_EQ(on_s3.clean_rows, on_disk.clean_rows);
  EXPECT_EQ(on_s3.days, calendar_.count_business_days(from, to));
  for (const char* dataset : {"raw/bars_daily", "raw/equities_master", "raw/investor_types",
                              "clean/prices", "quarantine/prices"}) {
    EXPECT_EQ(s3_->list_partitions(dataset).size(), static_cast<size_t>(on_s3.days)) << dataset;
    const Table remote = s3_->read_range(dataset, from, to);
    const Table local = local_->read_range(dataset, from, to);
    EXPECT_TRUE(remote.equals(local))
        << dataset << ": " << remote.first_difference(local).value_or("");
  }
  // Partition status (rows, checksum) is recorded for the S3 lake.
  for (const auto& partition : s3_->list_partitions("clean/prices")) {
    EXPECT_GE(partition.rows, 1) << partition.key;
    EXPECT_EQ(partition.checksum.rfind("sha256:", 0), 0u) << partition.key;
  }
  // At least one split happened, and its factor was carried from S3 to the next day.
  const Table clean =
      s3_->read_range("clean/prices", from, to, {"adjustment_factor", "cumulative_adjustment"});
  const auto& factor = clean.column("adjustment_factor").as<double>();
  const auto& cumulative = clean.column("cumulative_adjustment").as<double>();
  size_t splits = 0;
  size_t carried = 0;
  for (size_t row = 0; row < clean.num_rows(); ++row) {
    splits += factor[row] != 1.0 ? 1 : 0;
    carried += factor[row] == 1.0 && cumulative[row] != 1.0 ? 1 : 0;
  }
  EXPECT_GT(splits, 0u);
  EXPECT_GT(carried, 0u);
}

}  // namespace
}  // namespace gogooku3::market
