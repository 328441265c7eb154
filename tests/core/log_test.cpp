#include "core/log.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace gogooku3::log {
namespace {

std::vector<nlohmann::json> read_lines(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(LogTest, JsonLineCarriesContextAndEscapes) {
  const std::string line = format_json_line(
      "2026-11-27T09:00:00.000Z", "info", "quote \" and\nnewline", {"r1", "prices", "2026-09-24"});
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "quote \" and\nnewline");
  EXPECT_EQ(parsed["run_id"], "r1");
  EXPECT_EQ(parsed["asset"], "prices");
  EXPECT_EQ(parsed["partition"], "2026-09-24");
  EXPECT_EQ(format_json_line("t", "info", "m", {}).find("run_id"), std::string::npos);
  // Invalid UTF-8 in a message is replaced, not thrown.
  EXPECT_NO_THROW(format_json_line("t", "info", "\xff\xfe", {}));
}

TEST(LogTest, FileSinkWritesContextScopesAndRedactsSecrets) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("g3_log_test_" + std::to_string(getpid()) + ".jsonl");
  std::filesystem::remove(file);
  init({.level = "debug", .json_file = file, .console = false});
  register_secret("sk-live-0123456789");
  spdlog::info("outside any scope");
  {
    LogScope run({"run-7", "", ""});
    {
      LogScope step({"run-7", "features", "2026-09-24"});
      spdlog::warn("api key is {}", "sk-live-0123456789");
    }
    spdlog::debug("back in the run");
    std::thread([] { spdlog::info("another thread has its own context"); }).join();
  }
  spdlog::trace("below the level");
  spdlog::default_logger()->flush();

  const std::vector<nlohmann::json> lines = read_lines(file);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(lines[0].contains("run_id"));
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["asset"], "features");
  EXPECT_EQ(lines[1]["partition"], "2026-09-24");
  EXPECT_EQ(lines[1]["msg"], "api key is ****");
  EXPECT_EQ(lines[2]["run_id"], "run-7");
  EXPECT_FALSE(lines[2].contains("asset"));
  EXPECT_FALSE(lines[3].contains("run_id"));
  EXPECT_TRUE(lines[0]["ts"].get<std::string>().ends_with("Z"));
  std::filesystem::remove(file);
}

TEST(LogTest, UnknownLevelIsRejected) {
  EXPECT_THROW(init({.level = "loud", .json_file = {}, .console = false}), std::exception);
  EXPECT_NO_THROW(init({.level = "off", .json_file = {}, .console = false}));
}

}  // namespace
}  // namespace gogooku3::log
