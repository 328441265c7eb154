// `gogooku3 sample info` through the real binary: options from flags and from the
// configuration, the oracle RankIC in text and JSON, and usage errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run_command.h"

namespace {

using Result = gogooku3::testing::CommandResult;

class SampleCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("g3_sample_command_test_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  Result run(const std::string& arguments) {
    const std::string command = "env -u GOGOOKU3_CONFIG GOGOOKU3_HOME='" + home_.string() + "' " +
                                GOGOOKU3_BINARY + " " + arguments;
    return gogooku3::testing::run_command(command);
  }

  std::filesystem::path home_;
};

TEST_F(SampleCommandTest, InfoPrintsOptionsParametersAndTheOracleRankIc) {
  const Result result = run("sample info --stocks 60 --seed 5 --through 2016-03-31");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* part : {"seed", "60", "2016-01-04", "reversal_strength", "lead_lag_strength",
                           "oracle RankIC", "1-day", "5-day", "2016-03-31"}) {
    EXPECT_NE(result.output.find(part), std::string::npos) << part << "\n" << result.output;
  }
}

TEST_F(SampleCommandTest, JsonIsOneObjectAndTheSameSeedGivesTheSameScore) {
  const Result first = run("sample info --json --stocks 60 --through 2016-03-31");
  const Result second = run("sample info --json --stocks 60 --through 2016-03-31");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, second.output);
  const nlohmann::json json = nlohmann::json::parse(first.output);
  EXPECT_EQ(json["options"]["seed"], 42);
  EXPECT_EQ(json["options"]["stocks"], 60);
  EXPECT_EQ(json["oracle"]["through"], "2016-03-31");
  EXPECT_GT(json["oracle"]["days"].get<int>(), 50);
  EXPECT_TRUE(json["oracle"]["rank_ic_1d"].is_number());
  EXPECT_TRUE(json["parameters"].contains("momentum_strength"));
}

TEST_F(SampleCommandTest, ConfigurationSetsTheOptionsAndFlagsOverrideIt) {
  const std::filesystem::path config = home_ / "sample.yaml";
  std::ofstream(config) << "sample:\n  seed: 9\n  stocks: 40\n  start_date: \"2017-01-04\"\n";
  const Result from_config =
      run("sample info --json --through 2017-02-28 --config '" + config.string() + "'");
  ASSERT_EQ(from_config.exit_code, 0) << from_config.output;
  const nlohmann::json json = nlohmann::json::parse(from_config.output);
  EXPECT_EQ(json["options"]["seed"], 9);
  EXPECT_EQ(json["options"]["stocks"], 40);
  EXPECT_EQ(json["options"]["start_date"], "2017-01-04");
  const Result overridden =
      run("sample info --json --seed 10 --through 2017-02-28 --config '" + config.string() + "'");
  ASSERT_EQ(overridden.exit_code, 0) << overridden.output;
  EXPECT_EQ(nlohmann::json::parse(overridden.output)["options"]["seed"], 10);
}

TEST_F(SampleCommandTest, BadFlagsAreUsageErrors) {
  EXPECT_EQ(run("sample").exit_code, 2);
  EXPECT_EQ(run("sample info --stocks 5").exit_code, 2);
  EXPECT_EQ(run("sample info --seed -1").exit_code, 2);
  const Result early = run("sample info --stocks 20 --through 2015-12-31");
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.output.find("--through"), std::string::npos) << early.output;
  EXPECT_EQ(run("sample info --stocks 20 --through 2016-02-30").exit_code, 2);
}

}  // namespace
