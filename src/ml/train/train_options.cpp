#include "ml/train/train_options.h"

#include <fmt/format.h>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

using nlohmann::json;

// Overlays `patch` on `base`, refusing keys `base` does not have (a typo must not train the
// default). Objects merge key by key; everything else is replaced. model/loss are checked
// by their own from_json.
void overlay(json& base, const json& patch, const std::string& path) {
  if (!patch.is_object()) {
    throw invalid_input("{}", fmt::format("training options: '{}' must be an object", path));
  }
  for (const auto& [key, value] : patch.items()) {
    const std::string where = path.empty() ? key : path + "." + key;
    if (!base.contains(key)) {
      throw invalid_input(
          "{}",
          fmt::format(
              "training options: unknown key '{}' (see `gogooku3 train --help` or options.json of "
              "an earlier run for the keys)",
              where));
    }
    if (base[key].is_object() && value.is_object()) {
      overlay(base[key], value, where);
    } else {
      base[key] = value;
    }
  }
}

json cv_json(const cv::WalkForwardOptions& o) {
  return {{"folds", o.folds},
          {"min_train_days", o.min_train_days},
          {"min_test_days", o.min_test_days},
          {"horizon", o.horizon},
          {"embargo", o.embargo}};
}

json watchdog_json(const WatchdogOptions& o) {
  return {{"threshold", o.threshold}, {"patience", o.patience}, {"warmup_checks", o.warmup_checks},
          {"ema_alpha", o.ema_alpha}, {"action", o.action},     {"enabled", o.enabled}};
}

json xgboost_json(const GradientBoostingOptions& o) {
  return {{"rounds", o.rounds},
          {"max_depth", o.max_depth},
          {"learning_rate", o.learning_rate},
          {"subsample", o.subsample},
          {"colsample_bytree", o.colsample_bytree},
          {"min_child_weight", o.min_child_weight},
          {"lambda", o.lambda},
          {"threads", o.threads},
          {"seed", o.seed},
          {"early_stopping_rounds", o.early_stopping_rounds}};
}

json graph_json(const GraphOptions& o) {
  return {{"window", o.window},
          {"halflife", o.halflife},
          {"min_observations", o.min_observations},
          {"shrinkage", o.shrinkage},
          {"threshold", o.threshold},
          {"top_k", o.top_k}};
}

json dataset_json(const DatasetOptions& o) {
  return {{"lookback", o.lookback}, {"clip", o.clip}, {"min_stocks", o.min_stocks}};
}

template <typename T>
void read(const json& j, const char* key, T& out) {
  out = j.at(key).get<T>();
}

void check(bool ok, std::string_view field, std::string_view allowed) {
  if (!ok) {
    throw invalid_input("{}", fmt::format("training options: {} must be {}", field, allowed));
  }
}

}  // namespace

TrainOptions TrainOptions::cpu_profile() {
  TrainOptions options;
  options.profile = "cpu";
  options.model = ModelConfig::cpu_profile();
  options.dataset.lookback = options.model.lookback;
  options.days_per_epoch = 120;
  options.baseline_day_stride = 2;
  return options;
}

TrainOptions TrainOptions::gpu_profile() {
  TrainOptions options;
  options.profile = "gpu";
  options.model = ModelConfig::gpu_profile();
  options.dataset.lookback = options.model.lookback;
  options.epochs = 30;
  options.days_per_epoch = 0;
  options.learning_rate = 5e-4;
  options.plateau_patience = 2;
  options.early_stopping_patience = 5;
  options.baseline_day_stride = 1;
  return options;
}

void TrainOptions::validate() const {
  model.validate();
  check(profile == "cpu" || profile == "gpu", "profile", "\"cpu\" or \"gpu\"");
  check(dataset.lookback == model.lookback, "dataset.lookback",
        fmt::format("equal to model.lookback ({})", model.lookback));
  check(epochs >= 1, "epochs", ">= 1");
  check(days_per_epoch >= 0, "days_per_epoch", ">= 0 (0 = every training day)");
  check(learning_rate > 0, "learning_rate", "> 0");
  check(weight_decay >= 0, "weight_decay", ">= 0");
  check(gradient_clip > 0, "gradient_clip", "> 0");
  check(plateau_patience >= 1, "plateau_patience", ">= 1");
  check(plateau_factor > 0 && plateau_factor < 1, "plateau_factor", "in (0, 1)");
  check(early_stopping_patience >= 1, "early_stopping_patience", ">= 1");
  check(validation_fraction > 0 && validation_fraction < 0.5, "validation_fraction", "in (0, 0.5)");
  bool known_horizon = false;
  for (int h : model.horizons) known_horizon = known_horizon || h == selection_horizon;
  check(known_horizon, "selection_horizon", "one of model.horizons");
  check(checkpoint_every >= 1, "checkpoint_every", ">= 1");
  check(threads >= 0, "threads", ">= 0 (0 = every core)");
  check(baseline_day_stride >= 1, "baseline_day_stride", ">= 1");
  loss.validate(model);
}

json TrainOptions::to_json() const {
  return {{"profile", profile},
          {"model", model.to_json()},
          {"loss", loss.to_json()},
          {"dataset", dataset_json(dataset)},
          {"graph", graph_json(graph)},
          {"cv", cv_json(cv)},
          {"watchdog", watchdog_json(watchdog)},
          {"ridge", {{"lambda", ridge.lambda}}},
          {"xgboost", xgboost_json(xgboost)},
          {"epochs", epochs},
          {"days_per_epoch", days_per_epoch},
          {"learning_rate", learning_rate},
          {"weight_decay", weight_decay},
          {"gradient_clip", gradient_clip},
          {"plateau_patience", plateau_patience},
          {"plateau_factor", plateau_factor},
          {"early_stopping_patience", early_stopping_patience},
          {"validation_fraction", validation_fraction},
          {"selection_horizon", selection_horizon},
          {"checkpoint_every", checkpoint_every},
          {"seed", seed},
          {"threads", threads},
          {"baselines", baselines},
          {"baseline_day_stride", baseline_day_stride}};
}

TrainOptions TrainOptions::from_json(const json& patch) {
  if (!patch.is_object()) throw invalid_input("{}", "training options must be a JSON object");
  const std::string profile = patch.value("profile", std::string("cpu"));
  TrainOptions base;
  if (profile == "cpu") {
    base = cpu_profile();
  } else if (profile == "gpu") {
    base = gpu_profile();
  } else {
    throw invalid_input(
        "{}",
        fmt::format("training options: profile '{}' is unknown: use \"cpu\" or \"gpu\"", profile));
  }
  json merged = base.to_json();
  overlay(merged, patch, "");
  TrainOptions o;
  try {
    o.profile = merged.at("profile").get<std::string>();
    o.model = ModelConfig::from_json(merged.at("model"));
    o.loss = LossConfig::from_json(merged.at("loss"));
    const json& d = merged.at("dataset");
    read(d, "lookback", o.dataset.lookback);
    read(d, "clip", o.dataset.clip);
    read(d, "min_stocks", o.dataset.min_stocks);
    const json& g = merged.at("graph");
    read(g, "window", o.graph.window);
    read(g, "halflife", o.graph.halflife);
    read(g, "min_observations", o.graph.min_observations);
    read(g, "shrinkage", o.graph.shrinkage);
    read(g, "threshold", o.graph.threshold);
    read(g, "top_k", o.graph.top_k);
    const json& c = merged.at("cv");
    read(c, "folds", o.cv.folds);
    read(c, "min_train_days", o.cv.min_train_days);
    read(c, "min_test_days", o.cv.min_test_days);
    read(c, "horizon", o.cv.horizon);
    read(c, "embargo", o.cv.embargo);
    const json& w = merged.at("watchdog");
    read(w, "threshold", o.watchdog.threshold);
    read(w, "patience", o.watchdog.patience);
    read(w, "warmup_checks", o.watchdog.warmup_checks);
    read(w, "ema_alpha", o.watchdog.ema_alpha);
    read(w, "action", o.watchdog.action);
    read(w, "enabled", o.watchdog.enabled);
    read(merged.at("ridge"), "lambda", o.ridge.lambda);
    const json& x = merged.at("xgboost");
    read(x, "rounds", o.xgboost.rounds);
    read(x, "max_depth", o.xgboost.max_depth);
    read(x, "learning_rate", o.xgboost.learning_rate);
    read(x, "subsample", o.xgboost.subsample);
    read(x, "colsample_bytree", o.xgboost.colsample_bytree);
    read(x, "min_child_weight", o.xgboost.min_child_weight);
    read(x, "lambda", o.xgboost.lambda);
    read(x, "threads", o.xgboost.threads);
    read(x, "seed", o.xgboost.seed);
    read(x, "early_stopping_rounds", o.xgboost.early_stopping_rounds);
    read(merged, "epochs", o.epochs);
    read(merged, "days_per_epoch", o.days_per_epoch);
    read(merged, "learning_rate", o.learning_rate);
    read(merged, "weight_decay", o.weight_decay);
    read(merged, "gradient_clip", o.gradient_clip);
    read(merged, "plateau_patience", o.plateau_patience);
    read(merged, "plateau_factor", o.plateau_factor);
    read(merged, "early_stopping_patience", o.early_stopping_patience);
    read(merged, "validation_fraction", o.validation_fraction);
    read(merged, "selection_horizon", o.selection_horizon);
    read(merged, "checkpoint_every", o.checkpoint_every);
    read(merged, "seed", o.seed);
    read(merged, "threads", o.threads);
    read(merged, "baselines", o.baselines);
    read(merged, "baseline_day_stride", o.baseline_day_stride);
  } catch (const json::exception& error) {
    throw invalid_input("{}", fmt::format("training options: {}", error.what()));
  }
  // A lookback given for the model alone also sets the dataset's, and the reverse.
  if (patch.contains("model") && patch["model"].contains("lookback") &&
      !(patch.contains("dataset") && patch["dataset"].contains("lookback"))) {
    o.dataset.lookback = o.model.lookback;
  } else if (patch.contains("dataset") && patch["dataset"].contains("lookback") &&
             !(patch.contains("model") && patch["model"].contains("lookback"))) {
    o.model.lookback = o.dataset.lookback;
  }
  o.validate();
  return o;
}

}  // namespace gogooku3::ml
