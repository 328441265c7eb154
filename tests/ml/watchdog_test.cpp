// Tests for src/ml/watchdog: the Variance Watchdog's collapse rule, its actions, its EMA, its
// persistence and its option checks. Checks are fed as scripted sequences of prediction and
// target standard deviations so that the exact check at which the watchdog fires is pinned.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "ml/watchdog/variance_watchdog.h"

namespace gogooku3::ml {
namespace {

const std::vector<std::string> kHorizons = {"1d", "5d", "10d", "20d"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// alpha 1: the EMA is the latest value, so ratios are easy to script.
WatchdogOptions plain_options(const std::string& action = "stop") {
  WatchdogOptions options;
  options.threshold = 0.1;
  options.patience = 3;
  options.warmup_checks = 2;
  options.ema_alpha = 1.0;
  options.action = action;
  return options;
}

const std::vector<double> kHealthy = {0.5, 0.5, 0.5, 0.5};
// Only the 10d horizon collapsed: any horizon below is enough.
const std::vector<double> kCollapsed = {0.5, 0.5, 0.01, 0.5};
const std::vector<double> kTargets = {1.0, 1.0, 1.0, 1.0};

template <typename Fn>
void expect_invalid_input(Fn&& fn, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "expected InvalidInput mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(VarianceWatchdogTest, FiresAfterExactlyPatienceBelowChecksAfterWarmup) {
  VarianceWatchdog watchdog(kHorizons, plain_options());
  // Checks 1-2 are warm-up; 3 and 4 are below but not yet `patience` in a row.
  for (int check = 1; check <= 4; ++check) {
    EXPECT_EQ(watchdog.observe(check, kCollapsed, kTargets), WatchdogAction::kContinue)
        << "check " << check;
    EXPECT_FALSE(watchdog.fired());
    EXPECT_EQ(watchdog.early_stop_reason(), "");
  }
  EXPECT_EQ(watchdog.consecutive_below(), 2);
  EXPECT_EQ(watchdog.observe(5, kCollapsed, kTargets), WatchdogAction::kStop);
  EXPECT_TRUE(watchdog.fired());
  EXPECT_TRUE(watchdog.stopped());
  EXPECT_EQ(watchdog.early_stop_reason(), "variance_collapse");
  ASSERT_EQ(watchdog.history().size(), 5u);
  const WatchdogCheck& last = watchdog.history().back();
  EXPECT_EQ(last.check, 5);
  EXPECT_EQ(last.epoch, 5);
  EXPECT_TRUE(last.below);
  EXPECT_FALSE(last.warmup);
  EXPECT_DOUBLE_EQ(last.ratio[2], 0.01);
  EXPECT_DOUBLE_EQ(last.ratio[0], 0.5);
  expect_invalid_input([&] { watchdog.observe(6, kHealthy, kTargets); }, "already stopped");
}

TEST(VarianceWatchdogTest, NeverFiresDuringWarmup) {
  WatchdogOptions options = plain_options();
  options.warmup_checks = 5;
  options.patience = 1;
  VarianceWatchdog watchdog(kHorizons, options);
  for (int check = 1; check <= 5; ++check) {
    EXPECT_EQ(watchdog.observe(check, kCollapsed, kTargets), WatchdogAction::kContinue);
    EXPECT_TRUE(watchdog.history().back().below);
    EXPECT_TRUE(watchdog.history().back().warmup);
  }
  EXPECT_EQ(watchdog.consecutive_below(), 0);
  EXPECT_EQ(watchdog.observe(6, kCollapsed, kTargets), WatchdogAction::kStop);
}

TEST(VarianceWatchdogTest, ASingleRecoveryResetsTheCount) {
  VarianceWatchdog watchdog(kHorizons, plain_options());
  watchdog.observe(1, kHealthy, kTargets);
  watchdog.observe(2, kHealthy, kTargets);
  watchdog.observe(3, kCollapsed, kTargets);
  watchdog.observe(4, kCollapsed, kTargets);
  EXPECT_EQ(watchdog.observe(5, kHealthy, kTargets), WatchdogAction::kContinue);
  EXPECT_EQ(watchdog.consecutive_below(), 0);
  EXPECT_EQ(watchdog.observe(6, kCollapsed, kTargets), WatchdogAction::kContinue);
  EXPECT_EQ(watchdog.observe(7, kCollapsed, kTargets), WatchdogAction::kContinue);
  EXPECT_FALSE(watchdog.fired());
  EXPECT_EQ(watchdog.observe(8, kCollapsed, kTargets), WatchdogAction::kStop);
}

TEST(VarianceWatchdogTest, PerturbActionReturnsPerturbAndResets) {
  VarianceWatchdog watchdog(kHorizons, plain_options("perturb"));
  for (int check = 1; check <= 4; ++check) watchdog.observe(check, kCollapsed, kTargets);
  EXPECT_EQ(watchdog.observe(5, kCollapsed, kTargets), WatchdogAction::kPerturb);
  EXPECT_TRUE(watchdog.fired());
  EXPECT_FALSE(watchdog.stopped());
  EXPECT_EQ(watchdog.perturbations(), 1);
  EXPECT_EQ(watchdog.consecutive_below(), 0);
  EXPECT_EQ(watchdog.history().back().action, WatchdogAction::kPerturb);
  // Counting starts over: `patience` more below checks are needed for the next perturbation.
  EXPECT_EQ(watchdog.observe(6, kCollapsed, kTargets), WatchdogAction::kContinue);
  EXPECT_EQ(watchdog.observe(7, kCollapsed, kTargets), WatchdogAction::kContinue);
  EXPECT_EQ(watchdog.observe(8, kCollapsed, kTargets), WatchdogAction::kPerturb);
  EXPECT_EQ(watchdog.perturbations(), 2);
  EXPECT_EQ(watchdog.observe(9, kHealthy, kTargets), WatchdogAction::kContinue);
}

TEST(VarianceWatchdogTest, DisabledRecordsButNeverActs) {
  WatchdogOptions options = plain_options();
  options.enabled = false;
  VarianceWatchdog watchdog(kHorizons, options);
  for (int check = 1; check <= 10; ++check) {
    EXPECT_EQ(watchdog.observe(check, kCollapsed, kTargets), WatchdogAction::kContinue);
  }
  EXPECT_FALSE(watchdog.fired());
  EXPECT_EQ(watchdog.history().size(), 10u);
}

TEST(VarianceWatchdogTest, RatioUsesTheEmaOfThePredictionStd) {
  WatchdogOptions options = plain_options();
  options.ema_alpha = 0.5;
  options.warmup_checks = 0;
  options.patience = 1;
  VarianceWatchdog watchdog({"1d"}, options);
  // EMA: 1.0, then 0.5*0 + 0.5*1.0 = 0.5, then 0.25, 0.125, 0.0625 -> below 0.1 at check 5.
  const std::vector<double> expected_ema = {1.0, 0.5, 0.25, 0.125};
  for (size_t i = 0; i < expected_ema.size(); ++i) {
    EXPECT_EQ(watchdog.observe(static_cast<int>(i), {i == 0 ? 1.0 : 0.0}, {1.0}),
              WatchdogAction::kContinue);
    EXPECT_DOUBLE_EQ(watchdog.history().back().ema_prediction_std[0], expected_ema[i]);
  }
  // Target std 0.5 doubles the ratio: 0.0625 / 0.5 = 0.125 is not below.
  EXPECT_EQ(watchdog.observe(4, {0.0}, {0.5}), WatchdogAction::kContinue);
  EXPECT_DOUBLE_EQ(watchdog.history().back().ratio[0], 0.125);
  EXPECT_EQ(watchdog.observe(5, {0.0}, {1.0}), WatchdogAction::kStop);
  EXPECT_DOUBLE_EQ(watchdog.history().back().ratio[0], 0.03125);
}

TEST(VarianceWatchdogTest, ZeroOrNaNTargetStdIsSkipped) {
  WatchdogOptions options = plain_options();
  options.warmup_checks = 0;
  options.patience = 1;
  VarianceWatchdog watchdog(kHorizons, options);
  // The collapsed 10d horizon has no target spread: it cannot make the check below.
  EXPECT_EQ(watchdog.observe(1, kCollapsed, {1.0, 1.0, 0.0, 1.0}), WatchdogAction::kContinue);
  EXPECT_FALSE(watchdog.history().back().below);
  EXPECT_TRUE(std::isnan(watchdog.history().back().ratio[2]));
  EXPECT_EQ(watchdog.observe(2, kCollapsed, {1.0, 1.0, kNaN, 1.0}), WatchdogAction::kContinue);
  EXPECT_FALSE(watchdog.history().back().below);
  // All horizons unknown: not below either.
  EXPECT_EQ(watchdog.observe(3, {0.0, 0.0, 0.0, 0.0}, {0.0, kNaN, 0.0, 0.0}),
            WatchdogAction::kContinue);
  // A NaN prediction std is skipped too and leaves the EMA alone.
  EXPECT_EQ(watchdog.observe(4, {kNaN, 0.5, 0.5, 0.5}, kTargets), WatchdogAction::kContinue);
  EXPECT_DOUBLE_EQ(watchdog.history().back().ema_prediction_std[0], 0.0);
  EXPECT_TRUE(std::isnan(watchdog.history().back().ratio[0]));
  EXPECT_FALSE(watchdog.fired());
  EXPECT_EQ(watchdog.observe(5, kCollapsed, kTargets), WatchdogAction::kStop);
}

TEST(VarianceWatchdogTest, HistoryJson) {
  VarianceWatchdog watchdog(kHorizons, plain_options());
  for (int check = 1; check <= 5; ++check) watchdog.observe(10 + check, kCollapsed, kTargets);
  const nlohmann::json json = watchdog.to_json();
  EXPECT_EQ(json["fired"], true);
  EXPECT_EQ(json["early_stop_reason"], "variance_collapse");
  EXPECT_EQ(json["options"]["threshold"], 0.1);
  EXPECT_EQ(json["options"]["patience"], 3);
  EXPECT_EQ(json["options"]["action"], "stop");
  ASSERT_EQ(json["history"].size(), 5u);
  const nlohmann::json& last = json["history"][4];
  EXPECT_EQ(last["check"], 5);
  EXPECT_EQ(last["epoch"], 15);
  EXPECT_EQ(last["below"], true);
  EXPECT_EQ(last["action"], "stop");
  EXPECT_DOUBLE_EQ(last["ratio"]["10d"].get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(last["ratio"]["1d"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(last["target_std"]["20d"].get<double>(), 1.0);
  EXPECT_EQ(json["history"][0]["warmup"], true);
  EXPECT_EQ(json["history"][0]["action"], "continue");

  VarianceWatchdog skipped({"1d"}, plain_options());
  skipped.observe(1, {0.3}, {0.0});
  EXPECT_TRUE(skipped.to_json()["history"][0]["ratio"]["1d"].is_null());
  EXPECT_EQ(skipped.to_json()["early_stop_reason"], "");
}

TEST(VarianceWatchdogTest, FromJsonResumesExactly) {
  WatchdogOptions options = plain_options("perturb");
  options.ema_alpha = 0.5;
  VarianceWatchdog original(kHorizons, options);
  VarianceWatchdog twin(kHorizons, options);
  const std::vector<std::vector<double>> script = {
      kHealthy, kCollapsed, {0.5, 0.0, 0.5, 0.5}, {0.5, 0.0, 0.5, 0.5}, kCollapsed};
  for (size_t i = 0; i < script.size(); ++i) {
    original.observe(static_cast<int>(i), script[i], {1.0, 1.0, 0.0, 1.0});
    twin.observe(static_cast<int>(i), script[i], {1.0, 1.0, 0.0, 1.0});
  }
  VarianceWatchdog restored =
      VarianceWatchdog::from_json(nlohmann::json::parse(original.to_json().dump()));
  EXPECT_EQ(restored.to_json(), original.to_json());
  EXPECT_EQ(restored.consecutive_below(), original.consecutive_below());
  ASSERT_EQ(restored.history().size(), original.history().size());
  EXPECT_TRUE(std::isnan(restored.history()[0].ratio[2]));
  // The restored watchdog continues exactly like one that never stopped (EMA and count).
  for (int check = 5; check < 16; ++check) {
    const std::vector<double>& stds = check == 8 ? kHealthy : kCollapsed;
    EXPECT_EQ(restored.observe(check, stds, kTargets), twin.observe(check, stds, kTargets))
        << "check " << check;
    EXPECT_EQ(restored.history().back().ema_prediction_std,
              twin.history().back().ema_prediction_std);
  }
  EXPECT_EQ(restored.perturbations(), twin.perturbations());
  EXPECT_GT(restored.perturbations(), 0);

  // A stopped watchdog stays stopped after a round trip.
  VarianceWatchdog stopper(kHorizons, plain_options());
  for (int check = 1; check <= 5; ++check) stopper.observe(check, kCollapsed, kTargets);
  VarianceWatchdog stopped = VarianceWatchdog::from_json(stopper.to_json());
  EXPECT_TRUE(stopped.fired());
  EXPECT_EQ(stopped.early_stop_reason(), "variance_collapse");
  expect_invalid_input([&] { stopped.observe(6, kHealthy, kTargets); }, "already stopped");

  nlohmann::json broken = original.to_json();
  broken["history"][1].erase("ratio");
  expect_invalid_input([&] { (void)VarianceWatchdog::from_json(broken); }, "malformed");
  nlohmann::json bad_options = original.to_json();
  bad_options["options"]["patience"] = 0;
  expect_invalid_input([&] { (void)VarianceWatchdog::from_json(bad_options); }, "patience");
}

TEST(VarianceWatchdogTest, OptionsAndInputsAreValidated) {
  const auto with = [](auto change) {
    WatchdogOptions options = plain_options();
    change(options);
    return options;
  };
  expect_invalid_input([&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.threshold = 0; })); },
                       "threshold");
  expect_invalid_input(
      [&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.threshold = -0.5; })); }, "threshold");
  expect_invalid_input([&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.patience = 0; })); },
                       "patience");
  expect_invalid_input(
      [&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.warmup_checks = -1; })); },
      "warmup_checks");
  expect_invalid_input([&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.ema_alpha = 0; })); },
                       "ema_alpha");
  expect_invalid_input(
      [&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.ema_alpha = 1.5; })); }, "ema_alpha");
  expect_invalid_input(
      [&] { VarianceWatchdog(kHorizons, with([](auto& o) { o.action = "restart"; })); },
      "\"restart\"");
  expect_invalid_input([&] { VarianceWatchdog({}, plain_options()); }, "at least one horizon");
  expect_invalid_input([&] { VarianceWatchdog({"1d", "1d"}, plain_options()); }, "unique");
  VarianceWatchdog(kHorizons, with([](auto& o) { o.ema_alpha = 1.0; }));  // boundary is valid

  VarianceWatchdog watchdog(kHorizons, plain_options());
  expect_invalid_input([&] { watchdog.observe(1, {0.5, 0.5}, kTargets); }, "prediction_std has 2");
  expect_invalid_input([&] { watchdog.observe(1, kHealthy, {1.0}); }, "target_std has 1");
  expect_invalid_input([&] { watchdog.observe(1, {0.5, -0.1, 0.5, 0.5}, kTargets); }, "horizon 5d");
  EXPECT_TRUE(watchdog.history().empty());
}

}  // namespace
}  // namespace gogooku3::ml
