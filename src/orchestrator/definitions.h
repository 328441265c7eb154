// Definitions: every asset and job of a system in one registry (Dagster's Definitions), and
// the graph they form. pipeline/definitions.cpp fills one for gogooku3; tests fill small ones.
//
// validate() refuses what would only fail later: two assets with one name, a dependency on an
// asset nobody declared, a dependency cycle (an asset may depend on itself only through
// `previous`, i.e. on its own earlier partition), a chunked asset that is not dated, a job
// naming an unknown asset.
//
// A job is a named selection of assets run together for one partition: `daily` is every daily
// asset for one business day. Selections are returned in dependency order (upstream first,
// ties in declaration order), which is also the order a run starts its steps.
//
// Not thread-safe to build; read-only (and so shareable) once validated.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/asset.h"

namespace gogooku3::orchestrator {

struct JobDef {
  std::string name;
  std::string description;
  std::vector<std::string> assets;
};

class Definitions {
 public:
  void add(AssetDef asset);
  void add_job(JobDef job);
  void validate() const;

  const std::vector<AssetDef>& assets() const { return assets_; }
  const std::vector<JobDef>& jobs() const { return jobs_; }
  // NotFound naming the asset and listing the known ones.
  const AssetDef& asset(std::string_view name) const;
  const JobDef& job(std::string_view name) const;
  bool has_asset(std::string_view name) const;

  // `selection` in dependency order; NotFound for an unknown name.
  std::vector<std::string> in_dependency_order(const std::vector<std::string>& selection) const;
  // Every asset in dependency order.
  std::vector<std::string> all_in_dependency_order() const;

 private:
  std::vector<AssetDef> assets_;
  std::vector<JobDef> jobs_;
};

}  // namespace gogooku3::orchestrator
