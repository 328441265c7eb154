// `gogooku3 ingest` end to end, as a user runs it: the real binary, the sample source, and the
// J-Quants source against the fake-jquants-server binary over HTTP. Both sources serve the same
// seeded market, so the two lakes must hold the same tables: the proof that the client, the
// JSON codec and the fake server's protocol lose nothing on the way.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "run_command.h"
#include "storage/lake/lake.h"
#include "storage/object_store/object_store.h"

namespace {

using namespace gogooku3;

using Result = gogooku3::testing::CommandResult;
using gogooku3::testing::run_command;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class IngestCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("g3_ingest_cli_" + std::to_string(getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    std::ofstream(root_ / "gogooku3.yaml") << "sample:\n  seed: 9\n  stocks: 80\n"
                                              "  start_date: 2024-01-04\n"
                                              "jquants:\n  requests_per_minute: 6000\n";
  }
  void TearDown() override {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGTERM);
      waitpid(server_pid_, nullptr, 0);
    }
    std::filesystem::remove_all(root_);
  }

  Result ingest(const std::string& home, const std::string& arguments,
                const std::string& environment = "") {
    return run_command("env -u GOGOOKU3_DB_URL -u GOGOOKU3_LAKE " + environment + " " +
                       GOGOOKU3_BINARY + " --home " + (root_ / home).string() + " --config " +
                       (root_ / "gogooku3.yaml").string() + " ingest " + arguments);
  }

  // Starts fake-jquants-server on a free port and returns its base URL.
  std::string start_server(const std::string& arguments) {
    const std::filesystem::path log = root_ / "server.log";
    server_pid_ = fork();
    if (server_pid_ == 0) {
      const std::string command = std::string("exec ") + GOGOOKU3_FAKE_JQUANTS_BINARY + " " +
                                  arguments + " > " + log.string() + " 2>&1";
      execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
      _exit(127);
    }
    const std::string marker = "listening on ";
    for (int i = 0; i < 600; ++i) {
      const std::string text = read_file(log);
      if (const size_t at = text.find(marker); at != std::string::npos) {
        const size_t end = text.find('\n', at);
        if (end != std::string::npos)
          return text.substr(at + marker.size(), end - at - marker.size());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "fake-jquants-server did not start: " << read_file(log);
    return "";
  }

  Table read(const std::string& home, const std::string& dataset, const std::string& from,
             const std::string& to) {
    const storage::Lake lake(
        storage::open_object_store("file://" + (root_ / home / "lake").string()));
    return lake.read_range(dataset, Date::parse(from), Date::parse(to));
  }

  std::filesystem::path root_;
  pid_t server_pid_ = -1;
};

TEST_F(IngestCommandTest, SampleSourcePrintsTheSummary) {
  const Result result = ingest("home", "--from 2024-01-04 --to 2024-01-31 --source sample --quiet");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ingested 19 business day(s) from sample"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("raw/bars_daily"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("quarantined"), std::string::npos) << result.output;
}

TEST_F(IngestCommandTest, JQuantsSourceOverHttpFillsTheSameLakeAsTheSampleSource) {
  const std::string base_url = start_server(
      "--port 0 --api-key secret-key --page-size 37 --stocks 80 --seed 9 --from 2024-01-04 "
      "--to 2024-01-31");
  ASSERT_FALSE(base_url.empty());
  const Result http =
      ingest("http", "--from 2024-01-04 --to 2024-01-31 --source jquants --quiet",
             "GOGOOKU3_JQUANTS_BASE_URL=" + base_url + " JQUANTS_API_KEY=secret-key");
  ASSERT_EQ(http.exit_code, 0) << http.output;
  EXPECT_NE(http.output.find("requests"), std::string::npos) << http.output;
  EXPECT_EQ(http.output.find("secret-key"), std::string::npos) << "the key reached the output";
  const Result local = ingest("local", "--from 2024-01-04 --to 2024-01-31 --source sample --quiet");
  ASSERT_EQ(local.exit_code, 0) << local.output;

  for (const char* dataset : {"raw/bars_daily", "raw/equities_master", "raw/topix",
                              "raw/investor_types", "clean/prices"}) {
    const Table over_http = read("http", dataset, "2024-01-04", "2024-01-31");
    const Table sampled = read("local", dataset, "2024-01-04", "2024-01-31");
    EXPECT_GT(sampled.num_rows(), 0u) << dataset;
    EXPECT_TRUE(over_http.equals(sampled))
        << dataset << ": " << over_http.first_difference(sampled).value_or("");
  }
}

TEST_F(IngestCommandTest, WrongKeyFailsWithAnErrorNamingTheVariable) {
  const std::string base_url =
      start_server("--port 0 --api-key right --stocks 20 --from 2024-01-04 --to 2024-01-10");
  ASSERT_FALSE(base_url.empty());
  const Result result = ingest("home", "--date 2024-01-05 --source jquants --quiet",
                               "GOGOOKU3_JQUANTS_BASE_URL=" + base_url + " JQUANTS_API_KEY=wrong");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("JQUANTS_API_KEY"), std::string::npos) << result.output;
}

TEST_F(IngestCommandTest, HolidayIsANoNotAnError) {
  const Result result = ingest("home", "--date 2024-01-08 --source sample");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("not a TSE business day"), std::string::npos) << result.output;
}

}  // namespace
