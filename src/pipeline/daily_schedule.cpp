#include "pipeline/daily_schedule.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "market/jquants/endpoints.h"
#include "orchestrator/run_plan.h"
#include "pipeline/definitions.h"

namespace gogooku3::pipeline {

DailySchedule::DailySchedule(PipelineResources& resources,
                             const orchestrator::Definitions& definitions, SourceFactory source_for,
                             orchestrator::ExecutorOptions executor_options)
    : resources_(resources),
      definitions_(definitions),
      source_for_(std::move(source_for)),
      executor_options_(std::move(executor_options)) {}

void DailySchedule::use_source_for(Date day) {
  if (source_day_ == day && resources_.source) return;
  resources_.source = source_for_(day);
  source_day_ = day;
}

orchestrator::SchedulerHooks DailySchedule::hooks() {
  orchestrator::SchedulerHooks hooks;
  hooks.is_done = [this](Date day) {
    const auto status = resources_.store->get_partition_status(kFeaturesAsset, day.to_string());
    return status && status->state == storage::PartitionState::kMaterialized;
  };
  hooks.is_published = [this](Date day) {
    use_source_for(day);
    const Table bars =
        resources_.source->fetch_days(market::jquants::endpoint("bars_daily"), {day}).front();
    return bars.num_rows() > 0;
  };
  hooks.run_day = [this](Date day) {
    use_source_for(day);
    const orchestrator::JobDef& job = definitions_.job(kDailyJob);
    const orchestrator::RunPlan plan =
        orchestrator::plan_partitions(definitions_, job.assets, day, day);
    orchestrator::ExecutorOptions options = executor_options_;
    options.job = job.name;
    options.partition_key = day.to_string();
    options.params_json = nlohmann::json{{"launched_by", "scheduler"}}.dump();
    orchestrator::RunReport report =
        orchestrator::execute(definitions_, plan, *resources_.store, options);
    if (report.blocked_by) {
      spdlog::warn("daily {}: run {} (pid {}) already holds the day; not running it twice",
                   day.to_string(), report.blocked_by->owner_run_id, report.blocked_by->pid);
    }
    const bool succeeded = report.succeeded();
    reports_.push_back(std::move(report));
    return succeeded;
  };
  hooks.on_fresh = [this](Date day, storage::TimestampMs published_ms,
                          storage::TimestampMs available_ms) {
    if (reports_.empty() || reports_.back().run.run_id.empty()) return;
    const double minutes = static_cast<double>(available_ms - published_ms) / 60000.0;
    const int slo = definitions_.asset(kFeaturesAsset).freshness_minutes.value_or(5);
    resources_.store->record_check(
        {.run_id = reports_.back().run.run_id,
         .asset = std::string(kFeaturesAsset),
         .partition_key = day.to_string(),
         .check_name = "freshness",
         .severity = storage::CheckSeverity::kWarning,
         .passed = minutes <= slo,
         .message = fmt::format("features available {:.1f} min after the bars were published "
                                "(SLO {} min)",
                                minutes, slo),
         .metadata_json = nlohmann::json{
             {"minutes", minutes},
             {"published_at_ms", published_ms},
             {"available_at_ms",
              available_ms}}.dump()});
  };
  return hooks;
}

std::vector<double> freshness_minutes(const storage::MetadataStore& store,
                                      const TradingCalendar& calendar, Date from, Date to) {
  std::vector<double> minutes;
  for (const Date day : calendar.business_days(from, to)) {
    const std::vector<storage::CheckResult> checks =
        store.checks_for(kFeaturesAsset, day.to_string());
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) {
      if (it->check_name != "freshness") continue;
      minutes.push_back(nlohmann::json::parse(it->metadata_json).value("minutes", NAN));
      break;  // the newest measurement of the day
    }
  }
  return minutes;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return NAN;
  std::ranges::sort(values);
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(rank));
  const std::size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
}

}  // namespace gogooku3::pipeline
