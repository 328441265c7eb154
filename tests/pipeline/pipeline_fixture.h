// The pipeline in a temporary home: a local lake recording into SQLite, the built-in feature
// manifest, and either the sample market or a fake J-Quants server serving it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "../orchestrator/orchestrator_fixture.h"
#include "fake_jquants/fake_jquants_server.h"
#include "market/sample/sample_market.h"
#include "orchestrator/executor.h"
#include "pipeline/definitions.h"
#include "storage/object_store/local_object_store.h"

namespace gogooku3::testing {

inline constexpr int kPipelineStocks = 20;
inline const Date kSampleStart = Date::from_ymd(2026, 10, 1);

inline market::sample::SampleOptions pipeline_sample_options() {
  return {.seed = 11, .stocks = kPipelineStocks, .start_date = kSampleStart};
}

// Loads the sample market's records of [kSampleStart, through] into `server` (replacing what
// it served): the day `through` is "published" from then on.
inline void publish_through(fake_jquants::FakeJQuantsServer& server,
                            const TradingCalendar& calendar, Date through) {
  market::sample::SampleMarket market(pipeline_sample_options(), calendar, through);
  std::vector<Table> bars, master, topix, investors;
  while (std::optional<market::sample::SampleDay> day = market.next_day()) {
    bars.push_back(day->bars);
    master.push_back(day->master);
    topix.push_back(day->topix);
    if (day->investor_types.num_rows() > 0) investors.push_back(day->investor_types);
  }
  server.set_records("bars_daily", Table::concat(bars));
  server.set_records("equities_master", Table::concat(master));
  server.set_records("topix", Table::concat(topix));
  if (!investors.empty()) server.set_records("investor_types", Table::concat(investors));
}

class PipelineTest : public OrchestratorTest {
 protected:
  PipelineTest() : lake_(storage::open_local_object_store(home_.path() / "lake"), store_.get()) {
    resources_.lake = &lake_;
    resources_.store = store_.get();
    resources_.calendar = calendar_;
    resources_.manifest =
        std::make_shared<const features::FeatureManifest>(features::FeatureManifest::built_in());
    resources_.feature_threads = 2;
  }

  void use_sample_source(Date as_of) {
    resources_.source =
        std::make_shared<market::SampleSource>(pipeline_sample_options(), *calendar_, as_of);
  }

  orchestrator::ExecutorOptions executor_options() {
    orchestrator::ExecutorOptions options;
    options.threads = 2;
    options.pool_limits = {{"source", 1}};
    return options;
  }

  storage::Lake lake_;
  pipeline::PipelineResources resources_;
};

}  // namespace gogooku3::testing
