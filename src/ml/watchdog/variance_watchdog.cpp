// The Variance Watchdog; see variance_watchdog.h for the collapse rule.
#include "ml/watchdog/variance_watchdog.h"

#include <fmt/ranges.h>

#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

constexpr char kCollapseReason[] = "variance_collapse";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_options(const WatchdogOptions& o) {
  if (!(o.threshold > 0) || !std::isfinite(o.threshold)) {
    throw invalid_input("variance watchdog: threshold must be a finite number > 0, got {}",
                        o.threshold);
  }
  if (o.patience < 1) {
    throw invalid_input("variance watchdog: patience must be >= 1 check, got {}", o.patience);
  }
  if (o.warmup_checks < 0) {
    throw invalid_input("variance watchdog: warmup_checks must be >= 0, got {}", o.warmup_checks);
  }
  if (!(o.ema_alpha > 0 && o.ema_alpha <= 1)) {
    throw invalid_input("variance watchdog: ema_alpha must be in (0, 1], got {}", o.ema_alpha);
  }
  if (o.action != "stop" && o.action != "perturb") {
    throw invalid_input("variance watchdog: action must be \"stop\" or \"perturb\", got \"{}\"",
                        o.action);
  }
}

void check_stds(const char* name, const std::vector<double>& values,
                const std::vector<std::string>& horizons) {
  if (values.size() != horizons.size()) {
    throw invalid_input("variance watchdog: {} has {} values but there are {} horizons ({})", name,
                        values.size(), horizons.size(), fmt::join(horizons, ", "));
  }
  for (size_t h = 0; h < values.size(); ++h) {
    if (values[h] < 0 || std::isinf(values[h])) {
      throw invalid_input(
          "variance watchdog: {} for horizon {} is {}; a standard deviation is "
          "finite and >= 0 (NaN = unknown)",
          name, horizons[h], values[h]);
    }
  }
}

nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

double read_number(const nlohmann::json& value) {
  return value.is_null() ? kNaN : value.get<double>();
}

nlohmann::json by_horizon(const std::vector<std::string>& horizons,
                          const std::vector<double>& values) {
  nlohmann::json object = nlohmann::json::object();
  for (size_t h = 0; h < horizons.size(); ++h) object[horizons[h]] = number_or_null(values[h]);
  return object;
}

std::vector<double> read_by_horizon(const std::vector<std::string>& horizons,
                                    const nlohmann::json& object) {
  std::vector<double> values;
  for (const std::string& name : horizons) values.push_back(read_number(object.at(name)));
  return values;
}

WatchdogAction parse_action(const std::string& name) {
  if (name == "continue") return WatchdogAction::kContinue;
  if (name == "stop") return WatchdogAction::kStop;
  if (name == "perturb") return WatchdogAction::kPerturb;
  throw invalid_input("variance watchdog from_json: unknown action \"{}\"", name);
}

}  // namespace

std::string_view watchdog_action_name(WatchdogAction action) {
  switch (action) {
    case WatchdogAction::kContinue:
      return "continue";
    case WatchdogAction::kStop:
      return "stop";
    case WatchdogAction::kPerturb:
      return "perturb";
  }
  return "continue";
}

VarianceWatchdog::VarianceWatchdog(std::vector<std::string> horizon_names, WatchdogOptions options)
    : horizon_names_(std::move(horizon_names)), options_(std::move(options)) {
  check_options(options_);
  if (horizon_names_.empty()) {
    throw invalid_input("variance watchdog: needs at least one horizon name, got none");
  }
  std::set<std::string> seen;
  for (const std::string& name : horizon_names_) {
    if (name.empty() || !seen.insert(name).second) {
      throw invalid_input(
          "variance watchdog: horizon names must be non-empty and unique, got "
          "\"{}\" in [{}]",
          name, fmt::join(horizon_names_, ", "));
    }
  }
  ema_.assign(horizon_names_.size(), kNaN);
}

WatchdogAction VarianceWatchdog::observe(int epoch, const std::vector<double>& prediction_std,
                                         const std::vector<double>& target_std) {
  if (stopped_) {
    throw invalid_input(
        "variance watchdog: already stopped by a variance collapse at check {}; "
        "training must not continue",
        history_.empty() ? 0 : history_.back().check);
  }
  check_stds("prediction_std", prediction_std, horizon_names_);
  check_stds("target_std", target_std, horizon_names_);

  WatchdogCheck check;
  check.check = static_cast<int>(history_.size()) + 1;
  check.epoch = epoch;
  check.prediction_std = prediction_std;
  check.target_std = target_std;
  check.ratio.assign(horizon_names_.size(), kNaN);
  for (size_t h = 0; h < horizon_names_.size(); ++h) {
    if (!std::isnan(prediction_std[h])) {
      ema_[h] = std::isnan(ema_[h])
                    ? prediction_std[h]
                    : options_.ema_alpha * prediction_std[h] + (1 - options_.ema_alpha) * ema_[h];
    }
    const bool comparable =
        !std::isnan(prediction_std[h]) && !std::isnan(target_std[h]) && target_std[h] > 0;
    if (comparable) {
      check.ratio[h] = ema_[h] / target_std[h];
      if (check.ratio[h] < options_.threshold) check.below = true;
    }
  }
  check.ema_prediction_std = ema_;
  check.warmup = check.check <= options_.warmup_checks;

  if (!check.warmup) consecutive_below_ = check.below ? consecutive_below_ + 1 : 0;
  if (options_.enabled && consecutive_below_ >= options_.patience) {
    fired_ = true;
    if (options_.action == "stop") {
      stopped_ = true;
      check.action = WatchdogAction::kStop;
    } else {
      ++perturbations_;
      consecutive_below_ = 0;
      check.action = WatchdogAction::kPerturb;
    }
  }
  history_.push_back(std::move(check));
  return history_.back().action;
}

std::string VarianceWatchdog::early_stop_reason() const { return fired_ ? kCollapseReason : ""; }

nlohmann::json VarianceWatchdog::to_json() const {
  nlohmann::json history = nlohmann::json::array();
  for (const WatchdogCheck& check : history_) {
    history.push_back({{"check", check.check},
                       {"epoch", check.epoch},
                       {"below", check.below},
                       {"warmup", check.warmup},
                       {"action", watchdog_action_name(check.action)},
                       {"prediction_std", by_horizon(horizon_names_, check.prediction_std)},
                       {"target_std", by_horizon(horizon_names_, check.target_std)},
                       {"ema_prediction_std", by_horizon(horizon_names_, check.ema_prediction_std)},
                       {"ratio", by_horizon(horizon_names_, check.ratio)}});
  }
  nlohmann::json ema = nlohmann::json::array();
  for (double value : ema_) ema.push_back(number_or_null(value));
  return {{"horizons", horizon_names_},
          {"options",
           {{"threshold", options_.threshold},
            {"patience", options_.patience},
            {"warmup_checks", options_.warmup_checks},
            {"ema_alpha", options_.ema_alpha},
            {"action", options_.action},
            {"enabled", options_.enabled}}},
          {"fired", fired_},
          {"stopped", stopped_},
          {"early_stop_reason", early_stop_reason()},
          {"consecutive_below", consecutive_below_},
          {"perturbations", perturbations_},
          {"ema_prediction_std", ema},
          {"history", history}};
}

VarianceWatchdog VarianceWatchdog::from_json(const nlohmann::json& json) {
  try {
    const nlohmann::json& o = json.at("options");
    WatchdogOptions options;
    options.threshold = o.at("threshold").get<double>();
    options.patience = o.at("patience").get<int>();
    options.warmup_checks = o.at("warmup_checks").get<int>();
    options.ema_alpha = o.at("ema_alpha").get<double>();
    options.action = o.at("action").get<std::string>();
    options.enabled = o.at("enabled").get<bool>();
    VarianceWatchdog watchdog(json.at("horizons").get<std::vector<std::string>>(),
                              std::move(options));
    const std::vector<std::string>& horizons = watchdog.horizon_names_;
    watchdog.fired_ = json.at("fired").get<bool>();
    watchdog.stopped_ = json.at("stopped").get<bool>();
    watchdog.consecutive_below_ = json.at("consecutive_below").get<int>();
    watchdog.perturbations_ = json.at("perturbations").get<int>();
    const nlohmann::json& ema = json.at("ema_prediction_std");
    if (!ema.is_array() || ema.size() != horizons.size()) {
      throw invalid_input(
          "variance watchdog from_json: ema_prediction_std must be an array of {} "
          "values",
          horizons.size());
    }
    for (size_t h = 0; h < horizons.size(); ++h) watchdog.ema_[h] = read_number(ema[h]);
    for (const nlohmann::json& entry : json.at("history")) {
      WatchdogCheck check;
      check.check = entry.at("check").get<int>();
      check.epoch = entry.at("epoch").get<int>();
      check.below = entry.at("below").get<bool>();
      check.warmup = entry.at("warmup").get<bool>();
      check.action = parse_action(entry.at("action").get<std::string>());
      check.prediction_std = read_by_horizon(horizons, entry.at("prediction_std"));
      check.target_std = read_by_horizon(horizons, entry.at("target_std"));
      check.ema_prediction_std = read_by_horizon(horizons, entry.at("ema_prediction_std"));
      check.ratio = read_by_horizon(horizons, entry.at("ratio"));
      if (check.check != static_cast<int>(watchdog.history_.size()) + 1) {
        throw invalid_input("variance watchdog from_json: history entry {} has check number {}",
                            watchdog.history_.size() + 1, check.check);
      }
      watchdog.history_.push_back(std::move(check));
    }
    if (watchdog.consecutive_below_ < 0 || watchdog.perturbations_ < 0 ||
        (watchdog.stopped_ && !watchdog.fired_)) {
      throw invalid_input(
          "variance watchdog from_json: inconsistent state (consecutive_below {}, "
          "perturbations {}, fired {}, stopped {})",
          watchdog.consecutive_below_, watchdog.perturbations_, watchdog.fired_, watchdog.stopped_);
    }
    return watchdog;
  } catch (const nlohmann::json::exception& e) {
    throw invalid_input("variance watchdog from_json: malformed state document: {}", e.what());
  }
}

}  // namespace gogooku3::ml
