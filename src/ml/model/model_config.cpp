// ModelConfig and LossConfig: validation and the JSON form written next to a checkpoint.
//
// from_json starts from the defaults and overlays the keys present, refusing unknown keys and
// values of the wrong JSON kind before validate() checks the ranges, so every error names the
// key a person has to fix.
#include "ml/model/model_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstddef>
#include <set>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

using nlohmann::json;

const std::set<std::string>& model_keys() {
  static const std::set<std::string> keys = {
      "features",    "lookback",  "hidden",      "attention_heads",   "dropout",
      "fan_enabled", "fan_top_k", "vsn_weights", "gat_enabled",       "gat_heads",
      "edge_dim",    "horizons",  "quantiles",   "vsn_feature_hidden"};
  return keys;
}

const std::set<std::string>& loss_keys() {
  static const std::set<std::string> keys = {"horizon_weights", "correlation_weight"};
  return keys;
}

void refuse_unknown_keys(const json& object, const std::set<std::string>& known,
                         std::string_view what) {
  if (!object.is_object()) {
    throw invalid_input("{} must be a JSON object, got {}", what, object.dump());
  }
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      throw invalid_input("{}: unknown key '{}'; known keys: {}", what, key,
                          fmt::join(known, ", "));
    }
  }
}

template <typename T>
bool has_kind(const json& value) {
  if constexpr (std::is_same_v<T, int>) {
    return value.is_number_integer();
  } else if constexpr (std::is_same_v<T, double>) {
    return value.is_number();
  } else if constexpr (std::is_same_v<T, bool>) {
    return value.is_boolean();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return value.is_string();
  } else {
    if (!value.is_array()) return false;
    for (const json& item : value) {
      if (!has_kind<typename T::value_type>(item)) return false;
    }
    return true;
  }
}

// Reads object[key] into `out` when present; a value of the wrong kind names the key.
template <typename T>
void read_if_present(const json& object, const char* key, std::string_view what, T& out) {
  if (!object.contains(key)) return;
  const json& value = object.at(key);
  if (!has_kind<T>(value)) {
    throw invalid_input(
        "{}: key '{}' has the wrong kind of value {}; see to_json() of the defaults for the "
        "expected form",
        what, key, value.dump());
  }
  out = value.get<T>();
}

void require(bool ok, std::string_view field, const std::string& given, std::string_view allowed) {
  if (!ok) {
    throw invalid_input("model config: {} must be {}, got {}", field, allowed, given);
  }
}

}  // namespace

ModelConfig ModelConfig::cpu_profile() {
  ModelConfig config;
  config.lookback = 10;
  config.vsn_feature_hidden = 4;
  return config;
}

ModelConfig ModelConfig::gpu_profile() {
  ModelConfig config;
  config.hidden = 256;
  config.lookback = 60;
  config.attention_heads = 8;
  config.gat_heads = 4;
  config.vsn_feature_hidden = 16;
  return config;
}

void ModelConfig::validate() const {
  require(features >= 1, "features", std::to_string(features), "at least 1");
  require(lookback >= 1, "lookback", std::to_string(lookback), "at least 1");
  require(attention_heads >= 1, "attention_heads", std::to_string(attention_heads), "at least 1");
  require(gat_heads >= 1, "gat_heads", std::to_string(gat_heads), "at least 1");
  require(hidden >= 1 && hidden % attention_heads == 0 && hidden % gat_heads == 0, "hidden",
          std::to_string(hidden),
          fmt::format("a positive multiple of attention_heads ({}) and gat_heads ({})",
                      attention_heads, gat_heads));
  require(vsn_feature_hidden >= 1, "vsn_feature_hidden", std::to_string(vsn_feature_hidden),
          "at least 1");
  require(dropout >= 0.0 && dropout < 1.0, "dropout", fmt::format("{}", dropout), "in [0, 1)");
  const int max_top_k = lookback / 2 + 1;
  require(fan_top_k >= 1 && fan_top_k <= max_top_k, "fan_top_k", std::to_string(fan_top_k),
          fmt::format("in [1, lookback/2 + 1 = {}] (rFFT bins of a {}-day window)", max_top_k,
                      lookback));
  require(vsn_weights == "softmax" || vsn_weights == "sigmoid", "vsn_weights",
          "'" + vsn_weights + "'", "'softmax' or 'sigmoid'");
  require(edge_dim >= 1, "edge_dim", std::to_string(edge_dim), "at least 1");
  bool horizons_ok = !horizons.empty();
  for (std::size_t i = 0; i < horizons.size(); ++i) {
    horizons_ok = horizons_ok && horizons[i] >= 1 && (i == 0 || horizons[i] > horizons[i - 1]);
  }
  require(horizons_ok, "horizons", fmt::format("[{}]", fmt::join(horizons, ", ")),
          "a non-empty, strictly ascending list of positive business-day counts");
  bool quantiles_ok = !quantiles.empty();
  bool has_median = false;
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    quantiles_ok = quantiles_ok && quantiles[i] > 0.0 && quantiles[i] < 1.0 &&
                   (i == 0 || quantiles[i] > quantiles[i - 1]);
    has_median = has_median || quantiles[i] == 0.5;
  }
  require(quantiles_ok && has_median, "quantiles", fmt::format("[{}]", fmt::join(quantiles, ", ")),
          "strictly ascending probabilities in (0, 1) that include the median 0.5");
}

int ModelConfig::median_index() const {
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    if (quantiles[i] == 0.5) return static_cast<int>(i);
  }
  throw invalid_input("model config: quantiles [{}] do not contain the median 0.5; add it",
                      fmt::join(quantiles, ", "));
}

nlohmann::json ModelConfig::to_json() const {
  return {{"features", features},       {"lookback", lookback},
          {"hidden", hidden},           {"attention_heads", attention_heads},
          {"dropout", dropout},         {"fan_enabled", fan_enabled},
          {"fan_top_k", fan_top_k},     {"vsn_weights", vsn_weights},
          {"gat_enabled", gat_enabled}, {"gat_heads", gat_heads},
          {"edge_dim", edge_dim},       {"horizons", horizons},
          {"quantiles", quantiles},     {"vsn_feature_hidden", vsn_feature_hidden}};
}

ModelConfig ModelConfig::from_json(const nlohmann::json& json) {
  constexpr std::string_view kWhat = "model config";
  refuse_unknown_keys(json, model_keys(), kWhat);
  ModelConfig config;
  read_if_present(json, "features", kWhat, config.features);
  read_if_present(json, "lookback", kWhat, config.lookback);
  read_if_present(json, "hidden", kWhat, config.hidden);
  read_if_present(json, "attention_heads", kWhat, config.attention_heads);
  read_if_present(json, "dropout", kWhat, config.dropout);
  read_if_present(json, "fan_enabled", kWhat, config.fan_enabled);
  read_if_present(json, "fan_top_k", kWhat, config.fan_top_k);
  read_if_present(json, "vsn_weights", kWhat, config.vsn_weights);
  read_if_present(json, "vsn_feature_hidden", kWhat, config.vsn_feature_hidden);
  read_if_present(json, "gat_enabled", kWhat, config.gat_enabled);
  read_if_present(json, "gat_heads", kWhat, config.gat_heads);
  read_if_present(json, "edge_dim", kWhat, config.edge_dim);
  read_if_present(json, "horizons", kWhat, config.horizons);
  read_if_present(json, "quantiles", kWhat, config.quantiles);
  config.validate();
  return config;
}

void LossConfig::validate(const ModelConfig& model) const {
  if (horizon_weights.size() != model.horizons.size()) {
    throw invalid_input(
        "loss config: horizon_weights has {} weights [{}] but the model predicts {} horizons "
        "[{}]; give one weight per horizon",
        horizon_weights.size(), fmt::join(horizon_weights, ", "), model.horizons.size(),
        fmt::join(model.horizons, ", "));
  }
  double sum = 0.0;
  for (double weight : horizon_weights) {
    if (!std::isfinite(weight) || weight < 0.0) {
      throw invalid_input("loss config: horizon weight {} must be finite and >= 0", weight);
    }
    sum += weight;
  }
  if (sum <= 0.0) {
    throw invalid_input("loss config: horizon_weights [{}] are all zero; at least one must be > 0",
                        fmt::join(horizon_weights, ", "));
  }
  if (!std::isfinite(correlation_weight) || correlation_weight < 0.0) {
    throw invalid_input("loss config: correlation_weight must be finite and >= 0, got {}",
                        correlation_weight);
  }
}

nlohmann::json LossConfig::to_json() const {
  return {{"horizon_weights", horizon_weights}, {"correlation_weight", correlation_weight}};
}

LossConfig LossConfig::from_json(const nlohmann::json& json) {
  constexpr std::string_view kWhat = "loss config";
  refuse_unknown_keys(json, loss_keys(), kWhat);
  LossConfig config;
  read_if_present(json, "horizon_weights", kWhat, config.horizon_weights);
  read_if_present(json, "correlation_weight", kWhat, config.correlation_weight);
  for (double weight : config.horizon_weights) {
    if (!std::isfinite(weight) || weight < 0.0) {
      throw invalid_input("loss config: horizon weight {} must be finite and >= 0", weight);
    }
  }
  if (!std::isfinite(config.correlation_weight) || config.correlation_weight < 0.0) {
    throw invalid_input("loss config: correlation_weight must be finite and >= 0, got {}",
                        config.correlation_weight);
  }
  return config;
}

}  // namespace gogooku3::ml
