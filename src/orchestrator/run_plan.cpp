#include "orchestrator/run_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace gogooku3::orchestrator {
namespace {

// The partitions of one asset cut into runs of at most `chunk` keys; a gap (a skipped,
// already-materialized day) also ends a chunk, so each chunk is consecutive days.
std::vector<std::vector<std::string>> chunked(const std::vector<std::string>& all_keys,
                                              const std::vector<bool>& wanted, int chunk) {
  std::vector<std::vector<std::string>> chunks;
  std::vector<std::string> current;
  for (std::size_t i = 0; i < all_keys.size(); ++i) {
    if (!wanted[i]) {
      if (!current.empty()) chunks.push_back(std::move(current));
      current.clear();
      continue;
    }
    current.push_back(all_keys[i]);
    if (static_cast<int>(current.size()) == chunk) {
      chunks.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) chunks.push_back(std::move(current));
  return chunks;
}

// Steps by first partition, then in dependency order of their assets: a backfill moves
// through time with every asset of a chunk close together (the sample source simulates days
// in order, and a crash leaves a prefix of days complete rather than one asset complete).
void sort_steps(const Definitions& definitions, std::vector<Step>& steps) {
  const std::vector<std::string> order = definitions.all_in_dependency_order();
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::ranges::stable_sort(steps, [&](const Step& a, const Step& b) {
    if (a.partitions.front() != b.partitions.front()) {
      return a.partitions.front() < b.partitions.front();
    }
    return rank[a.asset] < rank[b.asset];
  });
}

}  // namespace

std::string Step::label() const {
  std::string text = asset;
  if (!partitions.empty() && !partitions.front().empty()) {
    text += ' ';
    text += partitions.front();
    if (partitions.size() > 1) text += ".." + partitions.back();
  }
  if (!tickers.empty()) text += fmt::format(" [{}]", fmt::join(tickers, ","));
  return text;
}

std::size_t RunPlan::partition_count() const {
  std::size_t count = 0;
  for (const Step& step : steps) count += step.partitions.size();
  return count;
}

std::string RunPlan::to_json() const {
  nlohmann::json array = nlohmann::json::array();
  for (const Step& step : steps) {
    nlohmann::json item = {{"asset", step.asset}, {"partitions", step.partitions}};
    if (!step.tickers.empty()) item["tickers"] = step.tickers;
    array.push_back(std::move(item));
  }
  return array.dump();
}

RunPlan RunPlan::from_json(std::string_view json) {
  RunPlan plan;
  try {
    const nlohmann::json array = nlohmann::json::parse(json);
    for (const nlohmann::json& item : array) {
      Step step;
      step.asset = item.at("asset").get<std::string>();
      step.partitions = item.at("partitions").get<std::vector<std::string>>();
      if (item.contains("tickers")) step.tickers = item["tickers"].get<std::vector<std::string>>();
      if (step.partitions.empty()) throw invalid_input("a step of {} has no partition", step.asset);
      plan.steps.push_back(std::move(step));
    }
  } catch (const nlohmann::json::exception& error) {
    throw invalid_input("a run plan is not valid JSON of steps: {}", error.what());
  }
  return plan;
}

RunPlan plan_partitions(const Definitions& definitions, const std::vector<std::string>& assets,
                        Date from, Date to, const PlanOptions& options) {
  if (to < from) {
    throw invalid_input("the range ends ({}) before it starts ({})", to.to_string(),
                        from.to_string());
  }
  RunPlan plan;
  for (const std::string& name : definitions.in_dependency_order(assets)) {
    const AssetDef& asset = definitions.asset(name);
    const std::vector<std::string> keys = asset.partitions.keys(from, to);
    std::vector<bool> wanted(keys.size(), true);
    if (options.skip_materialized != nullptr && !keys.empty()) {
      for (const storage::PartitionStatus& status :
           options.skip_materialized->partition_statuses(name, keys.front(), keys.back())) {
        if (status.state != storage::PartitionState::kMaterialized ||
            !status.failed_tickers.empty()) {
          continue;
        }
        const auto it = std::ranges::lower_bound(keys, status.partition_key);
        if (it != keys.end() && *it == status.partition_key) wanted[it - keys.begin()] = false;
      }
    }
    int chunk = asset.max_chunk;
    if (options.chunk_days > 0) chunk = std::min(chunk, options.chunk_days);
    for (std::vector<std::string>& partitions : chunked(keys, wanted, chunk)) {
      plan.steps.push_back({name, std::move(partitions), {}});
    }
  }
  sort_steps(definitions, plan.steps);
  return plan;
}

RunPlan plan_cells(const Definitions& definitions, const std::string& asset,
                   const std::vector<std::string>& partitions,
                   const std::vector<std::string>& tickers) {
  const AssetDef& def = definitions.asset(asset);
  if (!tickers.empty() && !def.per_ticker) {
    throw invalid_input("asset {} is not tracked per ticker; materialize it without --tickers",
                        asset);
  }
  std::vector<std::string> keys = partitions;
  if (keys.empty()) keys.emplace_back();
  std::ranges::sort(keys);
  RunPlan plan;
  for (const std::string& key : keys) {
    def.partitions.require_valid(key, asset);
    plan.steps.push_back({asset, {key}, tickers});
  }
  return plan;
}

RunPlan plan_from_failure(const Definitions& definitions, const storage::MetadataStore& store,
                          const std::string& run_id) {
  const std::optional<storage::RunRecord> run = store.get_run(run_id);
  if (!run) throw not_found("no run {}; `gogooku3 runs` lists them", run_id);
  if (!storage::is_terminal(run->status)) {
    throw invalid_input("run {} is still {}; wait for it or cancel it first", run_id,
                        storage::run_status_name(run->status));
  }
  nlohmann::json params;
  try {
    params = nlohmann::json::parse(run->params_json);
  } catch (const nlohmann::json::exception&) {
    throw invalid_input("run {} has unreadable params; it cannot be re-executed", run_id);
  }
  if (!params.contains("plan")) {
    throw invalid_input("run {} was not launched by the orchestrator (no plan in its params)",
                        run_id);
  }
  const RunPlan original = RunPlan::from_json(params["plan"].dump());

  std::set<std::pair<std::string, std::string>> succeeded;  // (asset, first partition)
  std::map<std::pair<std::string, std::string>, std::set<std::string>> failed_tickers;
  for (const storage::Event& event : store.events_for_run(run_id)) {
    if (event.kind == storage::EventKind::kStepSuccess) {
      const nlohmann::json payload = nlohmann::json::parse(event.payload_json);
      succeeded.emplace(event.asset, payload.value("first_partition", event.partition_key));
    } else if (event.kind == storage::EventKind::kTickerFailure) {
      const nlohmann::json payload = nlohmann::json::parse(event.payload_json);
      failed_tickers[{event.asset, event.partition_key}].insert(payload.value("ticker", ""));
    }
  }
  RunPlan plan;
  for (const Step& step : original.steps) {
    definitions.asset(step.asset);  // NotFound when the asset was removed since
    if (!succeeded.contains({step.asset, step.partitions.front()})) {
      plan.steps.push_back(step);
      continue;
    }
    for (const std::string& key : step.partitions) {
      const auto it = failed_tickers.find({step.asset, key});
      if (it == failed_tickers.end()) continue;
      plan.steps.push_back({step.asset, {key}, {it->second.begin(), it->second.end()}});
    }
  }
  if (plan.steps.empty()) {
    throw invalid_input("run {} has nothing to re-execute: every step and ticker succeeded",
                        run_id);
  }
  sort_steps(definitions, plan.steps);
  return plan;
}

}  // namespace gogooku3::orchestrator
