#include "features/features_asset.h"

#include <chrono>
#include <future>
#include <map>

#include "core/error.h"
#include "features/engine.h"
#include "features/feature_inputs.h"

namespace gogooku3::features {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<std::pair<Date, Table>> split_by_date(const Table& features) {
  std::map<Date, std::vector<size_t>> rows;
  const auto& dates = features.column(kDateColumn).as<Date>();
  for (size_t row = 0; row < dates.size(); ++row) rows[dates[row]].push_back(row);
  std::vector<std::pair<Date, Table>> out;
  out.reserve(rows.size());
  for (const auto& [day, members] : rows) out.emplace_back(day, features.take(members));
  return out;
}

FeaturesAssetSummary build_features(storage::Lake& lake, const TradingCalendar& calendar,
                                    const FeatureManifest& manifest, Date from, Date to,
                                    const FeaturesAssetOptions& options) {
  if (to < from) {
    throw invalid_input("features: from {} is after to {}", from.to_string(), to.to_string());
  }
  const std::vector<Date> days = calendar.business_days(from, to);
  if (days.empty()) {
    throw invalid_input("features: no TSE business day between {} and {}", from.to_string(),
                        to.to_string());
  }
  const int window = manifest.window_business_days();
  const size_t chunk = static_cast<size_t>(std::max(1, options.chunk_days));
  FeaturesAssetSummary summary;
  std::future<void> pending_write;
  for (size_t begin = 0; begin < days.size(); begin += chunk) {
    const Date first = days[begin];
    const Date last = days[std::min(days.size(), begin + chunk) - 1];
    auto started = std::chrono::steady_clock::now();
    const FeatureInputs inputs = load_feature_inputs(lake, calendar, first, last, window);
    summary.read_seconds += seconds_since(started);

    started = std::chrono::steady_clock::now();
    const EngineInputs engine{inputs.prices, inputs.topix, inputs.investor_types,
                              inputs.margin_interest};
    const Table table = compute_features(engine, manifest.features(), first, last,
                                         {.max_threads = options.max_threads});
    auto partitions = split_by_date(table);
    summary.compute_seconds += seconds_since(started);

    if (pending_write.valid()) pending_write.get();  // one chunk written at a time, in order
    pending_write = std::async(std::launch::async, [&lake, &manifest, &options, &summary,
                                                    parts = std::move(partitions)]() {
      const auto write_started = std::chrono::steady_clock::now();
      for (const auto& [day, part] : parts) {
        lake.write_partition(manifest.dataset(), day, part);
        summary.rows += static_cast<int64_t>(part.num_rows());
        ++summary.days;
        if (options.on_day) options.on_day(day, static_cast<int64_t>(part.num_rows()));
      }
      summary.write_seconds += seconds_since(write_started);
    });
  }
  if (pending_write.valid()) pending_write.get();
  return summary;
}

}  // namespace gogooku3::features
