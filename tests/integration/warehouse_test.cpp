// The warehouse against a real clickhouse-server: loads, reloads, migrations, failures and the
// lake-vs-warehouse verification.
#include "storage/warehouse/warehouse.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>

#include "clickhouse_test_server.h"
#include "core/error.h"
#include "storage/lake/lake.h"
#include "storage/object_store/object_store.h"
#include "storage/warehouse/warehouse_verify.h"

namespace gogooku3::storage::warehouse {
namespace {

const Date kDay = Date::from_ymd(2026, 11, 27);
const Date kNextDay = Date::from_ymd(2026, 11, 30);

Table prices(Date day, const std::vector<std::string>& codes, double base) {
  std::vector<Date> dates(codes.size(), day);
  std::vector<double> close;
  std::vector<std::optional<int32_t>> limit;
  std::vector<float> feature;
  for (size_t i = 0; i < codes.size(); ++i) {
    close.push_back(base + static_cast<double>(i));
    limit.push_back(i % 2 == 0 ? std::optional<int32_t>(static_cast<int32_t>(i)) : std::nullopt);
    feature.push_back(i % 3 == 0 ? std::numeric_limits<float>::quiet_NaN()
                                 : static_cast<float>(i) / 7.0F);
  }
  return Table({Column::of<std::string>("code", codes), Column::of<Date>("date", dates),
                Column::of<double>("close", close), Column::of_optional<int32_t>("limit", limit),
                Column::of<float>("ret_1d", feature)});
}

std::int64_t count(const ClickHouseClient& client, const std::string& sql) {
  return std::stoll(client.execute(sql + " FORMAT TSV"));
}

class WarehouseTest : public ::testing::Test {
 protected:
  TestDatabase database_{"warehouse"};
  Warehouse warehouse_{database_.options()};
};

TEST_F(WarehouseTest, LoadedDayReadsBackBitForBit) {
  const Table day = prices(kDay, {"1301", "130A0", "7203", "9984"}, 100.0);
  const LoadResult result = warehouse_.load_day("clean/prices", kDay, day);
  EXPECT_EQ(result.table, "clean_prices");
  EXPECT_EQ(result.rows, 4);
  EXPECT_EQ(result.tombstones, 0);
  EXPECT_GE(result.insert.blocks, 1U);
  EXPECT_LT(result.insert.sent_bytes, result.insert.raw_bytes);  // gzip
  const Table read = warehouse_.read_day("clean/prices", kDay, day.schema());
  EXPECT_EQ(read.first_difference(day), std::nullopt);
  EXPECT_EQ(warehouse_.row_counts("clean/prices", kDay, kDay),
            (std::map<Date, std::int64_t>{{kDay, 4}}));
}

TEST_F(WarehouseTest, TableFollowsTheIssuesLayout) {
  warehouse_.load_day("clean/prices", kDay, prices(kDay, {"1301"}, 1.0));
  const std::string ddl = warehouse_.client().execute("SHOW CREATE TABLE clean_prices FORMAT TSV");
  EXPECT_NE(ddl.find("ReplacingMergeTree(_version)"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("PARTITION BY toYYYYMM(date)"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("ORDER BY (code, date)"), std::string::npos) << ddl;
}

TEST_F(WarehouseTest, LoadingADayTwiceLeavesOneCopyOfEachRow) {
  const Table day = prices(kDay, {"1301", "7203", "9984"}, 100.0);
  const LoadResult first = warehouse_.load_day("clean/prices", kDay, day);
  const Table corrected = prices(kDay, {"1301", "7203", "9984"}, 200.0);
  const LoadResult second = warehouse_.load_day("clean/prices", kDay, corrected);
  EXPECT_GT(second.version, first.version);
  const auto& client = warehouse_.client();
  EXPECT_EQ(count(client, "SELECT count() FROM clean_prices FINAL WHERE _deleted = 0"), 3);
  EXPECT_EQ(warehouse_.read_day("clean/prices", kDay, day.schema()).first_difference(corrected),
            std::nullopt);
  // Physically too, once ClickHouse has merged the copies.
  EXPECT_EQ(count(client, "SELECT count() FROM clean_prices"), 6);
  warehouse_.optimize("clean/prices", kDay, kDay);
  EXPECT_EQ(count(client, "SELECT count() FROM clean_prices"), 3);
}

TEST_F(WarehouseTest, ReloadWithoutACodeRemovesIt) {
  warehouse_.load_day("clean/prices", kDay, prices(kDay, {"1301", "7203", "9984"}, 1.0));
  warehouse_.load_day("clean/prices", kNextDay, prices(kNextDay, {"1301", "7203"}, 1.0));
  const Table fewer = prices(kDay, {"1301", "9984"}, 5.0);
  const LoadResult reload = warehouse_.load_day("clean/prices", kDay, fewer);
  EXPECT_EQ(reload.tombstones, 1);  // 7203 on kDay; kNextDay untouched
  EXPECT_EQ(warehouse_.read_day("clean/prices", kDay, fewer.schema()).first_difference(fewer),
            std::nullopt);
  EXPECT_EQ(warehouse_.row_counts("clean/prices", kDay, kNextDay),
            (std::map<Date, std::int64_t>{{kDay, 2}, {kNextDay, 2}}));
  // An empty day removes everything of that day.
  warehouse_.load_day("clean/prices", kNextDay, prices(kNextDay, {}, 0.0));
  EXPECT_EQ(warehouse_.row_counts("clean/prices", kDay, kNextDay),
            (std::map<Date, std::int64_t>{{kDay, 2}}));
}

TEST_F(WarehouseTest, BulkLoadSpansDaysAndBlocks) {
  std::vector<Table> days;
  std::vector<std::string> codes;
  for (int i = 0; i < 9000; ++i) codes.push_back(fmt::format("{:04d}0", i));
  days.push_back(prices(kDay, codes, 1.0));
  days.push_back(prices(kNextDay, codes, 2.0));
  const Table both = Table::concat(days);
  const LoadResult result = warehouse_.load("clean/prices", both);
  EXPECT_EQ(result.insert.blocks, 2U);  // 18000 rows in blocks of 16384
  EXPECT_EQ(warehouse_.row_counts("clean/prices", kDay, kNextDay),
            (std::map<Date, std::int64_t>{{kDay, 9000}, {kNextDay, 9000}}));
  EXPECT_EQ(warehouse_.read_day("clean/prices", kNextDay, both.schema()).first_difference(days[1]),
            std::nullopt);
}

TEST_F(WarehouseTest, NewColumnIsAddedAndAChangedTypeIsRefused) {
  Table day = prices(kDay, {"1301"}, 1.0);
  warehouse_.load_day("clean/prices", kDay, day);
  day.add_column(Column::of<float>("ret_5d", {0.25F}));
  warehouse_.load_day("clean/prices", kDay, day);
  EXPECT_EQ(warehouse_.read_day("clean/prices", kDay, day.schema()).first_difference(day),
            std::nullopt);

  Warehouse fresh(database_.options());  // no memory of what it created
  Table changed = prices(kDay, {"1301"}, 1.0);
  changed.replace_column(Column::of<double>("ret_1d", {0.5}));
  try {
    fresh.load_day("clean/prices", kDay, changed);
    FAIL() << "a Float32 column was loaded as Float64";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("column ret_1d is Float32"), std::string::npos)
        << error.what();
  }
}

TEST_F(WarehouseTest, BadInputIsRefusedBeforeAnythingIsWritten) {
  Table twice = prices(kDay, {"1301", "1301"}, 1.0);
  EXPECT_THROW(warehouse_.load_day("clean/prices", kDay, twice), Error);
  EXPECT_THROW(warehouse_.load_day("clean/prices", kNextDay, prices(kDay, {"1301"}, 1.0)), Error);
  EXPECT_THROW(warehouse_.load_day("Clean Prices", kDay, prices(kDay, {"1301"}, 1.0)), Error);
  EXPECT_FALSE(warehouse_.has_table("clean/prices"));
}

TEST(WarehouseServerTest, WrongPasswordIsUnauthorizedWithoutLeakingIt) {
  ClickHouseOptions options = test_clickhouse_options();
  options.password = "not-the-password";
  try {
    ClickHouseClient(options).execute("SELECT 1");
    FAIL() << "a wrong password was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kUnauthorized);
    EXPECT_NE(std::string(error.what()).find("warehouse.clickhouse.password"), std::string::npos);
    EXPECT_EQ(std::string(error.what()).find("not-the-password"), std::string::npos);
  }
}

TEST(WarehouseServerTest, NoServerIsTransientAfterRetries) {
  ClickHouseOptions options = test_clickhouse_options();
  options.url = "http://127.0.0.1:1";  // nothing listens on port 1
  options.max_retries = 1;
  options.retry_base_delay = std::chrono::milliseconds(1);
  try {
    ClickHouseClient(options).execute("SELECT 1");
    FAIL() << "a closed port answered";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kTransient);
    EXPECT_NE(std::string(error.what()).find("after 2 attempts"), std::string::npos)
        << error.what();
  }
}

TEST(WarehouseServerTest, SqlErrorsCarryClickHousesMessage) {
  try {
    ClickHouseClient(test_clickhouse_options()).execute("SELEKT 1");
    FAIL() << "bad SQL was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("Syntax error"), std::string::npos) << error.what();
  }
}

// A server that refuses an INSERT while its body is still streaming: the server's reason is
// the error, not the encoder stopping because the request ended.
TEST(WarehouseServerTest, InsertRefusedMidStreamReportsTheServersReason) {
  const ClickHouseClient client(test_clickhouse_options());
  const std::string megabyte(1 << 20, 'x');
  try {
    client.insert("INSERT INTO gogooku3_no_such_table FORMAT Native", 200,
                  [&](size_t, std::string& out) { out = megabyte; });
    FAIL() << "an INSERT into a missing table succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kNotFound) << error.what();
    EXPECT_NE(std::string(error.what()).find("gogooku3_no_such_table"), std::string::npos)
        << error.what();
  }
}

TEST(WarehouseServerTest, EncoderFailureStopsTheInsertWithItsOwnError) {
  const ClickHouseClient client(test_clickhouse_options());
  try {
    client.insert("INSERT INTO system.numbers FORMAT Native", 50, [](size_t block, std::string&) {
      if (block == 3) throw invalid_input("block {} cannot be encoded", block);
    });
    FAIL() << "the encoder's failure was lost";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput) << error.what();
    EXPECT_EQ(std::string(error.what()), "block 3 cannot be encoded");
  }
}

class WarehouseVerifyTest : public WarehouseTest {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("gogooku3-verify-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    lake_ = std::make_unique<Lake>(open_object_store("file://" + home_.string()));
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  std::filesystem::path home_;
  std::unique_ptr<Lake> lake_;
};

TEST_F(WarehouseVerifyTest, AgreementAndEachKindOfDifferenceAreReported) {
  const Table first = prices(kDay, {"1301", "7203", "9984"}, 100.0);
  const Table second = prices(kNextDay, {"1301", "7203"}, 101.0);
  lake_->write_partition("clean/prices", kDay, first);
  lake_->write_partition("clean/prices", kNextDay, second);
  warehouse_.load_day("clean/prices", kDay, first);
  warehouse_.load_day("clean/prices", kNextDay, second);

  VerifyReport report = verify(*lake_, warehouse_, {"clean/prices"}, kDay, kNextDay);
  ASSERT_EQ(report.days.size(), 2U);
  EXPECT_EQ(report.mismatches(), 0);
  EXPECT_EQ(report.days[0].lake_rows, 3);
  EXPECT_EQ(report.days[0].warehouse_rows, 3);
  EXPECT_EQ(report.days[0].lake_checksum, report.days[0].warehouse_checksum);
  EXPECT_TRUE(report.days[0].lake_checksum.starts_with("sha256:"));

  // A value changed behind the lake's back, a day the lake lacks, a day the warehouse lacks.
  warehouse_.load_day("clean/prices", kDay, prices(kDay, {"1301", "7203", "9984"}, 100.5));
  const Date extra = Date::from_ymd(2026, 11, 26);
  warehouse_.load_day("clean/prices", extra, prices(extra, {"1301"}, 1.0));
  const Date missing = Date::from_ymd(2026, 12, 1);
  lake_->write_partition("clean/prices", missing, prices(missing, {"1301"}, 1.0));
  report = verify(*lake_, warehouse_, {"clean/prices"}, extra, missing);
  ASSERT_EQ(report.days.size(), 4U);
  EXPECT_EQ(report.mismatches(), 3);
  EXPECT_NE(report.days[0].difference.find("lake has no partition"), std::string::npos);
  EXPECT_NE(report.days[1].difference.find("close"), std::string::npos)
      << report.days[1].difference;
  EXPECT_TRUE(report.days[2].ok());
  EXPECT_NE(report.days[3].difference.find("warehouse none"), std::string::npos);
}

}  // namespace
}  // namespace gogooku3::storage::warehouse
