// DailySchedule: what `gogooku3 scheduler` plugs into the generic orchestrator::Scheduler —
// the meaning of "done", "published" and "run" for gogooku3's daily job — and the freshness
// record the SLO is measured from.
//
//   is_done(D)       the features partition of D is materialized
//   is_published(D)  the source serves bars for D (one bars_daily query for the day)
//   run_day(D)       the daily job for D (every daily asset), through the executor
//   on_fresh(D,...)  records a "freshness" check on features/D: minutes from the first poll
//                    that saw D's bars to the run's end, passed when within the features
//                    asset's freshness_minutes (5)
// The source is made per day by `source_for` (the sample market must be "as of" the day it
// serves; a J-Quants source can be the same client every day) and installed in the
// resources before the day's polls and run.
//
// Used from the scheduler's one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/definitions.h"
#include "orchestrator/executor.h"
#include "orchestrator/scheduler.h"
#include "pipeline/resources.h"

namespace gogooku3::pipeline {

class DailySchedule {
 public:
  using SourceFactory = std::function<std::shared_ptr<market::MarketSource>(Date)>;

  // `resources` and `definitions` (made from them) must outlive the schedule.
  DailySchedule(PipelineResources& resources, const orchestrator::Definitions& definitions,
                SourceFactory source_for, orchestrator::ExecutorOptions executor_options);

  orchestrator::SchedulerHooks hooks();
  // The reports of the daily runs made so far, oldest first.
  const std::vector<orchestrator::RunReport>& reports() const { return reports_; }

 private:
  void use_source_for(Date day);

  PipelineResources& resources_;
  const orchestrator::Definitions& definitions_;
  SourceFactory source_for_;
  orchestrator::ExecutorOptions executor_options_;
  std::optional<Date> source_day_;
  std::vector<orchestrator::RunReport> reports_;
};

// The freshness (minutes) of every business day in [from, to] that has one, in date order.
std::vector<double> freshness_minutes(const storage::MetadataStore& store,
                                      const TradingCalendar& calendar, Date from, Date to);
// The p-th percentile (0..100) by linear interpolation; NaN for no values.
double percentile(std::vector<double> values, double p);

}  // namespace gogooku3::pipeline
