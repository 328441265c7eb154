// FeatureManifest: the named set of features a pipeline computes and a model consumes.
//
// A manifest is a YAML file (config/features.yaml is the project's) listing catalog names:
//   features:
//     - ret_1d          # why this one: a comment per choice
//     - rsi_14
// Loading checks every name against the catalog (unknown names are InvalidInput naming the
// file, the name and similar ones), rejects duplicates, and rejects labels outright: a
// forward return in a feature set is look-ahead, the one bug that makes a backtest lie.
//
// The hash (12 hex digits of SHA-256 over the engine's feature-definition version and the
// names in order) names the feature set in the lake — features/<hash>/date=D/ — so changing
// the set never overwrites the old one's partitions, and a model records the hash it was
// trained on.
//
// Immutable after loading; share freely between threads.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "features/catalog/feature_def.h"

namespace gogooku3::features {

// Bumped whenever a catalog definition changes its values, so old partitions are not mixed
// with new ones under one hash.
inline constexpr std::string_view kFeatureDefinitionVersion = "gogooku3-features-1";

class FeatureManifest {
 public:
  static FeatureManifest load(const std::filesystem::path& path);
  // The project's config/features.yaml, compiled into the binary.
  static FeatureManifest built_in();
  // YAML text; `origin` names it in errors.
  static FeatureManifest parse(std::string_view yaml, std::string_view origin);
  // `origin` names the source in errors ("config/features.yaml", "--features").
  static FeatureManifest from_names(const std::vector<std::string>& names, std::string_view origin);

  const std::vector<const FeatureDef*>& features() const { return features_; }
  std::vector<std::string> names() const;
  const std::string& hash() const { return hash_; }
  // "features/<hash>"
  std::string dataset() const { return "features/" + hash_; }
  const std::string& origin() const { return origin_; }

  // Business days of history before a day that computing it needs: the longest window of
  // any feature (flow features: their weeks plus a publication delay) plus a margin.
  int window_business_days() const;

 private:
  std::vector<const FeatureDef*> features_;
  std::string hash_;
  std::string origin_;
};

// Business days of history one feature needs (see window_business_days).
int history_business_days(const FeatureDef& feature);

}  // namespace gogooku3::features
