// The trainer end to end on a small synthetic market (synthetic_panel.h) with a planted
// signal: it must learn it, report metrics in metrics.json's documented shape for the model and
// both baselines, resume from a checkpoint to the same result, refuse to mix runs, and stop when
// the Variance Watchdog sees the predictions collapse.
#include "ml/train/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "ml/dataset/day_batch.h"
#include "ml/dataset/panel.h"
#include "ml/train/predictor.h"
#include "synthetic_panel.h"

namespace gogooku3::ml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TrainOptions tiny_options() {
  TrainOptions o = TrainOptions::cpu_profile();
  o.model.features = 6;
  o.model.lookback = 5;
  o.model.hidden = 8;
  o.model.attention_heads = 2;
  o.model.gat_heads = 2;
  o.model.fan_top_k = 2;
  o.dataset.lookback = 5;
  o.dataset.min_stocks = 10;
  o.graph.window = 30;
  o.graph.min_observations = 20;
  o.cv.folds = 2;
  o.cv.min_train_days = 100;
  o.cv.min_test_days = 30;
  o.epochs = 3;
  o.days_per_epoch = 40;
  o.checkpoint_every = 7;
  o.learning_rate = 3e-3;
  o.validation_fraction = 0.2;
  o.selection_horizon = 1;
  o.threads = 1;
  o.xgboost.rounds = 30;
  o.xgboost.threads = 1;
  o.baseline_day_stride = 1;
  return o;
}

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::SyntheticMarket market = testing::make_synthetic_market(40, 260, 6, 7);
    panel_ = new Panel(build_panel(market.features, market.prices, market.feature_names));
  }
  static void TearDownTestSuite() {
    delete panel_;
    panel_ = nullptr;
  }
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gogooku3-trainer-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static json read(const fs::path& path) {
    std::ifstream in(path);
    return json::parse(in);
  }

  static Panel* panel_;
  fs::path dir_;
};

Panel* TrainerTest::panel_ = nullptr;

TEST_F(TrainerTest, LearnsThePlantedSignalAndReportsEveryModelPerFoldAndHorizon) {
  const Dataset dataset(*panel_, tiny_options().dataset);
  TrainContext context{.out = dir_ / "run", .manifest_hash = "test-manifest"};
  const TrainResult result = train_model(dataset, tiny_options(), context);
  EXPECT_EQ(result.folds_completed, 2);
  EXPECT_EQ(result.early_stop_reason, "");

  const json metrics = read(dir_ / "run" / "metrics.json");
  EXPECT_EQ(metrics, result.metrics);
  for (const std::string model : {"model", "ridge", "xgboost"}) {
    const json& m = model == "model" ? metrics["model"] : metrics["baselines"][model];
    ASSERT_EQ(m["folds"].size(), 2U) << model;
    for (const std::string h : {"1d", "5d", "10d", "20d"}) {
      for (const std::string key : {"ic", "rank_ic", "icir", "rmse", "hit_rate", "ls_sharpe",
                                    "ls_max_drawdown", "turnover"}) {
        EXPECT_TRUE(m["overall"][h].contains(key)) << model << " " << h << " " << key;
        EXPECT_TRUE(m["folds"][0]["metrics"][h].contains(key)) << model << " " << h << " " << key;
      }
    }
    // The planted 1-day signal has a correlation of about 0.7 with the label.
    EXPECT_GT(m["overall"]["1d"]["rank_ic"].get<double>(), 0.3) << model;
    EXPECT_GT(m["overall"]["1d"]["ls_sharpe"].get<double>(), 0.0) << model;
  }
  EXPECT_TRUE(metrics["early_stop_reason"].is_null());
  EXPECT_EQ(metrics["manifest_hash"], "test-manifest");
  EXPECT_TRUE(fs::exists(dir_ / "run" / "model.pt"));
  EXPECT_TRUE(fs::exists(dir_ / "run" / "watchdog.json"));
  const json weights = read(dir_ / "run" / "feature_weights.json");
  EXPECT_EQ(weights.size(), 6U);
  const json model = read(dir_ / "run" / "model.json");
  EXPECT_EQ(model["name"], "run");
  EXPECT_EQ(model["feature_names"].size(), 6U);
}

TEST_F(TrainerTest, ResumingAfterACrashMidEpochEndsWithTheSameMetrics) {
  const Dataset dataset(*panel_, tiny_options().dataset);
  TrainOptions options = tiny_options();
  options.baselines = false;
  const TrainResult straight =
      train_model(dataset, options, {.out = dir_ / "straight", .manifest_hash = "m"});

  // Crash in the second epoch of the first fold, after a mid-epoch checkpoint (every 7 steps).
  int steps = 0;
  TrainContext crashing{.out = dir_ / "resumed", .manifest_hash = "m"};
  crashing.on_progress = [&steps](const TrainProgress& progress) {
    if (progress.phase == "train" && ++steps == 40 + 10) throw std::runtime_error("killed");
  };
  EXPECT_THROW(train_model(dataset, options, crashing), std::runtime_error);
  const json state = read(dir_ / "resumed" / "checkpoint" / "state.json");
  EXPECT_EQ(state["epoch"], 1);
  EXPECT_EQ(state["step"], 7);
  EXPECT_FALSE(fs::exists(dir_ / "resumed" / "metrics.json"));

  TrainContext resuming{.out = dir_ / "resumed", .manifest_hash = "m", .resume = true};
  const TrainResult resumed = train_model(dataset, options, resuming);
  EXPECT_EQ(resumed.metrics["model"], straight.metrics["model"]);
  EXPECT_EQ(resumed.metrics["watchdog"], straight.metrics["watchdog"]);
}

TEST_F(TrainerTest, RefusesToOverwriteARunOrResumeWithOtherOptions) {
  const Dataset dataset(*panel_, tiny_options().dataset);
  TrainOptions options = tiny_options();
  options.baselines = false;
  options.cv.folds = 1;
  options.epochs = 1;
  train_model(dataset, options, {.out = dir_ / "run", .manifest_hash = "m"});
  EXPECT_THROW(train_model(dataset, options, {.out = dir_ / "run", .manifest_hash = "m"}), Error);
  TrainOptions other = options;
  other.learning_rate = 0.5;
  try {
    train_model(dataset, other, {.out = dir_ / "run", .manifest_hash = "m", .resume = true});
    FAIL() << "resumed with other options";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("other options"), std::string::npos) << error.what();
  }
  EXPECT_THROW(
      train_model(dataset, options, {.out = dir_ / "empty", .manifest_hash = "m", .resume = true}),
      Error);
}

TEST_F(TrainerTest, TheVarianceWatchdogStopsACollapsingRun) {
  const Dataset dataset(*panel_, tiny_options().dataset);
  TrainOptions options = tiny_options();
  options.baselines = false;
  options.epochs = 6;
  options.early_stopping_patience = 10;
  // Decoupled weight decay of lr * 300 = 0.9 per step drives every weight to zero: the
  // predictions stop varying across stocks.
  options.weight_decay = 300;
  options.watchdog.warmup_checks = 1;
  options.watchdog.patience = 2;
  TrainContext context{.out = dir_ / "collapse", .manifest_hash = "m"};
  const TrainResult result = train_model(dataset, options, context);
  EXPECT_EQ(result.early_stop_reason, "variance_collapse");
  EXPECT_EQ(result.folds_completed, 1);
  const json metrics = read(dir_ / "collapse" / "metrics.json");
  EXPECT_EQ(metrics["early_stop_reason"], "variance_collapse");
  const json& history = metrics["watchdog"][0]["history"];
  ASSERT_GE(history.size(), 3U);
  EXPECT_LT(history.back()["ratio"]["1d"].get<double>(), 0.1);
  EXPECT_TRUE(fs::exists(dir_ / "collapse" / "checkpoint" / "state.json"));
}

TEST_F(TrainerTest, PredictsADayWithQuantilesAndRanks) {
  const Dataset dataset(*panel_, tiny_options().dataset);
  TrainOptions options = tiny_options();
  options.baselines = false;
  options.cv.folds = 1;
  options.epochs = 1;
  train_model(dataset, options, {.out = dir_ / "model", .manifest_hash = "m"});
  const size_t last = panel_->num_days() - 1;
  const Table table = predict_day(dir_ / "model", dataset, last);
  const DayBatch batch = dataset.batch(last);
  ASSERT_EQ(table.num_rows(), batch.codes.size() * 4);
  const auto& horizon = table.column("horizon").as<int32_t>();
  const auto& rank = table.column("rank").as<int32_t>();
  const auto& q05 = table.column("q05").as<float>();
  const auto& q50 = table.column("q50").as<float>();
  const auto& q95 = table.column("q95").as<float>();
  std::vector<int> ranks_of_5d;
  for (size_t i = 0; i < table.num_rows(); ++i) {
    EXPECT_LE(q05[i], q50[i]);
    EXPECT_LE(q50[i], q95[i]);
    if (horizon[i] == 5) ranks_of_5d.push_back(rank[i]);
  }
  std::sort(ranks_of_5d.begin(), ranks_of_5d.end());
  for (size_t i = 0; i < ranks_of_5d.size(); ++i)
    EXPECT_EQ(ranks_of_5d[i], static_cast<int>(i + 1));

  // A dataset with other features is refused, naming the counts.
  const testing::SyntheticMarket other = testing::make_synthetic_market(20, 80, 5, 3);
  const Panel other_panel = build_panel(other.features, other.prices, other.feature_names);
  const Dataset other_dataset(other_panel, tiny_options().dataset);
  EXPECT_THROW(predict_day(dir_ / "model", other_dataset, 70), Error);
}

}  // namespace
}  // namespace gogooku3::ml
