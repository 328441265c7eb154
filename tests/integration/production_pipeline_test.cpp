// The production setup end to end, through the real binary: the same backfill and daily run
// once on the embedded default (local lake, SQLite) and once on servers (lake on S3 in moto,
// metadata in PostgreSQL, warehouse in ClickHouse). The two lakes must hold exactly the same
// partitions (rows, bytes, SHA-256), `warehouse verify` must pass, and loading a day into
// ClickHouse again must leave one copy of each row.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "../cli/run_command.h"
#include "clickhouse_test_server.h"
#include "postgres_test_server.h"
#include "s3_test_server.h"
#include "storage/warehouse/warehouse.h"

namespace gogooku3 {
namespace {

using gogooku3::testing::CommandResult;
using gogooku3::testing::run_command;

constexpr const char* kFrom = "2026-10-01";
constexpr const char* kTo = "2026-10-16";
constexpr const char* kDaily = "2026-10-19";

std::string quoted(const std::string& text) { return "'" + text + "'"; }

class ProductionPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("gogooku3-production-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    // A small sample market so both setups run in seconds.
    std::ofstream(root_ / "config.yaml") << "sample:\n  stocks: 40\n"
                                            "  start_date: \"2025-01-06\"\n";
    std::string error;
    bucket_ = storage::create_test_bucket("production", error);
    ASSERT_FALSE(bucket_.empty()) << error;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // The embedded default: everything under one home directory.
  std::string embedded(const std::string& arguments) const {
    return fmt::format(
        "env -u GOGOOKU3_LAKE -u GOGOOKU3_DB_URL -u GOGOOKU3_CLICKHOUSE_URL {} {} "
        "--home {} --config {}",
        GOGOOKU3_BINARY, arguments, quoted((root_ / "embedded").string()),
        quoted((root_ / "config.yaml").string()));
  }

  // The servers: only logs stay in the home directory.
  std::string production(const std::string& arguments) const {
    return fmt::format(
        "env GOGOOKU3_LAKE={} AWS_ENDPOINT_URL={} GOGOOKU3_S3_PATH_STYLE=true "
        "GOGOOKU3_S3_IRI_REQUEST_LINE={} GOGOOKU3_DB_URL={} GOGOOKU3_CLICKHOUSE_URL={} "
        "GOGOOKU3_CLICKHOUSE_USER={} GOGOOKU3_CLICKHOUSE_PASSWORD={} "
        "GOGOOKU3_CLICKHOUSE_DATABASE={} {} {} --home {} --config {}",
        quoted("s3://" + bucket_ + "/lake"), quoted(storage::test_s3_endpoint()),
        storage::test_s3_options().iri_request_line ? "true" : "false", quoted(postgres_.url()),
        quoted(clickhouse_.options().url), quoted(clickhouse_.options().user),
        quoted(clickhouse_.options().password), clickhouse_.name(), GOGOOKU3_BINARY, arguments,
        quoted((root_ / "production").string()), quoted((root_ / "config.yaml").string()));
  }

  static CommandResult must(const std::string& command) {
    CommandResult result = run_command(command);
    EXPECT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    return result;
  }

  // Dataset → `lake ls DATASET` (date, rows, bytes, checksum per day).
  static std::map<std::string, std::string> lake_listing(
      const std::function<std::string(const std::string&)>& command) {
    std::map<std::string, std::string> listing;
    const std::string datasets = must(command("lake ls")).output;
    std::istringstream lines(datasets);
    for (std::string line; std::getline(lines, line);) {
      const std::string dataset = line.substr(0, line.find(' '));
      if (dataset.empty()) continue;
      listing[dataset] = must(command("lake ls " + dataset)).output;
    }
    return listing;
  }

  std::filesystem::path root_;
  std::string bucket_;
  storage::PostgresTestDatabase postgres_;
  storage::warehouse::TestDatabase clickhouse_{"production"};
};

TEST_F(ProductionPipelineTest, ServersGiveTheSameResultsAsTheEmbeddedDefault) {
  const std::string backfill =
      fmt::format("backfill --from {} --to {} --source sample --quiet", kFrom, kTo);
  const std::string daily = fmt::format("run daily --date {} --source sample --quiet", kDaily);
  for (const auto& setup : {std::function<std::string(const std::string&)>(
                                [this](const std::string& a) { return embedded(a); }),
                            std::function<std::string(const std::string&)>(
                                [this](const std::string& a) { return production(a); })}) {
    must(setup(backfill));
    must(setup(daily));
  }

  // Exactly the same partitions, on local disk and on S3.
  const auto local = lake_listing([this](const std::string& a) { return embedded(a); });
  const auto remote = lake_listing([this](const std::string& a) { return production(a); });
  ASSERT_GE(local.size(), 8U);  // raw/*, clean/prices, quarantine/*, features/<hash>
  EXPECT_EQ(local, remote);
  ASSERT_TRUE(local.contains("clean/prices"));
  EXPECT_NE(local.at("clean/prices").find(kDaily), std::string::npos);

  // Runs and statuses went to PostgreSQL; the warehouse steps ran in the daily job.
  const std::string runs = must(production("runs")).output;
  EXPECT_NE(runs.find("daily"), std::string::npos) << runs;
  EXPECT_NE(runs.find("succeeded"), std::string::npos) << runs;
  const std::string status = must(production("status --from 2026-10-01 --to 2026-10-19")).output;
  EXPECT_NE(status.find("warehouse_prices"), std::string::npos) << status;
  EXPECT_NE(status.find("warehouse_features"), std::string::npos) << status;

  // ClickHouse holds what the lake holds, day by day.
  const std::string verify = fmt::format("warehouse verify --from {} --to {}", kFrom, kDaily);
  const CommandResult verified = must(production(verify));
  EXPECT_NE(verified.output.find(", 0 differ"), std::string::npos) << verified.output;
  EXPECT_NE(verified.output.find(kDaily), std::string::npos) << verified.output;

  // Loading the daily partition again leaves one copy of each row.
  must(production(fmt::format("materialize warehouse_prices --date {}", kDaily)));
  must(production(fmt::format("materialize warehouse_features --date {}", kDaily)));
  EXPECT_EQ(must(production(verify)).exit_code, 0);
  const storage::warehouse::Warehouse warehouse(clickhouse_.options());
  const auto& client = warehouse.client();
  const std::string day_filter = fmt::format("WHERE date = '{}'", kDaily);
  const std::string live = client.execute("SELECT count() FROM clean_prices FINAL " + day_filter +
                                          " AND _deleted = 0 FORMAT TSV");
  warehouse.optimize("clean/prices", Date::parse(kDaily), Date::parse(kDaily));
  const std::string physical =
      client.execute("SELECT count() FROM clean_prices " + day_filter + " FORMAT TSV");
  EXPECT_EQ(live, physical);
  EXPECT_GT(std::stoi(live), 30);

  // A row changed behind the pipeline's back is found and named.
  std::string names;
  std::string values;
  std::istringstream columns(
      client.execute("SELECT name FROM system.columns WHERE database = currentDatabase() AND "
                     "table = 'clean_prices' AND substring(name, 1, 1) != '_' FORMAT TSV"));
  for (std::string name; std::getline(columns, name);) {
    names += name + ", ";
    values += (name == "close" ? "close + 1" : name) + ", ";
  }
  client.execute(
      fmt::format("INSERT INTO clean_prices ({}_version, _deleted) SELECT {}_version + "
                  "1, 0 FROM clean_prices FINAL {} ORDER BY code LIMIT 1",
                  names, values, day_filter));
  const CommandResult differs = run_command(production(verify));
  EXPECT_EQ(differs.exit_code, 1) << differs.output;
  EXPECT_NE(differs.output.find("DIFFERS"), std::string::npos) << differs.output;
  EXPECT_NE(differs.output.find("column 'close' row 0"), std::string::npos) << differs.output;
}

}  // namespace
}  // namespace gogooku3
