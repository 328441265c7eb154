#include "orchestrator/definitions.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

namespace gogooku3::orchestrator {
namespace {

std::vector<std::string> names_of(const std::vector<AssetDef>& assets) {
  std::vector<std::string> names;
  names.reserve(assets.size());
  for (const AssetDef& asset : assets) names.push_back(asset.name);
  return names;
}

}  // namespace

void Definitions::add(AssetDef asset) {
  if (asset.name.empty()) throw invalid_input("an asset needs a name");
  if (has_asset(asset.name)) throw invalid_input("asset {} is declared twice", asset.name);
  if (!asset.compute) throw invalid_input("asset {} has no compute function", asset.name);
  assets_.push_back(std::move(asset));
}

void Definitions::add_job(JobDef job) {
  for (const JobDef& existing : jobs_) {
    if (existing.name == job.name) throw invalid_input("job {} is declared twice", job.name);
  }
  jobs_.push_back(std::move(job));
}

bool Definitions::has_asset(std::string_view name) const {
  return std::ranges::any_of(assets_, [&](const AssetDef& asset) { return asset.name == name; });
}

const AssetDef& Definitions::asset(std::string_view name) const {
  for (const AssetDef& asset : assets_) {
    if (asset.name == name) return asset;
  }
  throw not_found("no asset named '{}'; the assets are: {}", name,
                  fmt::join(names_of(assets_), ", "));
}

const JobDef& Definitions::job(std::string_view name) const {
  for (const JobDef& job : jobs_) {
    if (job.name == name) return job;
  }
  std::vector<std::string> names;
  for (const JobDef& job : jobs_) names.push_back(job.name);
  throw not_found("no job named '{}'; the jobs are: {}", name, fmt::join(names, ", "));
}

void Definitions::validate() const {
  for (const AssetDef& asset : assets_) {
    for (const Dependency& dependency : asset.deps) {
      if (!has_asset(dependency.asset)) {
        throw invalid_input("asset {} depends on {}, which is not declared", asset.name,
                            dependency.asset);
      }
      if (dependency.asset == asset.name && dependency.mapping != MappingKind::kPrevious) {
        throw invalid_input(
            "asset {} depends on itself other than through 'previous' (its earlier partition)",
            asset.name);
      }
      if (dependency.mapping == MappingKind::kTrailingWindow && dependency.window < 1) {
        throw invalid_input("asset {}: the trailing window on {} must be at least 1 day",
                            asset.name, dependency.asset);
      }
    }
    if (asset.max_chunk < 1) throw invalid_input("asset {}: max_chunk must be >= 1", asset.name);
    if (asset.max_chunk > 1 && !asset.partitions.is_dated()) {
      throw invalid_input("asset {}: only dated assets can be materialized in chunks", asset.name);
    }
  }
  for (const JobDef& job : jobs_) {
    for (const std::string& name : job.assets) {
      if (!has_asset(name)) throw invalid_input("job {} names unknown asset {}", job.name, name);
    }
  }
  all_in_dependency_order();  // throws on a cycle
}

std::vector<std::string> Definitions::in_dependency_order(
    const std::vector<std::string>& selection) const {
  std::set<std::string> wanted;
  for (const std::string& name : selection) wanted.insert(asset(name).name);
  // Kahn's algorithm over the whole graph, emitting in declaration order among the ready ones,
  // so the order of a selection is the order of the full graph restricted to it.
  std::map<std::string, int> pending;
  std::map<std::string, std::vector<std::string>> dependents;
  for (const AssetDef& asset : assets_) {
    pending[asset.name];
    for (const Dependency& dependency : asset.deps) {
      if (dependency.asset == asset.name) continue;
      ++pending[asset.name];
      dependents[dependency.asset].push_back(asset.name);
    }
  }
  std::vector<std::string> order;
  std::vector<std::string> emitted;
  while (emitted.size() < assets_.size()) {
    const auto ready = std::ranges::find_if(assets_, [&](const AssetDef& asset) {
      return pending[asset.name] == 0 && std::ranges::find(emitted, asset.name) == emitted.end();
    });
    if (ready == assets_.end()) {
      std::vector<std::string> stuck;
      for (const AssetDef& asset : assets_) {
        if (pending[asset.name] > 0) stuck.push_back(asset.name);
      }
      throw invalid_input("the assets {} depend on each other in a cycle", fmt::join(stuck, ", "));
    }
    emitted.push_back(ready->name);
    if (wanted.contains(ready->name)) order.push_back(ready->name);
    for (const std::string& dependent : dependents[ready->name]) --pending[dependent];
  }
  return order;
}

std::vector<std::string> Definitions::all_in_dependency_order() const {
  return in_dependency_order(names_of(assets_));
}

}  // namespace gogooku3::orchestrator
