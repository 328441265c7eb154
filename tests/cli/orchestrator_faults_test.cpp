// The faults the orchestrator must survive, with the real binary in separate processes:
//   kill -9 in the middle of a backfill, then the same command again: it finishes, and the
//     lake is byte-identical to an uninterrupted backfill's;
//   two `run daily` for one day at once: one runs, the other says so and exits 1;
//   SIGTERM during a run: the run ends canceled, with nothing half-written.
// The daily runs fetch from a fake J-Quants server in this process that stalls a request, so
// the first run is reliably still running when the second starts.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "../pipeline/pipeline_fixture.h"
#include "background_process.h"
#include "fake_jquants/fake_jquants_server.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3 {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OrchestratorFaultsTest : public ::testing::Test {
 protected:
  std::filesystem::path home(const std::string& name) const { return home_.path() / name; }

  // Waits until `ready` holds on a fresh look at `home`'s metadata database.
  template <typename Ready>
  bool wait_for(const std::filesystem::path& home, Ready ready, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(home / "gogooku3.db")) {
        storage::SqliteMetadataStore store(home / "gogooku3.db");
        if (ready(store)) return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // Relative path -> bytes of every file under `root`.
  static std::map<std::string, std::string> files_under(const std::filesystem::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) {
        files[std::filesystem::relative(entry.path(), root).string()] = read_file(entry.path());
      }
    }
    return files;
  }

  testing::TempHome home_;
};

constexpr const char* kConfig =
    "sample:\n  stocks: 20\n  seed: 5\n  start_date: \"2025-01-06\"\n"
    "orchestrator:\n  threads: 2\n";

TEST_F(OrchestratorFaultsTest, KillDashNineMidBackfillThenResumeGivesAnIdenticalLake) {
  const std::filesystem::path config = home_.path() / "gogooku3.yaml";
  std::ofstream(config) << kConfig;
  const std::vector<std::string> backfill = {"backfill", "--from",     "2025-01-06",
                                             "--to",     "2025-05-30", "--chunk-days",
                                             "1",        "--config",   config.string()};
  auto with_home = [&](const std::string& name) {
    std::vector<std::string> args = backfill;
    args.push_back("--home");
    args.push_back(home(name).string());
    return args;
  };

  Process reference(with_home("reference"), home_.path() / "reference.log");
  ASSERT_EQ(reference.wait(), 0) << reference.output();

  {
    Process victim(with_home("resumed"), home_.path() / "victim.log");
    const bool midway = wait_for(
        home("resumed"),
        [](storage::SqliteMetadataStore& store) {
          return store.partition_statuses("features", "2025-01-01", "2025-12-31").size() >= 15;
        },
        120s);
    ASSERT_TRUE(midway) << victim.output();
    victim.signal(SIGKILL);
    EXPECT_EQ(victim.wait(), -SIGKILL);
  }
  {
    storage::SqliteMetadataStore reference_store(home("reference") / "gogooku3.db");
    storage::SqliteMetadataStore store(home("resumed") / "gogooku3.db");
    ASSERT_LT(store.partition_statuses("features", "2025-01-01", "2025-12-31").size(),
              reference_store.partition_statuses("features", "2025-01-01", "2025-12-31").size())
        << "the backfill finished before it was killed; the test proves nothing";
  }
  Process resume(with_home("resumed"), home_.path() / "resume.log");
  ASSERT_EQ(resume.wait(), 0) << resume.output();
  EXPECT_NE(resume.output().find("already materialized"), std::string::npos) << resume.output();
  EXPECT_NE(resume.output().find("marked 1 run(s) failed whose process is gone"), std::string::npos)
      << resume.output();

  const auto expected = files_under(home("reference") / "lake");
  const auto actual = files_under(home("resumed") / "lake");
  ASSERT_EQ(expected.size(), actual.size());
  for (const auto& [path, bytes] : expected) {
    const auto it = actual.find(path);
    ASSERT_NE(it, actual.end()) << path;
    EXPECT_TRUE(it->second == bytes) << path << " differs after the resume";
  }
  // The killed writer's temporary file was swept when its partition was written again.
  for (const auto& [path, bytes] : actual) {
    EXPECT_EQ(path.find(".tmp-"), std::string::npos) << path;
  }
}

class ConcurrentDailyTest : public OrchestratorFaultsTest {
 protected:
  void SetUp() override {
    server_.start();
    testing::publish_through(server_, calendar_, kDay);
    env_ = {{"JQUANTS_API_KEY", "test-key"},
            {"GOGOOKU3_JQUANTS_BASE_URL", server_.base_url()},
            {"GOGOOKU3_HOME", home("daily").string()}};
  }
  std::vector<std::string> daily_args() const {
    return {"run", "daily", "--date", kDay.to_string(), "--source", "jquants", "--quiet"};
  }
  bool daily_running() {
    return wait_for(
        home("daily"),
        [](storage::SqliteMetadataStore& store) {
          return !store.list_runs({.job = "daily", .status = storage::RunStatus::kRunning}).empty();
        },
        60s);
  }

  const Date kDay = Date::from_ymd(2026, 10, 30);
  TradingCalendar calendar_;
  fake_jquants::FakeJQuantsServer server_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConcurrentDailyTest, TwoDailyRunsForOneDayOneRunsTheOtherSaysSo) {
  server_.inject({.kind = fake_jquants::FaultKind::kStall,
                  .count = 1,
                  .path_filter = "/equities/bars/daily",
                  .stall = 3s});
  Process first(daily_args(), home_.path() / "first.log", env_);
  ASSERT_TRUE(daily_running()) << first.output();
  Process second(daily_args(), home_.path() / "second.log", env_);
  EXPECT_EQ(second.wait(), 1) << second.output();
  EXPECT_NE(second.output().find("is already running"), std::string::npos) << second.output();
  EXPECT_EQ(first.wait(), 0) << first.output();
  storage::SqliteMetadataStore store(home("daily") / "gogooku3.db");
  EXPECT_EQ(store.list_runs({.job = "daily"}).size(), 1u);
}

TEST_F(ConcurrentDailyTest, SigtermCancelsTheRunCleanly) {
  server_.inject({.kind = fake_jquants::FaultKind::kStall,
                  .count = 1,
                  .path_filter = "/equities/bars/daily",
                  .stall = 2s});
  Process run(daily_args(), home_.path() / "run.log", env_);
  ASSERT_TRUE(daily_running()) << run.output();
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(), 3) << run.output();
  storage::SqliteMetadataStore store(home("daily") / "gogooku3.db");
  const auto runs = store.list_runs({.job = "daily"});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, storage::RunStatus::kCanceled) << run.output();
  // Whatever finished before the signal is whole; the features of the day never started.
  EXPECT_FALSE(store.get_partition_status("features", kDay.to_string()));
  EXPECT_FALSE(store.get_lease("job:daily|" + kDay.to_string()));
}

}  // namespace
}  // namespace gogooku3
