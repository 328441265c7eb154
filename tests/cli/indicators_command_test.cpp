// `gogooku3 indicators` through the real binary: the output's columns, number format and NaN,
// halted rows, integer and text dates, stdout, and the usage and runtime errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.h"

namespace {

using Result = gogooku3::testing::CommandResult;

class IndicatorsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("g3_indicators_command_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  Result run(const std::string& arguments) {
    return gogooku3::testing::run_command(std::string("env -u GOGOOKU3_CONFIG ") + GOGOOKU3_BINARY +
                                          " indicators " + arguments);
  }

  std::filesystem::path dir_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr const char* kBars =
    "date,open,high,low,close,volume\n"
    "2024-01-04,10,11,9,10,100\n"
    "2024-01-05,10,12,10,11,200\n"
    "2024-01-09,11,13,10,12,300\n"
    "2024-01-10,12,12,11,11.5,0\n";

TEST_F(IndicatorsCommandTest, WritesDateAndOneColumnPerNameInOrder) {
  const std::string input = write("bars.csv", kBars);
  const Result result =
      run("--input " + input + " --output " + path("out.csv") + " --names sma_2,mom_1,obv");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines = lines_of(read("out.csv"));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "date,sma_2,mom_1,obv");
  EXPECT_EQ(lines[1], "2024-01-04,NaN,NaN,100");
  EXPECT_EQ(lines[2], "2024-01-05,10.5,1,300");
  EXPECT_EQ(lines[3], "2024-01-09,11.5,1,600");
  EXPECT_EQ(lines[4], "2024-01-10,11.75,-0.5,600");
}

TEST_F(IndicatorsCommandTest, NumbersKeepEveryDigit) {
  const std::string input = write("bars.csv",
                                  "date,open,high,low,close,volume\n"
                                  "2024-01-04,1,1,1,1,1\n"
                                  "2024-01-05,1,1,1,2,1\n"
                                  "2024-01-09,1,1,1,2,1\n");
  const Result result = run("--input " + input + " --output - --names sma_3");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines = lines_of(result.output);
  ASSERT_EQ(lines.size(), 4u) << result.output;
  EXPECT_EQ(lines[3], "2024-01-09,1.6666666666666667");
  EXPECT_EQ(std::stod(lines[3].substr(11)), 5.0 / 3);
}

TEST_F(IndicatorsCommandTest, EmptyFieldsAreHaltedDaysSkippedAndNaN) {
  const std::string input = write("bars.csv",
                                  "date,open,high,low,close,volume\n"
                                  "2024-01-04,10,10,10,10,100\n"
                                  "2024-01-05,,,,,\n"
                                  "2024-01-09,12,12,12,12,\n"
                                  "2024-01-10,14,14,14,14,100\n");
  const Result result = run("--input " + input + " --output - --names sma_2,mom_1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines = lines_of(result.output);
  ASSERT_EQ(lines.size(), 5u) << result.output;
  EXPECT_EQ(lines[1], "2024-01-04,NaN,NaN");
  EXPECT_EQ(lines[2], "2024-01-05,NaN,NaN");
  EXPECT_EQ(lines[3], "2024-01-09,NaN,NaN");
  EXPECT_EQ(lines[4], "2024-01-10,12,4");  // over the traded closes 10 and 14
}

TEST_F(IndicatorsCommandTest, DatesMayBeIntegersOrTextAndExtraColumnsAreIgnored) {
  const std::string input = write("bars.csv",
                                  "code,date,open,high,low,close,volume,note\n"
                                  "1301,20240104,10,11,9,10,100,a\n"
                                  "1301,20240105,10,12,10,11,200,\"b, c\"\n");
  const Result result = run("--input " + input + " --output - --names trange,medprice");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "date,trange,medprice\n20240104,NaN,10\n20240105,2,11\n");
}

TEST_F(IndicatorsCommandTest, UnknownNamesAndBadParametersAreUsageErrorsListingTheNames) {
  const std::string input = write("bars.csv", kBars);
  for (const char* names : {"sma_0", "sma_x", "macd_12_26", "nonsense", "sma_5,sma_5"}) {
    const Result result =
        run("--input " + input + " --output " + path("out.csv") + " --names " + names);
    EXPECT_EQ(result.exit_code, 2) << names << "\n" << result.output;
    EXPECT_NE(result.output.find("usage error"), std::string::npos) << result.output;
  }
  const Result result = run("--input " + input + " --output - --names rsi_14,macd_12_26");
  EXPECT_NE(result.output.find("'macd_12_26'"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("macd_F_S_G"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("stoch_k_N_K_D"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(path("out.csv")));
}

TEST_F(IndicatorsCommandTest, MissingOptionsAndColumnsAreUsageErrors) {
  const std::string input = write("bars.csv", kBars);
  EXPECT_EQ(run("--input " + input + " --output -").exit_code, 2);
  EXPECT_EQ(run("--output - --names sma_5").exit_code, 2);
  const std::string no_volume = write("no_volume.csv",
                                      "date,open,high,low,close\n"
                                      "2024-01-04,10,11,9,10\n");
  const Result result = run("--input " + no_volume + " --output - --names sma_2");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("no_volume.csv"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("'volume'"), std::string::npos) << result.output;
}

TEST_F(IndicatorsCommandTest, BadFilesAreRuntimeErrors) {
  EXPECT_EQ(run("--input " + path("missing.csv") + " --output - --names sma_2").exit_code, 3);
  const std::string text_prices = write("text.csv",
                                        "date,open,high,low,close,volume\n"
                                        "2024-01-04,10,11,9,ten,100\n");
  const Result text = run("--input " + text_prices + " --output - --names sma_2");
  EXPECT_EQ(text.exit_code, 3) << text.output;
  EXPECT_NE(text.output.find("'close'"), std::string::npos) << text.output;
  const std::string shuffled = write("shuffled.csv",
                                     "date,open,high,low,close,volume\n"
                                     "2024-01-05,10,11,9,10,100\n"
                                     "2024-01-04,10,11,9,10,100\n");
  const Result order = run("--input " + shuffled + " --output - --names sma_2");
  EXPECT_EQ(order.exit_code, 3) << order.output;
  EXPECT_NE(order.output.find("oldest first"), std::string::npos) << order.output;
  const std::string input = write("bars.csv", kBars);
  EXPECT_EQ(run("--input " + input + " --output " + path("no/such/dir/out.csv") + " --names sma_2")
                .exit_code,
            3);
}

TEST_F(IndicatorsCommandTest, HelpListsThePatterns) {
  const Result result = run("--help");
  EXPECT_EQ(result.exit_code, 0);
  for (const char* part : {"--input", "--names", "bb_upper_N_K", "yang_zhang_N", "sar"}) {
    EXPECT_NE(result.output.find(part), std::string::npos) << part << "\n" << result.output;
  }
}

}  // namespace
