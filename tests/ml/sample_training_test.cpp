// ATFT-GAT-FAN on the sample market through the real binary: `backfill` builds a small lake
// (50 stocks, 2016-01 .. 2017-03), `train` runs a fast walk-forward configuration, and then
//   - the regression test: the model's and the baselines' out-of-sample metrics stay inside
//     bands pinned from this configuration (a change that moves them must re-pin on purpose);
//   - kill -9 in the middle of an epoch and `train --resume` end with the same metrics.json;
//   - `predict` writes the day's quantiles and ranks to the lake.
// The acceptance run (500 stocks x 4 years) is bench/acceptance.sh: too long for every CI run.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../cli/background_process.h"
#include "../cli/run_command.h"

namespace gogooku3 {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_command;

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// One test, not three: ctest runs each test case in its own process, and all three need the
// same lake and the same uninterrupted run.
class SampleTrainingTest : public ::testing::Test {
 public:
  void SetUp() override {
    home_ = fs::temp_directory_path() / ("gogooku3-sample-training-" + std::to_string(getpid()));
    fs::remove_all(home_);
    fs::create_directories(home_);
    std::ofstream(home_ / "config.yaml") << "sample:\n  stocks: 50\npipeline:\n  source: sample\n";
    // A fast configuration: two folds, two short epochs, small trees; one thread, so the
    // numbers do not depend on the machine's cores (and ctest's parallel tests do not
    // oversubscribe them).
    std::ofstream(home_ / "options.json") << json{
        {"cv", {{"folds", 2}, {"min_train_days", 100}, {"min_test_days", 30}}},
        {"epochs", 2},
        {"days_per_epoch", 15},
        {"checkpoint_every", 5},
        {"threads", 1},
        {"xgboost",
         {{"rounds", 40}, {"threads", 1}}}}.dump();
    const auto backfill =
        run_command(command("backfill --from 2016-01-04 --to 2017-03-31 "
                            "--chunk-days 250 --quiet"));
    ASSERT_EQ(backfill.exit_code, 0) << backfill.output;
    const auto train = run_command(command(train_arguments("straight")));
    ASSERT_EQ(train.exit_code, 0) << train.output;
    train_output_ = train.output;
  }
  void TearDown() override { fs::remove_all(home_); }

  static std::string command(const std::string& arguments) {
    return std::string(GOGOOKU3_BINARY) + " " + arguments + " --home " + home_.string() +
           " --config " + (home_ / "config.yaml").string();
  }
  static std::string train_arguments(const std::string& name) {
    return "train --from 2016-04-01 --to 2017-03-31 --stocks 50 --options " +
           (home_ / "options.json").string() + " --out " + (home_ / "models" / name).string();
  }

  // Static: the helpers above are used while SetUp runs.
  static fs::path home_;
  static std::string train_output_;
};

fs::path SampleTrainingTest::home_;
std::string SampleTrainingTest::train_output_;

double metric(const json& overall, const char* horizon, const char* key) {
  const json& value = overall.at(horizon).at(key);
  return value.is_null() ? NAN : value.get<double>();
}

void check_pinned_metrics(const fs::path& home_, const std::string& train_output_) {
  const json metrics = read_json(home_ / "models" / "straight" / "metrics.json");
  const json& model = metrics["model"]["overall"];
  const json& ridge = metrics["baselines"]["ridge"]["overall"];
  const json& xgboost = metrics["baselines"]["xgboost"]["overall"];
  auto report = [&] {
    std::string text = train_output_;
    for (const auto& [name, overall] :
         {std::pair{"model", &model}, {"ridge", &ridge}, {"xgboost", &xgboost}}) {
      text += fmt::format("{}: 1d rank_ic {:.6f}, 5d rank_ic {:.6f}\n", name,
                          metric(*overall, "1d", "rank_ic"), metric(*overall, "5d", "rank_ic"));
    }
    return text + "oracle " + metrics["oracle_rank_ic"].dump();
  };
  // Pinned from this configuration on the development machine. The sample market and its
  // oracle are exact; Ridge and single-threaded XGBoost are deterministic up to float rounding;
  // the network's trajectory depends on the CPU's float kernels, so its band is wider. The
  // network loses to the baselines here: 50 stocks and 30 training steps per fold are too
  // little for it, which is what this configuration is for (speed), not a verdict (see
  // bench/acceptance.sh for the real one).
  EXPECT_NEAR(metrics["oracle_rank_ic"]["1d"].get<double>(), 0.0801738, 1e-6) << report();
  EXPECT_NEAR(metrics["oracle_rank_ic"]["5d"].get<double>(), 0.1008064, 1e-6) << report();
  EXPECT_NEAR(metric(ridge, "1d", "rank_ic"), 0.0059607, 2e-3) << report();
  EXPECT_NEAR(metric(ridge, "5d", "rank_ic"), -0.0207413, 2e-3) << report();
  EXPECT_NEAR(metric(xgboost, "1d", "rank_ic"), -0.0231937, 1e-2) << report();
  EXPECT_NEAR(metric(xgboost, "5d", "rank_ic"), -0.0000255, 1e-2) << report();
  EXPECT_NEAR(metric(model, "1d", "rank_ic"), -0.0267, 0.06) << report();
  EXPECT_NEAR(metric(model, "5d", "rank_ic"), -0.0477, 0.06) << report();
  for (const auto* overall : {&model, &ridge, &xgboost}) {
    for (const char* h : {"1d", "5d", "10d", "20d"}) {
      EXPECT_GT(metric(*overall, h, "rmse"), 0.0) << report();
      EXPECT_LT(metric(*overall, h, "rmse"), 1.0) << report();
      EXPECT_GE(metric(*overall, h, "hit_rate"), 0.3) << report();
      EXPECT_LE(metric(*overall, h, "hit_rate"), 0.7) << report();
    }
  }
  EXPECT_EQ(metrics["folds_completed"], 2);
  EXPECT_TRUE(metrics["early_stop_reason"].is_null());
}

void check_kill_and_resume(const fs::path& home_) {
  const fs::path out = home_ / "models" / "killed";
  std::vector<std::string> args;
  {
    std::istringstream words(SampleTrainingTest::train_arguments("killed") + " --home " +
                             home_.string() + " --config " + (home_ / "config.yaml").string());
    for (std::string word; words >> word;) args.push_back(word);
  }
  Process victim(args, home_ / "killed.log");
  // Kill it inside the second epoch of the first fold, after a mid-epoch checkpoint.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
  bool killed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    const fs::path state = out / "checkpoint" / "state.json";
    if (fs::exists(state)) {
      try {
        const json s = read_json(state);
        if (s["fold"] == 0 && s["epoch"] == 1 && s["step"].get<int>() > 0) {
          victim.signal(SIGKILL);
          killed = true;
          break;
        }
      } catch (const json::exception&) {
        // Read while being renamed into place: look again.
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(killed) << "the run never reached a mid-epoch checkpoint: " << victim.output();
  EXPECT_EQ(victim.wait(), -SIGKILL) << victim.output();
  EXPECT_FALSE(fs::exists(out / "metrics.json"));

  const auto resumed = run_command(
      SampleTrainingTest::command(SampleTrainingTest::train_arguments("killed") + " --resume"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const json straight = read_json(home_ / "models" / "straight" / "metrics.json");
  const json again = read_json(out / "metrics.json");
  EXPECT_EQ(again["model"], straight["model"]);
  EXPECT_EQ(again["baselines"], straight["baselines"]);
  EXPECT_EQ(again["watchdog"], straight["watchdog"]);
}

void check_predict(const fs::path& home_) {
  const auto predict = run_command(SampleTrainingTest::command(
      "predict --date 2017-03-31 --model " + (home_ / "models" / "straight").string()));
  ASSERT_EQ(predict.exit_code, 0) << predict.output;
  EXPECT_NE(predict.output.find("predictions/straight/date=2017-03-31"), std::string::npos)
      << predict.output;
  EXPECT_TRUE(fs::exists(home_ / "lake" / "predictions" / "straight" / "date=2017-03-31"));
  const auto cat = run_command(
      std::string(GOGOOKU3_BINARY) + " parquet cat " +
      (home_ / "lake" / "predictions" / "straight" / "date=2017-03-31" / "data.parquet").string() +
      " --limit 3");
  ASSERT_EQ(cat.exit_code, 0) << cat.output;
  for (const char* column : {"code", "horizon", "q05", "q50", "q95", "rank"}) {
    EXPECT_NE(cat.output.find(column), std::string::npos) << cat.output;
  }
  // A day without features is refused with the command that builds them.
  const auto missing = run_command(SampleTrainingTest::command(
      "predict --date 2017-04-03 --model " + (home_ / "models" / "straight").string()));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_NE(missing.output.find("2017-04-03"), std::string::npos) << missing.output;
}

TEST_F(SampleTrainingTest, PinnedMetricsKillAndResumeThenPredict) {
  {
    SCOPED_TRACE("the regression bands");
    check_pinned_metrics(home_, train_output_);
  }
  {
    SCOPED_TRACE("kill -9 mid-epoch, then --resume");
    check_kill_and_resume(home_);
  }
  {
    SCOPED_TRACE("predict");
    check_predict(home_);
  }
}

}  // namespace
}  // namespace gogooku3
