#include "features/manifest.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "features/catalog/catalog.h"
#include "features/labels.h"
#include "storage/object_store/s3_protocol.h"

namespace gogooku3::features {

namespace {

// Weekly statistics are published on the fourth business day after the week ends or so;
// two extra weeks of calendar cover the delay and holidays.
constexpr int kFlowPublicationDelayDays = 10;
constexpr int kWindowMarginDays = 5;

}  // namespace

int history_business_days(const FeatureDef& feature) {
  if (feature.stage == FeatureStage::kFlow || feature.stage == FeatureStage::kMargin) {
    return 5 * feature.lookback + kFlowPublicationDelayDays;
  }
  if (feature.memory > 0) {
    // From the start of the target's epoch back to smoother_start(), in business days: at most
    // 5 of every 7 calendar days, rounded up, plus one for a partial week.
    const int calendar_days = kSmootherEpochDays + smoother_history_calendar_days(feature);
    return (calendar_days * 5 + 6) / 7 + 2;
  }
  return feature.window();
}

FeatureManifest FeatureManifest::from_names(const std::vector<std::string>& names,
                                            std::string_view origin) {
  FeatureManifest manifest;
  manifest.origin_ = std::string(origin);
  if (names.empty()) throw invalid_input("{}: the feature list is empty", origin);
  std::set<std::string, std::less<>> seen;
  for (const std::string& name : names) {
    if (is_label_name(name)) {
      throw invalid_input(
          "{}: '{}' is a label (a forward return), not a feature; a label in a feature set is "
          "look-ahead. Remove it: labels are computed apart (features/labels.h)",
          origin, name);
    }
    if (!seen.insert(name).second) {
      throw invalid_input("{}: feature '{}' is listed twice", origin, name);
    }
    try {
      manifest.features_.push_back(&catalog().get(name));
    } catch (const Error& e) {
      throw invalid_input("{}: {}", origin, e.what());
    }
  }
  std::string canonical(kFeatureDefinitionVersion);
  for (const std::string& name : names) canonical += "\n" + name;
  manifest.hash_ = storage::s3::sha256_hex(canonical).substr(0, 12);
  return manifest;
}

extern const std::string_view kDefaultManifestYaml;

FeatureManifest FeatureManifest::parse(std::string_view yaml, std::string_view origin) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw invalid_input("feature manifest {}: line {}: {}", origin, e.mark.line + 1, e.msg);
  }
  const YAML::Node list = root["features"];
  if (!list || !list.IsSequence()) {
    throw invalid_input("feature manifest {}: expected a key 'features' with a list of names",
                        origin);
  }
  std::vector<std::string> names;
  for (const YAML::Node& item : list) {
    if (!item.IsScalar()) {
      throw invalid_input("feature manifest {}: line {}: each entry must be a feature name", origin,
                          item.Mark().line + 1);
    }
    names.push_back(item.as<std::string>());
  }
  return from_names(names, origin);
}

FeatureManifest FeatureManifest::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found("feature manifest {}: cannot open the file", path.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

FeatureManifest FeatureManifest::built_in() {
  return parse(kDefaultManifestYaml, "config/features.yaml (built in)");
}

std::vector<std::string> FeatureManifest::names() const {
  std::vector<std::string> out;
  out.reserve(features_.size());
  for (const FeatureDef* def : features_) out.push_back(def->name);
  return out;
}

int FeatureManifest::window_business_days() const {
  int longest = 0;
  for (const FeatureDef* def : features_) longest = std::max(longest, history_business_days(*def));
  return longest + kWindowMarginDays;
}

}  // namespace gogooku3::features
