// The lake on S3 (moto): the same partitions, byte for byte, as on local disk; ranged, projected
// reads; a rewrite replaces a day. The status of each partition lands in the metadata database.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "s3_test_server.h"
#include "storage/lake/lake.h"
#include "storage/metadata/sqlite_metadata_store.h"
#include "storage/parquet/reader.h"

namespace gogooku3::storage {
namespace {

Table feature_day(Date date, int codes, double base) {
  Column code("code", ColumnType::kString);
  Column day("date", ColumnType::kDate);
  Column alpha("alpha", ColumnType::kDouble);
  Column beta("beta", ColumnType::kFloat);
  for (int i = 0; i < codes; ++i) {
    code.append(std::string_view(fmt::format("{:04d}0", 1300 + i)));
    day.append(date);
    alpha.append(base + i * 0.25);
    beta.append(i % 7 == 0 ? NAN : static_cast<float>(i));
  }
  return Table({code, day, alpha, beta});
}

class S3LakeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setup_error_.clear();
    bucket_ = create_test_bucket("lake", setup_error_);
  }

  void SetUp() override {
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    home_ = std::filesystem::temp_directory_path() / ("g3_s3_lake_" + std::to_string(getpid()));
    std::filesystem::remove_all(home_);
    metadata_ = std::make_unique<SqliteMetadataStore>(home_ / "gogooku3.db");
    const std::string prefix =
        std::string("lake/") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    s3_ = std::make_unique<Lake>(
        open_object_store("s3://" + bucket_ + "/" + prefix, test_s3_options()), metadata_.get());
    local_ = std::make_unique<Lake>(open_object_store("file://" + (home_ / "lake").string()));
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  static std::string bucket_;
  static std::string setup_error_;
  std::filesystem::path home_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<Lake> s3_;
  std::unique_ptr<Lake> local_;
  const Date day1_ = Date::from_ymd(2026, 9, 24);
  const Date day2_ = Date::from_ymd(2026, 9, 25);
};

std::string S3LakeTest::bucket_;
std::string S3LakeTest::setup_error_;

TEST_F(S3LakeTest, PartitionsMatchLocalDiskByteForByte) {
  for (const Date day : {day1_, day2_}) {
    const Table table = feature_day(day, 500, day.days_since_epoch());
    const LakePartition on_s3 = s3_->write_partition("features/abc123", day, table);
    const LakePartition on_disk = local_->write_partition("features/abc123", day, table);
    EXPECT_EQ(on_s3.checksum, on_disk.checksum);
    EXPECT_EQ(on_s3.bytes, on_disk.bytes);
    EXPECT_EQ(on_s3.key, on_disk.key);
    EXPECT_EQ(metadata_->get_partition_status("features/abc123", day.to_string())->checksum,
              on_s3.checksum);
  }
  const auto partitions = s3_->list_partitions("features/abc123");
  ASSERT_EQ(partitions.size(), 2u);
  EXPECT_EQ(partitions[1].rows, 500);
}

TEST_F(S3LakeTest, ReadsRangesWithProjectionAndRewritesReplace) {
  s3_->write_partition("clean/prices", day1_, feature_day(day1_, 10, 1));
  s3_->write_partition("clean/prices", day2_, feature_day(day2_, 10, 2));
  const Table replaced = feature_day(day2_, 3, 9);
  s3_->write_partition("clean/prices", day2_, replaced);

  const Table range = s3_->read_range("clean/prices", day1_, day2_, {"code", "alpha"});
  EXPECT_EQ(range.num_rows(), 13u);
  EXPECT_EQ(range.num_columns(), 2u);
  EXPECT_EQ(s3_->read_partition("clean/prices", day2_).first_difference(replaced), std::nullopt);

  // The reader works over ranged GETs of the object, with row-group statistics.
  const parquet::Reader reader =
      parquet::Reader::open(s3_->store().open_read(Lake::partition_key("clean/prices", day1_)));
  EXPECT_EQ(reader.num_rows(), 10);
  parquet::ReadOptions only;
  only.codes = std::vector<std::string>{"13030"};
  EXPECT_EQ(reader.read(only).num_rows(), 1u);
}

}  // namespace
}  // namespace gogooku3::storage
