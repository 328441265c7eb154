// The feature catalog: every feature the engine can compute, families x parameters.
//
// The catalog is the menu; a manifest (features/manifest.h) picks the dishes. Families are
// registered by the files named after them (families_*.cpp), each a table of parameter sets
// over one idea — returns, volatility, moving averages, momentum, bands, volume, 52-week
// position, gaps, limit hits, market, beta, flows, margin, cross-section — so adding a variant is
// one line. `gogooku3 features list` prints it; docs/features.md explains each family.
//
// The catalog is built once on first use and then read-only, so it is safe to share between
// threads. Labels (forward returns) are not features and are not in it (features/labels.h).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "features/catalog/feature_def.h"

namespace gogooku3::features {

class Catalog {
 public:
  // Features in registration order (family by family).
  const std::vector<FeatureDef>& all() const { return features_; }
  size_t size() const { return features_.size(); }
  // nullptr when unknown.
  const FeatureDef* find(std::string_view name) const;
  // NotFound naming the feature and, when there is one, the closest names.
  const FeatureDef& get(std::string_view name) const;
  std::vector<std::string> families() const;

  // Used by the families_*.cpp files while the catalog is built. Internal when the name is
  // taken or a cross-section base is unknown.
  void add(FeatureDef feature);

 private:
  std::vector<FeatureDef> features_;
  std::map<std::string, size_t, std::less<>> by_name_;
};

const Catalog& catalog();

// The registration functions, one per families_*.cpp file.
void register_price_families(Catalog& catalog);
void register_market_families(Catalog& catalog);
void register_flow_families(Catalog& catalog);
void register_margin_families(Catalog& catalog);
void register_cross_section_families(Catalog& catalog);

}  // namespace gogooku3::features
