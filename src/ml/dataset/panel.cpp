#include "ml/dataset/panel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/error.h"
#include "features/feature_inputs.h"
#include "features/labels.h"

namespace gogooku3::ml {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

static_assert(std::size(features::kLabelHorizons) == kNumHorizons);

template <typename T>
std::vector<T> sorted_unique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

template <typename T, typename Key>
size_t position_of(const std::vector<T>& sorted, const Key& key) {
  return static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), key) - sorted.begin());
}

bool is_traded(double adj_close) { return std::isfinite(adj_close) && adj_close > 0; }

// Copies every feature row into the dense grid; the grid's days and codes are already known.
void fill_features(const Table& table, const std::vector<std::string>& feature_names,
                   Panel& panel) {
  const auto& row_codes = table.column(kCodeColumn).as<std::string>();
  const auto& row_dates = table.column(kDateColumn).as<Date>();
  std::vector<const std::vector<float>*> columns;
  columns.reserve(feature_names.size());
  for (const std::string& name : feature_names) {
    columns.push_back(&table.column(name).as<float>());
  }
  const size_t num_codes = panel.num_codes();
  const size_t num_features = panel.num_features();
  panel.features.assign(panel.num_days() * num_codes * num_features, kMissing);
  panel.listed.assign(panel.num_days() * num_codes, 0);
  for (size_t row = 0; row < table.num_rows(); ++row) {
    const size_t d = position_of(panel.days, row_dates[row]);
    const size_t c = position_of(panel.codes, row_codes[row]);
    uint8_t& listed = panel.listed[d * num_codes + c];
    if (listed != 0) {
      throw invalid_input(
          "ML panel: the feature table has two rows for code {} on {}; a feature partition "
          "holds one row per code, so rebuild that day's features",
          row_codes[row], row_dates[row].to_string());
    }
    listed = 1;
    float* out = panel.features.data() + (d * num_codes + c) * num_features;
    for (size_t f = 0; f < num_features; ++f) out[f] = (*columns[f])[row];
  }
}

// Returns, labels, sector and market from clean prices sorted by (code, date).
void fill_from_prices(const Table& prices, Panel& panel) {
  const auto& dates = prices.column(kDateColumn).as<Date>();
  const auto& adj_close = prices.column("adj_close").as<double>();
  const auto& sector33 = prices.column("sector33_code").as<std::string>();
  const auto& market = prices.column("market_code").as<std::string>();
  const Table labels = features::compute_labels(prices);
  std::vector<const std::vector<double>*> label_columns;
  for (const int horizon : features::kLabelHorizons) {
    label_columns.push_back(&labels.column(fmt::format("label_ret_{}d", horizon)).as<double>());
  }
  const auto& label_dates = labels.column(kDateColumn).as<Date>();

  const Date last_day = panel.days.back();
  std::vector<Date> return_days = panel.days;
  for (const Date day : dates) {
    if (day <= last_day) return_days.push_back(day);
  }
  panel.return_days = sorted_unique(std::move(return_days));
  panel.return_day_of.resize(panel.num_days());
  for (size_t d = 0; d < panel.num_days(); ++d) {
    panel.return_day_of[d] = position_of(panel.return_days, panel.days[d]);
  }

  const size_t num_codes = panel.num_codes();
  panel.return_history.assign(panel.num_return_days() * num_codes, kMissing);
  panel.labels.assign(panel.num_days() * num_codes * kNumHorizons, kMissing);
  panel.sector33.assign(num_codes, "");
  panel.market.assign(num_codes, "");

  for (const CodeRange& range : prices.code_ranges()) {
    const size_t c = position_of(panel.codes, range.code);
    if (c == num_codes || panel.codes[c] != range.code) continue;
    std::optional<double> previous_close;
    for (size_t row = range.rows.begin; row < range.rows.end; ++row) {
      if (row > range.rows.begin && dates[row] == dates[row - 1]) {
        throw invalid_input(
            "ML panel: clean prices hold two rows for code {} on {}; clean/prices has one row "
            "per code and day, so re-run the prices asset for that day",
            range.code, dates[row].to_string());
      }
      const Date day = dates[row];
      // Later rows only feed the labels, which compute_labels has already read.
      if (day > last_day) break;
      if (is_traded(adj_close[row])) {
        if (previous_close.has_value()) {
          const size_t r = position_of(panel.return_days, day);
          panel.return_history[r * num_codes + c] =
              static_cast<float>(adj_close[row] / *previous_close - 1.0);
        }
        previous_close = adj_close[row];
      }
      if (!sector33[row].empty()) panel.sector33[c] = sector33[row];
      if (!market[row].empty()) panel.market[c] = market[row];
      const size_t d = position_of(panel.days, day);
      if (d == panel.num_days() || panel.days[d] != day) continue;
      if (label_dates[row] != day) {
        throw internal_error("ML panel: labels are not row-aligned with prices at {} {}",
                             range.code, day.to_string());
      }
      float* out = panel.labels.data() + (d * num_codes + c) * kNumHorizons;
      for (size_t h = 0; h < kNumHorizons; ++h) {
        out[h] = static_cast<float>((*label_columns[h])[row]);
      }
    }
  }

  panel.returns.assign(panel.num_days() * num_codes, kMissing);
  for (size_t d = 0; d < panel.num_days(); ++d) {
    const float* from = panel.return_history.data() + panel.return_day_of[d] * num_codes;
    std::copy(from, from + num_codes,
              panel.returns.begin() + static_cast<ptrdiff_t>(d * num_codes));
  }
}

}  // namespace

std::optional<size_t> Panel::day_index(Date day) const {
  const size_t d = position_of(days, day);
  if (d == days.size() || days[d] != day) return std::nullopt;
  return d;
}

std::optional<size_t> Panel::code_index(std::string_view code) const {
  const size_t c = position_of(codes, code);
  if (c == codes.size() || codes[c] != code) return std::nullopt;
  return c;
}

Panel build_panel(const Table& features, const Table& prices,
                  const std::vector<std::string>& feature_names) {
  if (feature_names.empty()) {
    throw invalid_input("ML panel: no feature names given; pass the manifest's names");
  }
  if (sorted_unique(feature_names).size() != feature_names.size()) {
    throw invalid_input("ML panel: feature names repeat; pass each feature once");
  }
  if (features.num_rows() == 0) {
    throw invalid_input(
        "ML panel: the feature table has no rows; compute the features of the range first");
  }
  Panel panel;
  panel.feature_names = feature_names;
  panel.days = sorted_unique(features.column(kDateColumn).as<Date>());
  panel.codes = sorted_unique(features.column(kCodeColumn).as<std::string>());
  fill_features(features, feature_names, panel);

  if (prices.num_rows() == 0) {
    throw invalid_input(
        "ML panel: the price table has no rows; labels and returns need the clean prices of "
        "{}..{} and the days around them",
        panel.days.front().to_string(), panel.days.back().to_string());
  }
  if (prices.is_sorted_by_code_date()) {
    fill_from_prices(prices, panel);
  } else {
    fill_from_prices(prices.sort_by_code_date(), panel);
  }
  return panel;
}

Panel load_panel(const storage::Lake& lake, const TradingCalendar& calendar,
                 const features::FeatureManifest& manifest, Date from, Date to) {
  if (to < from) {
    throw invalid_input("ML panel: from {} is after to {}", from.to_string(), to.to_string());
  }
  const std::vector<Date> days = calendar.business_days(from, to);
  if (days.empty()) {
    throw invalid_input("ML panel: no TSE business day between {} and {}", from.to_string(),
                        to.to_string());
  }
  const std::string dataset = manifest.dataset();
  std::set<Date> stored;
  for (const storage::LakePartition& partition : lake.list_partitions(dataset)) {
    stored.insert(partition.date);
  }
  for (const Date day : days) {
    if (stored.count(day) == 0) {
      throw not_found(
          "ML panel: {} has no partition for {} (the first missing business day of {}..{}); "
          "build the features first: gogooku3 features compute --from {} --to {} (or "
          "gogooku3 backfill --from {} --to {} --assets features)",
          dataset, day.to_string(), from.to_string(), to.to_string(), day.to_string(),
          days.back().to_string(), day.to_string(), days.back().to_string());
    }
  }

  std::vector<std::string> feature_columns = {std::string(kCodeColumn), std::string(kDateColumn)};
  const std::vector<std::string> names = manifest.names();
  feature_columns.insert(feature_columns.end(), names.begin(), names.end());
  const Table feature_table = lake.read_range(dataset, days.front(), days.back(), feature_columns);

  const Date start = calendar.add_business_days(days.front(), -kReturnHistoryBusinessDays);
  const Date end = calendar.add_business_days(days.back(), kLabelLookaheadBusinessDays);
  Table prices = lake.read_range("clean/prices", start, end, {"code", "date", "adj_close"});
  if (prices.num_rows() == 0) {
    throw not_found(
        "ML panel: clean/prices has no rows between {} and {}; ingest those days first "
        "(gogooku3 ingest --from {} --to {})",
        start.to_string(), end.to_string(), start.to_string(), end.to_string());
  }
  const Table master = lake.read_range("raw/equities_master", start, end,
                                       {"code", "date", "sector33_code", "market_code"});
  prices = features::join_master(std::move(prices).sort_by_code_date(), master);
  return build_panel(feature_table, prices, names);
}

}  // namespace gogooku3::ml
