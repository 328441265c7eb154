#include "features/catalog/catalog.h"

#include <algorithm>
#include <set>

#include "core/error.h"

namespace gogooku3::features {

std::string_view stage_name(FeatureStage stage) {
  switch (stage) {
    case FeatureStage::kStock:
      return "stock";
    case FeatureStage::kMarket:
      return "market";
    case FeatureStage::kFlow:
      return "flow";
    case FeatureStage::kMargin:
      return "margin";
    case FeatureStage::kCrossSection:
      return "cross-section";
  }
  return "?";
}

const FeatureDef* Catalog::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &features_[it->second];
}

namespace {

// Names sharing the longest prefix with `name` (up to its first '_' at least), for hints.
std::vector<std::string> similar_names(const std::vector<FeatureDef>& features,
                                       std::string_view name) {
  const std::string_view stem = name.substr(0, name.find('_'));
  std::vector<std::string> similar;
  for (const FeatureDef& feature : features) {
    if (feature.name.starts_with(stem) && similar.size() < 8) similar.push_back(feature.name);
  }
  return similar;
}

}  // namespace

const FeatureDef& Catalog::get(std::string_view name) const {
  if (const FeatureDef* feature = find(name)) return *feature;
  const std::vector<std::string> similar = similar_names(features_, name);
  if (similar.empty()) {
    throw not_found("feature '{}' is not in the catalog; `gogooku3 features list` shows all {}",
                    name, features_.size());
  }
  throw not_found("feature '{}' is not in the catalog; similar: {} (`gogooku3 features list`)",
                  name, fmt::join(similar, ", "));
}

std::vector<std::string> Catalog::families() const {
  std::vector<std::string> families;
  for (const FeatureDef& feature : features_) {
    if (std::find(families.begin(), families.end(), feature.family) == families.end()) {
      families.push_back(feature.family);
    }
  }
  return families;
}

void Catalog::add(FeatureDef feature) {
  if (by_name_.contains(feature.name)) {
    throw internal_error("feature catalog: '{}' is registered twice", feature.name);
  }
  if (feature.stage == FeatureStage::kCrossSection) {
    const FeatureDef* base = find(feature.base);
    if (base == nullptr || base->stage == FeatureStage::kCrossSection) {
      throw internal_error(
          "feature catalog: '{}' transforms '{}', which is not a registered "
          "stock, market or flow feature",
          feature.name, feature.base);
    }
  }
  by_name_.emplace(feature.name, features_.size());
  features_.push_back(std::move(feature));
}

const Catalog& catalog() {
  static const Catalog built = [] {
    Catalog c;
    register_price_families(c);
    register_market_families(c);
    register_flow_families(c);
    register_margin_families(c);
    register_cross_section_families(c);
    return c;
  }();
  return built;
}

}  // namespace gogooku3::features
