// The Variance Watchdog: detects prediction variance collapse during training.
//
// Why: the ATFT-GAT-FAN model this project replaces drifted into near-identical scores within a
// day (a constant prediction ranks nothing, yet its loss looks fine). The watchdog watches the
// spread of the predictions relative to the spread of the targets and stops (or perturbs) the
// training when that ratio stays tiny.
//
// The trainer calls observe() after every validation pass ("check"), per horizon h with
//   prediction_std[h] = std of the predictions across one day's stocks, averaged over the
//                       validation days,
//   target_std[h]     = the same for the targets.
// The watchdog keeps ema_h = alpha * prediction_std[h] + (1 - alpha) * ema_h (seeded with the
// first observed value) and computes ratio_h = ema_h / target_std[h].
//
// Collapse rule: a check is "below" when SOME horizon (any, not all) has ratio_h < threshold.
// The first warmup_checks checks are recorded but never counted. A collapse is declared when the
// last `patience` counted checks are all below; a counted check that is not below resets the
// count. A horizon whose target_std is 0 or NaN (no spread to compare with) is skipped for that
// check: its ratio is NaN and it cannot make the check below; a NaN prediction_std is skipped
// the same way and leaves that horizon's EMA unchanged. If every horizon is skipped the check
// is not below.
//
// On a collapse observe() returns the configured action: kStop (the watchdog is then stopped
// and any further observe() throws InvalidInput) or kPerturb (the trainer perturbs the heads and
// continues; the consecutive count restarts from 0). fired() is true from the first collapse on
// and early_stop_reason() is then "variance_collapse" (for either action). With enabled = false
// checks are still recorded (for the log) but observe() always returns kContinue.
//
// Persistence: to_json() holds options, state and history; from_json(to_json()) continues
// exactly where the original left off (checkpoint/resume). Ratios that are NaN are written as
// null.
//
// Errors (InvalidInput): bad options (threshold not > 0, patience < 1, warmup_checks < 0,
// ema_alpha not in (0, 1], action not "stop"/"perturb"), empty or duplicate horizon names,
// observe() with vectors whose length differs from the horizon count or a negative / infinite
// std, observe() after a stop, and from_json on a malformed document.
//
// Thread-safety: none; one watchdog per training run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gogooku3::ml {

struct WatchdogOptions {
  double threshold = 0.1;       // ratio below which a horizon counts as collapsed, > 0
  int patience = 3;             // consecutive below checks (after warm-up) that make a collapse
  int warmup_checks = 2;        // checks ignored at the start, >= 0
  double ema_alpha = 0.5;       // weight of the newest prediction std, in (0, 1]
  std::string action = "stop";  // "stop" or "perturb"
  bool enabled = true;
};

enum class WatchdogAction { kContinue, kStop, kPerturb };

// One observe() call as recorded. Per-horizon vectors follow the horizon_names order; skipped
// horizons have ratio NaN.
struct WatchdogCheck {
  int check = 0;  // 1-based
  int epoch = 0;
  std::vector<double> prediction_std, target_std, ema_prediction_std, ratio;
  bool below = false;   // some horizon's ratio < threshold (computed in warm-up as well)
  bool warmup = false;  // within the first warmup_checks checks: not counted
  WatchdogAction action = WatchdogAction::kContinue;  // what observe() returned
};

class VarianceWatchdog {
 public:
  VarianceWatchdog(std::vector<std::string> horizon_names, WatchdogOptions options);

  WatchdogAction observe(int epoch, const std::vector<double>& prediction_std,
                         const std::vector<double>& target_std);

  bool fired() const { return fired_; }
  bool stopped() const { return stopped_; }
  // "variance_collapse" once fired, else "".
  std::string early_stop_reason() const;
  const std::vector<WatchdogCheck>& history() const { return history_; }
  const std::vector<std::string>& horizon_names() const { return horizon_names_; }
  const WatchdogOptions& options() const { return options_; }
  // Counted below checks in a row so far (resets on a recovery and after a perturbation).
  int consecutive_below() const { return consecutive_below_; }
  int perturbations() const { return perturbations_; }

  // {"horizons": [...], "options": {...}, "fired", "stopped", "early_stop_reason",
  //  "consecutive_below", "perturbations", "ema_prediction_std": [... or null],
  //  "history": [{"check", "epoch", "below", "warmup", "action",
  //               "prediction_std": {"1d": ..}, "target_std": {..},
  //               "ema_prediction_std": {..}, "ratio": {..}}, ...]}
  nlohmann::json to_json() const;
  static VarianceWatchdog from_json(const nlohmann::json& json);

 private:
  std::vector<std::string> horizon_names_;
  WatchdogOptions options_;
  std::vector<double> ema_;  // NaN until a horizon's first finite prediction std
  std::vector<WatchdogCheck> history_;
  int consecutive_below_ = 0;
  int perturbations_ = 0;
  bool fired_ = false;
  bool stopped_ = false;
};

std::string_view watchdog_action_name(WatchdogAction action);  // "continue", "stop", "perturb"

}  // namespace gogooku3::ml
