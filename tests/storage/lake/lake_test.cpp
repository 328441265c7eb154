#include "storage/lake/lake.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::storage {
namespace {

Table prices(Date date, std::vector<std::string> codes, double base) {
  std::vector<Date> dates(codes.size(), date);
  std::vector<double> close;
  for (size_t i = 0; i < codes.size(); ++i) close.push_back(base + static_cast<double>(i));
  return Table({Column::of<std::string>("code", std::move(codes)),
                Column::of<Date>("date", std::move(dates)),
                Column::of<double>("close", std::move(close))});
}

std::string sha256_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string text = bytes.str();
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), hash);
  std::string hex = "sha256:";
  for (unsigned char byte : hash) hex += fmt::format("{:02x}", byte);
  return hex;
}

class LakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("g3_lake_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(root_);
    metadata_ = std::make_unique<SqliteMetadataStore>(root_ / "gogooku3.db");
    lake_ = std::make_unique<Lake>(open_object_store("file://" + (root_ / "lake").string()),
                                   metadata_.get());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<Lake> lake_;
  const Date day1_ = Date::from_ymd(2026, 9, 24);
  const Date day2_ = Date::from_ymd(2026, 9, 25);
  const Date day3_ = Date::from_ymd(2026, 9, 28);
};

TEST_F(LakeTest, WritesHivePartitionsAndRecordsTheirStatus) {
  const Table table = prices(day1_, {"13010", "130A0", "86970"}, 100);
  const LakePartition written = lake_->write_partition("clean/prices", day1_, table);
  EXPECT_EQ(written.key, "clean/prices/date=2026-09-24/data.parquet");
  const std::filesystem::path file = root_ / "lake" / written.key;
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(written.rows, 3);
  EXPECT_EQ(written.bytes, std::filesystem::file_size(file));
  EXPECT_EQ(written.checksum, sha256_of_file(file));

  const auto status = metadata_->get_partition_status("clean/prices", "2026-09-24");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, PartitionState::kMaterialized);
  EXPECT_EQ(status->row_count, 3);
  EXPECT_EQ(status->checksum, written.checksum);

  EXPECT_EQ(lake_->read_partition("clean/prices", day1_).first_difference(table), std::nullopt);
}

TEST_F(LakeTest, RewritingADayReplacesIt) {
  lake_->write_partition("clean/prices", day1_, prices(day1_, {"13010", "86970"}, 100));
  const Table again = prices(day1_, {"13010", "72030", "86970"}, 200);
  const LakePartition second = lake_->write_partition("clean/prices", day1_, again);
  EXPECT_EQ(lake_->read_range("clean/prices", day1_, day1_).first_difference(again), std::nullopt);
  EXPECT_EQ(metadata_->get_partition_status("clean/prices", "2026-09-24")->checksum,
            second.checksum);
  EXPECT_EQ(lake_->list_partitions("clean/prices").size(), 1u);
}

TEST_F(LakeTest, ListsAndReadsRangesInDateOrderWithProjection) {
  lake_->write_partition("clean/prices", day3_, prices(day3_, {"13010"}, 3));
  lake_->write_partition("clean/prices", day1_, prices(day1_, {"13010"}, 1));
  lake_->write_partition("raw/bars_daily", day2_, prices(day2_, {"13010"}, 2));

  const std::vector<LakePartition> partitions = lake_->list_partitions("clean/prices");
  ASSERT_EQ(partitions.size(), 2u);
  EXPECT_EQ(partitions[0].date, day1_);
  EXPECT_EQ(partitions[1].date, day3_);
  EXPECT_EQ(partitions[1].rows, 1);

  const Table range = lake_->read_range("clean/prices", day1_, day3_, {"date", "close"});
  ASSERT_EQ(range.num_columns(), 2u);
  EXPECT_EQ(range.column("close").as<double>(), (std::vector<double>{1, 3}));
  EXPECT_EQ(lake_->read_range("clean/prices", day2_, day2_).num_rows(), 0u);
  EXPECT_EQ(lake_->datasets(), (std::vector<std::string>{"clean/prices", "raw/bars_daily"}));
}

TEST_F(LakeTest, ListingWithoutMetadataStillShowsFiles) {
  lake_->write_partition("clean/prices", day1_, prices(day1_, {"13010"}, 1));
  const Lake bare(open_object_store("file://" + (root_ / "lake").string()));
  const auto partitions = bare.list_partitions("clean/prices");
  ASSERT_EQ(partitions.size(), 1u);
  EXPECT_EQ(partitions[0].rows, -1);
  EXPECT_GT(partitions[0].bytes, 0u);
}

TEST_F(LakeTest, BadNamesAndMissingDaysAreNamed) {
  for (const char* dataset : {"", "clean/prices/date=2026-09-24", "../etc", "/abs"}) {
    try {
      Lake::partition_key(dataset, day1_);
      ADD_FAILURE() << dataset;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput) << dataset;
    }
  }
  try {
    lake_->read_partition("clean/prices", day2_);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kNotFound);
    EXPECT_NE(std::string(e.what()).find("date=2026-09-25"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gogooku3::storage
