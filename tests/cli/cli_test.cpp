// Drives the real `gogooku3` binary: help texts, exit codes (0 ok, 1 no, 2 usage, 3 runtime)
// and what a person sees on stdout/stderr.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "run_command.h"

namespace {

using Result = gogooku3::testing::CommandResult;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("g3_cli_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  Result run(const std::string& arguments, const std::string& environment = "") {
    const std::string command = "env -u GOGOOKU3_CONFIG -u GOGOOKU3_DB_URL GOGOOKU3_HOME='" +
                                home_.string() + "' " + environment + " " + GOGOOKU3_BINARY + " " +
                                arguments;
    return gogooku3::testing::run_command(command);
  }

  std::filesystem::path home_;
};

TEST_F(CliTest, HelpListsEveryCommand) {
  const Result help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command :
       {"version", "config", "calendar", "db", "parquet", "lake", "sample", "ingest"}) {
    EXPECT_NE(help.output.find(command), std::string::npos) << command;
  }
  EXPECT_NE(help.output.find("--home"), std::string::npos);
  EXPECT_NE(help.output.find("Exit codes"), std::string::npos);
}

TEST_F(CliTest, EveryCommandHasHelpWithGlobalOptions) {
  for (const char* command :
       {"version", "config", "config show", "calendar", "db", "db info", "parquet schema",
        "parquet cat", "parquet from-csv", "lake ls", "sample", "sample info", "ingest"}) {
    const Result help = run(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command << "\n" << help.output;
    EXPECT_NE(help.output.find("--home"), std::string::npos) << command;
    EXPECT_NE(help.output.find("--config"), std::string::npos) << command;
  }
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("no-such-command").exit_code, 2);
  EXPECT_EQ(run("calendar --bogus").exit_code, 2);
  const Result bad_date = run("calendar --is 2026-02-30");
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.output.find("--is 2026-02-30"), std::string::npos) << bad_date.output;
  EXPECT_EQ(run("calendar --from 2026-02-01 --to 2026-01-01").exit_code, 2);
  EXPECT_EQ(run("calendar --is 2026-09-22 --next 2026-09-22").exit_code, 2);
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  const Result version = run("version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("gogooku3 ", 0), 0u) << version.output;
}

TEST_F(CliTest, CalendarIsSaysWhyADayIsClosed) {
  const Result closed = run("calendar --is 2026-09-22");
  EXPECT_EQ(closed.exit_code, 1);
  EXPECT_NE(closed.output.find("2026-09-22 is closed"), std::string::npos) << closed.output;
  EXPECT_NE(closed.output.find("itizens"), std::string::npos) << closed.output;
  const Result open = run("calendar --is 2026-09-24");
  EXPECT_EQ(open.exit_code, 0);
  EXPECT_NE(open.output.find("15:30"), std::string::npos) << open.output;
  EXPECT_NE(run("calendar --is 2024-11-01").output.find("15:00"), std::string::npos);
  const Result outage = run("calendar --is 2020-10-01");
  EXPECT_EQ(outage.exit_code, 1);
  EXPECT_NE(outage.output.find("outage"), std::string::npos) << outage.output;
}

TEST_F(CliTest, CalendarListsOneDayPerLine) {
  const Result golden_week = run("calendar --from 2026-04-28 --to 2026-05-08");
  EXPECT_EQ(golden_week.exit_code, 0);
  EXPECT_EQ(golden_week.output, "2026-04-28\n2026-04-30\n2026-05-01\n2026-05-07\n2026-05-08\n");
  const Result holidays = run("calendar --holidays --from 2026-04-28 --to 2026-05-08");
  EXPECT_EQ(holidays.output, "2026-04-29\n2026-05-04\n2026-05-05\n2026-05-06\n");
  const Result year = run("calendar --from 2026-01-01 --to 2026-12-31");
  EXPECT_EQ(std::count(year.output.begin(), year.output.end(), '\n'), 242) << year.output;
}

TEST_F(CliTest, CalendarStepsBusinessDays) {
  EXPECT_EQ(run("calendar --next 2026-12-30").output, "2027-01-04\n");
  EXPECT_EQ(run("calendar --next 2026-12-30 -n 2").output, "2027-01-05\n");
  EXPECT_EQ(run("calendar --previous 2026-05-07").output, "2026-05-01\n");
}

TEST_F(CliTest, CalendarAppliesTheOverrideFileFromConfig) {
  std::ofstream(home_ / "overrides.yaml") << "overrides:\n  - date: 2026-09-24\n    open: false\n  "
                                             "  reason: \"exchange outage drill\"\n";
  std::ofstream(home_ / "g3.yaml") << "calendar:\n  overrides_file: overrides.yaml\n";
  const Result closed = run("calendar --is 2026-09-24 --config " + (home_ / "g3.yaml").string());
  EXPECT_EQ(closed.exit_code, 1) << closed.output;
  EXPECT_NE(closed.output.find("exchange outage drill"), std::string::npos) << closed.output;
}

TEST_F(CliTest, ConfigShowMasksPasswordsAndNamesSources) {
  const Result shown = run("config show", "GOGOOKU3_DB_URL='postgresql://u:hunter22@db/g3'");
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(shown.output.find("hunter22"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("environment GOGOOKU3_DB_URL"), std::string::npos);
}

TEST_F(CliTest, BadConfigIsARuntimeErrorNamingTheFile) {
  std::ofstream(home_ / "bad.yaml") << "log:\n  levle: debug\n";
  const Result bad = run("config show --config " + (home_ / "bad.yaml").string());
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.output.find("bad.yaml"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("log.levle"), std::string::npos) << bad.output;
  const Result missing = run("config show --config /nonexistent/g3.yaml");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.output.find("/nonexistent/g3.yaml"), std::string::npos);
}

TEST_F(CliTest, DbInfoCreatesTheDatabaseUnderHome) {
  const Result info = run("db info");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_TRUE(std::filesystem::exists(home_ / "gogooku3.db"));
  EXPECT_NE(info.output.find("schema version"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("runs              0 rows"), std::string::npos) << info.output;
  EXPECT_TRUE(std::filesystem::exists(home_ / "logs" / "gogooku3.jsonl"));
  // A second open finds everything migrated already.
  EXPECT_EQ(run("db info").exit_code, 0);
}

// Nothing listens on port 1 of the loopback: the PostgreSQL backend is tried, and fails naming
// the server but not the password.
TEST_F(CliTest, DbInfoOnAnUnreachablePostgresNamesItWithoutThePassword) {
  const Result info = run("db info", "GOGOOKU3_DB_URL=postgresql://u:hunter22@127.0.0.1:1/g3");
  EXPECT_EQ(info.exit_code, 3) << info.output;
  EXPECT_NE(info.output.find("cannot connect to PostgreSQL metadata database "
                             "postgresql://u@127.0.0.1:1/g3"),
            std::string::npos)
      << info.output;
  EXPECT_EQ(info.output.find("hunter22"), std::string::npos) << info.output;
}

TEST_F(CliTest, ParquetFromCsvSchemaAndCatRoundTrip) {
  const std::string csv =
      "code,date,close,volume\n86970,2026-09-24,2045.5,2202500\n"
      "130A0,2026-09-25,,1200\n";
  std::ofstream(home_ / "bars.csv") << csv;
  const std::string parquet = (home_ / "out" / "bars.parquet").string();
  const Result written = run("parquet from-csv " + (home_ / "bars.csv").string() + " " + parquet +
                             " --compression snappy");
  EXPECT_EQ(written.exit_code, 0) << written.output;

  const Result schema = run("parquet schema " + parquet + " --stats");
  EXPECT_EQ(schema.exit_code, 0) << schema.output;
  EXPECT_NE(schema.output.find("2 rows in 1 row group"), std::string::npos) << schema.output;
  EXPECT_NE(schema.output.find("date     date"), std::string::npos) << schema.output;
  EXPECT_NE(schema.output.find("min 2026-09-24"), std::string::npos) << schema.output;

  EXPECT_EQ(run("parquet cat " + parquet).output,
            "code,date,close,volume\n86970,2026-09-24,2045.5,2202500\n130A0,2026-09-25,NaN,1200\n");
  EXPECT_EQ(run("parquet cat " + parquet + " --columns volume,code --limit 1").output,
            "volume,code\n2202500,86970\n");
  EXPECT_EQ(run("parquet cat " + parquet + " --format json --columns code,close").output,
            "{\"code\":\"86970\",\"close\":2045.5}\n{\"code\":\"130A0\",\"close\":null}\n");
}

TEST_F(CliTest, ParquetErrorsHaveTheRightExitCodes) {
  std::ofstream(home_ / "in.csv") << "a\n1\n";
  EXPECT_EQ(run("parquet from-csv " + (home_ / "in.csv").string() + " " +
                (home_ / "o.parquet").string() + " --compression lz77")
                .exit_code,
            2);
  EXPECT_FALSE(std::filesystem::exists(home_ / "o.parquet"));
  std::ofstream(home_ / "junk.parquet") << "PAR1 this is not a parquet file PAR1";
  const Result junk = run("parquet schema " + (home_ / "junk.parquet").string());
  EXPECT_EQ(junk.exit_code, 3);
  EXPECT_NE(junk.output.find("Corruption"), std::string::npos) << junk.output;
  EXPECT_NE(junk.output.find("junk.parquet"), std::string::npos) << junk.output;
  const Result missing = run("parquet cat " + (home_ / "none.parquet").string());
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.output.find("NotFound"), std::string::npos) << missing.output;
}

TEST_F(CliTest, LakeListsDatasetsAndPartitions) {
  const Result empty = run("lake ls");
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_NE(empty.output.find("holds no partitions"), std::string::npos) << empty.output;

  std::ofstream(home_ / "p.csv") << "code,date,close\n86970,2026-09-24,1.5\n";
  for (const char* day : {"2026-09-24", "2026-09-25"}) {
    const std::string target =
        (home_ / "lake" / "clean" / "prices" / (std::string("date=") + day) / "data.parquet")
            .string();
    ASSERT_EQ(run("parquet from-csv " + (home_ / "p.csv").string() + " " + target).exit_code, 0);
  }
  const Result datasets = run("lake ls");
  EXPECT_NE(datasets.output.find("clean/prices"), std::string::npos) << datasets.output;
  EXPECT_NE(datasets.output.find("2 days  2026-09-24 .. 2026-09-25"), std::string::npos)
      << datasets.output;
  const Result days = run("lake ls clean/prices");
  EXPECT_EQ(days.exit_code, 0) << days.output;
  EXPECT_NE(days.output.find("2026-09-25"), std::string::npos) << days.output;
}

TEST_F(CliTest, GlobalOptionsWorkBeforeAndAfterTheCommand) {
  std::ofstream(home_ / "warn.yaml") << "log:\n  level: warn\n";
  const std::string file = (home_ / "warn.yaml").string();
  EXPECT_NE(run("--config " + file + " config show").output.find("\"warn\"  # file"),
            std::string::npos);
  EXPECT_NE(run("config show --config " + file).output.find("\"warn\"  # file"), std::string::npos);
  EXPECT_NE(run("config show", "GOGOOKU3_CONFIG=" + file).output.find("\"warn\"  # file"),
            std::string::npos);
}

}  // namespace
