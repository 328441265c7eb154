// `gogooku3 features`: the catalog, the manifest, and compute + correlate on a small lake that
// `gogooku3 ingest --source sample` fills.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run_command.h"

namespace {

using gogooku3::testing::CommandResult;

class FeaturesCommand : public ::testing::Test {
 protected:
  static std::filesystem::path home() {
    return std::filesystem::temp_directory_path() / "gogooku3_features_command_test";
  }
  static CommandResult run(const std::string& args) {
    return gogooku3::testing::run_command(std::string(GOGOOKU3_BINARY) + " --home " +
                                          home().string() + " " + args);
  }
};

TEST_F(FeaturesCommand, ListsTheCatalogAndTheActiveSet) {
  const CommandResult all = run("features list");
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("731 features in the catalog"), std::string::npos) << all.output;
  const CommandResult active = run("features list --active --family momentum");
  EXPECT_EQ(active.exit_code, 0);
  EXPECT_NE(active.output.find("rsi_14"), std::string::npos);
  EXPECT_EQ(active.output.find("ret_1d "), std::string::npos);
  const CommandResult json = run("features list --active --json");
  EXPECT_NE(json.output.find("\"lookback\""), std::string::npos);
  EXPECT_EQ(run("features list --family nonsense").exit_code, 2);
}

TEST_F(FeaturesCommand, DescribesOneFeatureAndRejectsUnknownNames) {
  const CommandResult rsi = run("features describe rsi_14");
  EXPECT_EQ(rsi.exit_code, 0) << rsi.output;
  EXPECT_NE(rsi.output.find("lookback     14"), std::string::npos) << rsi.output;
  EXPECT_NE(rsi.output.find("active       yes"), std::string::npos) << rsi.output;
  const CommandResult unknown = run("features describe rsi_13");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("rsi_14"), std::string::npos) << unknown.output;
}

TEST_F(FeaturesCommand, ManifestShowsHashWindowAndFamilies) {
  const CommandResult m = run("features manifest");
  EXPECT_EQ(m.exit_code, 0) << m.output;
  EXPECT_NE(m.output.find("127 active of 731"), std::string::npos) << m.output;
  EXPECT_NE(m.output.find("dataset   features/"), std::string::npos);
}

TEST_F(FeaturesCommand, ComputeWritesOnePartitionPerDayAndRefusesMissingPrices) {
  std::filesystem::remove_all(home());
  const CommandResult missing = run("features compute --date 2024-06-28 --quiet");
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("ingest"), std::string::npos) << missing.output;
  ASSERT_EQ(run("ingest --from 2024-05-01 --to 2024-06-28 --stocks 20 --quiet").exit_code, 0);
  const CommandResult compute = run("features compute --from 2024-06-24 --to 2024-06-28 --quiet");
  EXPECT_EQ(compute.exit_code, 0) << compute.output;
  EXPECT_NE(compute.output.find("5 days"), std::string::npos) << compute.output;
  const CommandResult ls = run("lake ls");
  EXPECT_NE(ls.output.find("features/"), std::string::npos) << ls.output;
  EXPECT_EQ(run("features compute --from 2024-06-28 --quiet").exit_code, 2);
  std::filesystem::remove_all(home());
}

}  // namespace
