#include "features/engine.h"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "features/catalog/catalog.h"

namespace gogooku3::features {

using indicators::kNaN;

std::string_view investor_section_of_market(std::string_view market_code) {
  static const std::map<std::string_view, std::string_view> kSections = {
      {"0101", "TSE1st"},    {"0102", "TSE2nd"},   {"0104", "TSEMothers"},  {"0106", "TSEJASDAQ"},
      {"0107", "TSEJASDAQ"}, {"0111", "TSEPrime"}, {"0112", "TSEStandard"}, {"0113", "TSEGrowth"}};
  const auto it = kSections.find(market_code);
  return it == kSections.end() ? std::string_view() : it->second;
}

namespace {

constexpr float kFloatNaN = std::numeric_limits<float>::quiet_NaN();

// The features to compute: the requested ones plus the bases of cross-section features.
struct Plan {
  std::vector<const FeatureDef*> computed;  // slot order
  std::map<std::string, size_t, std::less<>> slot;
  std::vector<size_t> stock, market, flow, margin, cross;  // slots by stage

  size_t add(const FeatureDef* def) {
    if (const auto it = slot.find(def->name); it != slot.end()) return it->second;
    const size_t s = computed.size();
    computed.push_back(def);
    slot.emplace(def->name, s);
    switch (def->stage) {
      case FeatureStage::kStock:
        stock.push_back(s);
        break;
      case FeatureStage::kMarket:
        market.push_back(s);
        break;
      case FeatureStage::kFlow:
        flow.push_back(s);
        break;
      case FeatureStage::kMargin:
        margin.push_back(s);
        break;
      case FeatureStage::kCrossSection:
        cross.push_back(s);
        break;
    }
    return s;
  }
};

Plan make_plan(const std::vector<const FeatureDef*>& features,
               const std::vector<const FeatureDef*>& bases) {
  Plan plan;
  for (const FeatureDef* base : bases) plan.add(base);
  for (const FeatureDef* def : features) plan.add(def);
  return plan;
}

std::vector<double> as_doubles(const Table& table, std::string_view name) {
  const Column& column = table.column(name);
  if (column.type() == ColumnType::kDouble) return column.as<double>();
  std::vector<double> out(column.size(), kNaN);
  if (column.type() == ColumnType::kInt32) {
    const auto& values = column.as<int32_t>();
    for (size_t i = 0; i < out.size(); ++i) {
      if (column.is_valid(i)) out[i] = values[i];
    }
  } else if (column.type() == ColumnType::kInt64) {
    const auto& values = column.as<int64_t>();
    for (size_t i = 0; i < out.size(); ++i) {
      if (column.is_valid(i)) out[i] = static_cast<double>(values[i]);
    }
  } else if (column.type() == ColumnType::kFloat) {
    const auto& values = column.as<float>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = values[i];
  } else {
    throw invalid_input("features: column '{}' is {}, expected a number", name,
                        column_type_name(column.type()));
  }
  return out;
}

// A date-indexed lookup of the TOPIX close, O(1) per stock day.
class DateIndexedSeries {
 public:
  DateIndexedSeries(std::span<const Date> dates, std::span<const double> values) {
    if (dates.empty()) return;
    first_ = *std::min_element(dates.begin(), dates.end());
    const Date last = *std::max_element(dates.begin(), dates.end());
    values_.assign(static_cast<size_t>(last.days_since_epoch() - first_.days_since_epoch() + 1),
                   kNaN);
    for (size_t i = 0; i < dates.size(); ++i) {
      values_[static_cast<size_t>(dates[i].days_since_epoch() - first_.days_since_epoch())] =
          values[i];
    }
  }
  double at(Date date) const {
    const int64_t i = date.days_since_epoch() - first_.days_since_epoch();
    return i >= 0 && i < static_cast<int64_t>(values_.size()) ? values_[static_cast<size_t>(i)]
                                                              : kNaN;
  }

 private:
  Date first_;
  std::vector<double> values_;
};

// Every input the stock stage reads, as contiguous doubles over all price rows.
struct PriceColumns {
  std::span<const Date> dates;
  std::vector<double> open, high, low, close, volume, turnover, upper, lower;
};

PriceColumns price_columns(const Table& prices) {
  PriceColumns c;
  c.dates = prices.column(kDateColumn).as<Date>();
  c.open = as_doubles(prices, "adj_open");
  c.high = as_doubles(prices, "adj_high");
  c.low = as_doubles(prices, "adj_low");
  c.close = as_doubles(prices, "adj_close");
  c.volume = as_doubles(prices, "adj_volume");
  c.turnover = as_doubles(prices, "turnover_value");
  c.upper = as_doubles(prices, "upper_limit");
  c.lower = as_doubles(prices, "lower_limit");
  return c;
}

bool traded(const PriceColumns& c, size_t row) {
  return c.open[row] > 0 && c.high[row] > 0 && c.low[row] > 0 && c.close[row] > 0 &&
         std::isfinite(c.open[row] + c.high[row] + c.low[row] + c.close[row]);
}

// Output values: one float vector per planned feature, rows = output rows.
using Values = std::vector<std::vector<float>>;

// One stock's traded days as contiguous series (the `PriceSeries` a feature sees).
struct CompactStock {
  std::vector<size_t> rows;  // price row of each traded day
  std::vector<Date> dates;
  std::vector<double> open, high, low, close, volume, turnover, upper, lower, market;

  // Days [begin, end) (end = SIZE_MAX: to the last day).
  PriceSeries series(size_t begin, size_t end = SIZE_MAX) const {
    const size_t count = std::min(end, dates.size()) - begin;
    const auto from = [begin, count](const std::vector<double>& v) {
      return Series(v).subspan(begin, count);
    };
    return PriceSeries{std::span<const Date>(dates).subspan(begin, count),
                       from(open),
                       from(high),
                       from(low),
                       from(close),
                       from(volume),
                       from(turnover),
                       from(upper),
                       from(lower),
                       from(market)};
  }
};

CompactStock compact_stock(const PriceColumns& c, RowRange rows, const DateIndexedSeries& topix) {
  CompactStock s;
  for (size_t row = rows.begin; row < rows.end; ++row) {
    if (!traded(c, row)) continue;
    s.rows.push_back(row);
    s.dates.push_back(c.dates[row]);
    s.open.push_back(c.open[row]);
    s.high.push_back(c.high[row]);
    s.low.push_back(c.low[row]);
    s.close.push_back(c.close[row]);
    s.volume.push_back(std::isfinite(c.volume[row]) ? c.volume[row] : 0.0);
    s.turnover.push_back(std::isfinite(c.turnover[row]) ? c.turnover[row] : 0.0);
    s.upper.push_back(c.upper[row] > 0 ? 1.0 : 0.0);
    s.lower.push_back(c.lower[row] > 0 ? 1.0 : 0.0);
    s.market.push_back(topix.at(c.dates[row]));
  }
  return s;
}

// Runs `def` for the days from `first_target` on and stores their values at their output rows.
//
// A feature without memory (a finite window) is computed from its last lookback days before
// the first target: exactly what all history would give. A recursive smoother never forgets
// its start, so starting it "window() days back" would make a day's value depend on how much
// history happened to be loaded (and, on a stock whose price stood still for a year, by far
// more than 1e-8: Wilder's sums shrink together and keep their ratio). Instead its start is a
// function of the target's date alone: targets are grouped by epoch (smoother_epoch()), and
// every target of an epoch is computed from smoother_start(epoch) on. Incremental and full
// runs then start at the same day and agree bit for bit.
//
// Values below 1e-9 in magnitude are stored as 0. Every feature is scale-free (returns, ratios,
// oscillators), so such a value is rounding residue of running sums — and residue that depends
// on where the computation started (-7.6e-14 or 0 for %K of a flat stock) would otherwise
// reorder a day's ranks between an incremental and a full run.
float stored_value(double value) {
  return std::abs(value) < 1e-9 ? 0.0f : static_cast<float>(value);
}

void compute_price_feature(const FeatureDef& def, const CompactStock& stock, size_t first_target,
                           const std::vector<size_t>& output_row, std::vector<float>& values,
                           std::vector<double>& buffer) {
  const size_t n = stock.rows.size();
  const auto store = [&](size_t begin, size_t end) {
    for (size_t k = std::max(begin, first_target); k < end; ++k) {
      values[output_row[k]] = stored_value(buffer[k - begin]);
    }
  };
  if (def.memory == 0) {
    const auto window = static_cast<size_t>(def.window());
    const size_t begin = first_target > window ? first_target - window : 0;
    buffer.assign(n - begin, kNaN);
    def.price(stock.series(begin), buffer);
    store(begin, n);
    return;
  }
  for (size_t k = first_target; k < n;) {
    const int32_t epoch = smoother_epoch(stock.dates[k]);
    size_t end = k;
    while (end < n && smoother_epoch(stock.dates[end]) == epoch) ++end;
    const Date start = smoother_start(def, epoch);
    const auto begin = static_cast<size_t>(
        std::lower_bound(stock.dates.begin(), stock.dates.end(), start) - stock.dates.begin());
    buffer.assign(end - begin, kNaN);
    def.price(stock.series(begin, end), buffer);
    for (size_t t = k; t < end; ++t) values[output_row[t]] = stored_value(buffer[t - begin]);
    k = end;
  }
}

void require_columns(const Table& table, std::string_view what,
                     std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (!table.has_column(name)) {
      throw invalid_input("features: {} has no column '{}'; it needs {}", what, name,
                          fmt::join(names, ", "));
    }
  }
}

struct OutputRows {
  std::vector<size_t> price_row;  // output row -> price row
  std::vector<RowRange> by_code;  // per code range: its output rows
};

OutputRows output_rows(const Table& prices, std::span<const Date> dates, Date from, Date to) {
  OutputRows out;
  for (const CodeRange& code : prices.code_ranges()) {
    const auto first = dates.begin() + static_cast<std::ptrdiff_t>(code.rows.begin);
    const auto last = dates.begin() + static_cast<std::ptrdiff_t>(code.rows.end);
    const auto lo = std::lower_bound(first, last, from);
    const auto hi = std::upper_bound(lo, last, to);
    const size_t begin = out.price_row.size();
    for (auto it = lo; it != hi; ++it) {
      out.price_row.push_back(static_cast<size_t>(it - dates.begin()));
    }
    out.by_code.push_back({begin, out.price_row.size()});
  }
  return out;
}

void compute_stock_stage(const Table& prices, const PriceColumns& columns, const Plan& plan,
                         const OutputRows& rows, const DateIndexedSeries& topix, Values& values) {
  if (plan.stock.empty()) return;
  const std::vector<CodeRange>& codes = prices.code_ranges();
  tbb::parallel_for(tbb::blocked_range<size_t>(0, codes.size(), 8), [&](const tbb::blocked_range<
                                                                        size_t>& range) {
    std::vector<double> buffer;
    for (size_t c = range.begin(); c != range.end(); ++c) {
      const RowRange out = rows.by_code[c];
      if (out.empty()) continue;
      // Rows after the last target day are never read: nothing may depend on them.
      const size_t first_row = rows.price_row[out.begin];
      const size_t last_row = rows.price_row[out.end - 1];
      const CompactStock stock = compact_stock(columns, {codes[c].rows.begin, last_row + 1}, topix);
      // Output row of each traded day at or after the first target row.
      const auto first_target = static_cast<size_t>(
          std::lower_bound(stock.rows.begin(), stock.rows.end(), first_row) - stock.rows.begin());
      std::vector<size_t> output_row(stock.rows.size());
      for (size_t k = first_target; k < stock.rows.size(); ++k) {
        output_row[k] = out.begin + (stock.rows[k] - first_row);
      }
      if (first_target == stock.rows.size()) continue;
      for (const size_t slot : plan.stock) {
        compute_price_feature(*plan.computed[slot], stock, first_target, output_row, values[slot],
                              buffer);
      }
    }
  });
}

void compute_market_stage(const Table& topix, const Plan& plan, const OutputRows& rows,
                          std::span<const Date> dates, Date from, Date to, Values& values) {
  if (plan.market.empty()) return;
  if (topix.num_rows() == 0) {
    throw not_found(
        "features: market features need raw/topix, and it has no rows up to {}; "
        "ingest the topix asset first",
        to.to_string());
  }
  // TOPIX as a price series of its own, in date order, up to `to`.
  const auto& topix_dates = topix.column(kDateColumn).as<Date>();
  std::vector<size_t> order(topix.num_rows());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return topix_dates[a] < topix_dates[b]; });
  const std::vector<double> open = as_doubles(topix, "open"), high = as_doubles(topix, "high"),
                            low = as_doubles(topix, "low"), close = as_doubles(topix, "close");
  CompactStock index;
  for (const size_t i : order) {
    if (topix_dates[i] > to || !(close[i] > 0)) continue;
    if (!index.dates.empty() && index.dates.back() == topix_dates[i]) continue;  // duplicate
    index.rows.push_back(i);
    index.dates.push_back(topix_dates[i]);
    index.open.push_back(open[i]);
    index.high.push_back(high[i]);
    index.low.push_back(low[i]);
    index.close.push_back(close[i]);
    for (auto* zero : {&index.volume, &index.turnover, &index.upper, &index.lower}) {
      zero->push_back(0.0);
    }
    index.market.push_back(close[i]);
  }
  const auto first_target = static_cast<size_t>(
      std::lower_bound(index.dates.begin(), index.dates.end(), from) - index.dates.begin());
  std::vector<size_t> identity(index.dates.size());
  for (size_t k = 0; k < identity.size(); ++k) identity[k] = k;
  std::vector<double> buffer;
  for (const size_t slot : plan.market) {
    std::vector<float> by_day(index.dates.size(), kFloatNaN);
    compute_price_feature(*plan.computed[slot], index, first_target, identity, by_day, buffer);
    std::vector<double> as_double(by_day.begin(), by_day.end());
    const DateIndexedSeries lookup(index.dates, as_double);
    std::vector<float>& out = values[slot];
    for (size_t r = 0; r < rows.price_row.size(); ++r) {
      out[r] = static_cast<float>(lookup.at(dates[rows.price_row[r]]));
    }
  }
}

void compute_flow_stage(const Table& prices, const Table& investor_types, const Plan& plan,
                        const OutputRows& rows, std::span<const Date> dates, Values& values) {
  if (plan.flow.empty()) return;
  const auto& market_codes = prices.column("market_code").as<std::string>();
  struct SectionValues {
    std::vector<Date> published;               // publication days, ascending
    std::vector<std::vector<double>> by_slot;  // each feature's value as of each publication
  };
  std::map<std::string, SectionValues, std::less<>> computed;
  if (investor_types.num_rows() > 0) {
    require_columns(investor_types, "raw/investor_types",
                    {"published_date", "end_date", "section", "foreigners_balance",
                     "individuals_balance", "total_total"});
    const auto& sections = investor_types.column("section").as<std::string>();
    const auto& published = investor_types.column("published_date").as<Date>();
    const auto& week_end = investor_types.column("end_date").as<Date>();
    const std::vector<double> foreign = as_doubles(investor_types, "foreigners_balance");
    const std::vector<double> individual = as_doubles(investor_types, "individuals_balance");
    const std::vector<double> total = as_doubles(investor_types, "total_total");
    // Records per section and publication day (a day may publish a week and a correction).
    std::map<std::string, std::map<Date, std::vector<size_t>>> by_section;
    for (size_t i = 0; i < investor_types.num_rows(); ++i) {
      by_section[sections[i]][published[i]].push_back(i);
    }
    // Point in time: as of each publication, the weeks known then, each week's latest record.
    // A correction replaces its week from its own publication on, never before, and is never
    // counted twice in a window.
    for (const auto& [section, publications] : by_section) {
      SectionValues& v = computed[section];
      v.by_slot.resize(plan.flow.size());
      std::map<Date, size_t> known;  // week end -> record
      std::vector<Date> weeks;
      std::vector<double> f, ind, tot, out;
      for (const auto& [day, records] : publications) {
        for (const size_t i : records) known[week_end[i]] = i;
        weeks.clear();
        f.clear();
        ind.clear();
        tot.clear();
        for (const auto& [week, i] : known) {
          weeks.push_back(week);
          f.push_back(foreign[i]);
          ind.push_back(individual[i]);
          tot.push_back(total[i]);
        }
        const FlowSeries series{weeks, f, ind, tot};
        v.published.push_back(day);
        for (size_t k = 0; k < plan.flow.size(); ++k) {
          out.assign(series.size(), kNaN);
          plan.computed[plan.flow[k]]->flow(series, out);
          v.by_slot[k].push_back(out.back());
        }
      }
    }
  }
  for (size_t r = 0; r < rows.price_row.size(); ++r) {
    const size_t row = rows.price_row[r];
    const auto it = computed.find(investor_section_of_market(market_codes[row]));
    if (it == computed.end()) continue;
    // Usable from the business day after publication: the last one published before today.
    const std::vector<Date>& published = it->second.published;
    const auto after = std::lower_bound(published.begin(), published.end(), dates[row]);
    if (after == published.begin()) continue;
    const auto k = static_cast<size_t>(after - published.begin()) - 1;
    for (size_t f = 0; f < plan.flow.size(); ++f) {
      values[plan.flow[f]][r] = static_cast<float>(it->second.by_slot[f][k]);
    }
  }
}

void compute_margin_stage(const Table& prices, const Table& margin, const Plan& plan,
                          const OutputRows& rows, std::span<const Date> dates, Values& values) {
  if (plan.margin.empty() || margin.num_rows() == 0) return;
  require_columns(margin, "raw/margin_interest",
                  {kCodeColumn, "available_date", "long_volume", "short_volume"});
  const auto& codes = margin.column(kCodeColumn).as<std::string>();
  const auto& available = margin.column("available_date").as<Date>();
  const std::vector<double> long_volume = as_doubles(margin, "long_volume");
  const std::vector<double> short_volume = as_doubles(margin, "short_volume");
  // Records per code by availability; a later row for the same day (a correction) wins.
  std::map<std::string_view, std::map<Date, size_t>> by_code;
  for (size_t i = 0; i < margin.num_rows(); ++i) by_code[codes[i]][available[i]] = i;
  const std::vector<CodeRange>& price_codes = prices.code_ranges();
  std::vector<Date> days;
  std::vector<double> longs, shorts, out;
  for (size_t c = 0; c < price_codes.size(); ++c) {
    const RowRange target = rows.by_code[c];
    const auto it = by_code.find(price_codes[c].code);
    if (target.empty() || it == by_code.end()) continue;
    days.clear();
    longs.clear();
    shorts.clear();
    for (const auto& [day, i] : it->second) {
      days.push_back(day);
      longs.push_back(long_volume[i]);
      shorts.push_back(short_volume[i]);
    }
    const MarginSeries series{days, longs, shorts};
    for (const size_t slot : plan.margin) {
      out.assign(series.size(), kNaN);
      plan.computed[slot]->margin(series, out);
      for (size_t r = target.begin; r < target.end; ++r) {
        const auto after = std::upper_bound(days.begin(), days.end(), dates[rows.price_row[r]]);
        if (after == days.begin()) continue;
        values[slot][r] = static_cast<float>(out[static_cast<size_t>(after - days.begin()) - 1]);
      }
    }
  }
}

// Output rows grouped by date.
std::vector<std::vector<size_t>> rows_by_date(const OutputRows& rows, std::span<const Date> dates) {
  std::map<Date, std::vector<size_t>> grouped;
  for (size_t r = 0; r < rows.price_row.size(); ++r) {
    grouped[dates[rows.price_row[r]]].push_back(r);
  }
  std::vector<std::vector<size_t>> out;
  out.reserve(grouped.size());
  for (auto& [day, members] : grouped) out.push_back(std::move(members));
  return out;
}

// Float -> unsigned key with the same order (negative floats reversed), so that ranking a
// day is one sort of 64-bit integers: key in the high half, the day-local index in the low.
uint32_t order_key(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits & 0x80000000U) != 0 ? ~bits : bits | 0x80000000U;
}

void rank_day(std::span<const float> base, std::span<float> out, std::vector<uint64_t>& keys) {
  keys.clear();
  for (size_t i = 0; i < base.size(); ++i) {
    if (std::isfinite(base[i])) keys.push_back(uint64_t{order_key(base[i])} << 32 | i);
  }
  std::sort(keys.begin(), keys.end());
  const size_t n = keys.size();
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && keys[j] >> 32 == keys[i] >> 32) ++j;
    // Ties share the mean of their 0-based positions; the percentile divides by n - 1.
    const double position = 0.5 * static_cast<double>(i + j - 1);
    const auto pct = static_cast<float>(n > 1 ? position / static_cast<double>(n - 1) : 0.5);
    for (size_t k = i; k < j; ++k) out[keys[k] & 0xFFFFFFFFU] = pct;
    i = j;
  }
}

void zscore_day(std::span<const float> base, std::span<float> out) {
  double sum = 0;
  size_t n = 0;
  for (const float x : base) {
    if (std::isfinite(x)) {
      sum += x;
      ++n;
    }
  }
  if (n == 0) return;
  const double mean = sum / static_cast<double>(n);
  double squares = 0;
  for (const float x : base) {
    if (std::isfinite(x)) squares += (x - mean) * (x - mean);
  }
  const double sd = std::sqrt(squares / static_cast<double>(n));
  for (size_t i = 0; i < base.size(); ++i) {
    if (!std::isfinite(base[i])) continue;
    const double z = sd > 1e-12 * (std::abs(mean) + 1e-300) ? (base[i] - mean) / sd : 0.0;
    out[i] = static_cast<float>(std::clamp(z, -5.0, 5.0));
  }
}

double median_of(std::span<double> v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

// `sector` holds each of the day's stocks' sector id (0..sectors-1).
void sector_relative_day(std::span<const float> base, std::span<const uint16_t> sector,
                         size_t sectors, std::span<float> out, std::vector<double>& scratch,
                         std::vector<size_t>& offsets) {
  offsets.assign(sectors + 1, 0);
  for (size_t i = 0; i < base.size(); ++i) {
    if (std::isfinite(base[i])) ++offsets[sector[i] + 1];
  }
  for (size_t s = 0; s < sectors; ++s) offsets[s + 1] += offsets[s];
  scratch.resize(offsets[sectors]);
  std::vector<size_t> fill(offsets.begin(), offsets.end() - 1);
  for (size_t i = 0; i < base.size(); ++i) {
    if (std::isfinite(base[i])) scratch[fill[sector[i]]++] = base[i];
  }
  std::vector<double> median(sectors, kNaN);
  for (size_t s = 0; s < sectors; ++s) {
    if (offsets[s + 1] > offsets[s]) {
      median[s] =
          median_of(std::span<double>(scratch).subspan(offsets[s], offsets[s + 1] - offsets[s]));
    }
  }
  for (size_t i = 0; i < base.size(); ++i) {
    if (std::isfinite(base[i])) out[i] = static_cast<float>(base[i] - median[sector[i]]);
  }
}

// Each output row's sector as a small integer, and how many sectors there are.
std::pair<std::vector<uint16_t>, size_t> sector_ids(const Table& prices, const OutputRows& rows) {
  const auto& names = prices.column("sector33_code").as<std::string>();
  std::map<std::string_view, uint16_t> ids;
  std::vector<uint16_t> out(rows.price_row.size());
  for (size_t r = 0; r < out.size(); ++r) {
    const auto [it, inserted] =
        ids.emplace(names[rows.price_row[r]], static_cast<uint16_t>(ids.size()));
    out[r] = it->second;
  }
  return {std::move(out), ids.size()};
}

void compute_cross_stage(const Table& prices, const Plan& plan, const OutputRows& rows,
                         std::span<const Date> dates, Values& values) {
  if (plan.cross.empty()) return;
  const std::vector<std::vector<size_t>> days = rows_by_date(rows, dates);
  const bool needs_sector = std::any_of(plan.cross.begin(), plan.cross.end(), [&](size_t slot) {
    return plan.computed[slot]->op == CrossSectionOp::kSectorRelative;
  });
  const auto [sector_of_row, sectors] =
      needs_sector ? sector_ids(prices, rows) : std::pair<std::vector<uint16_t>, size_t>{};
  // The distinct bases, each gathered once per day into a contiguous buffer.
  std::vector<size_t> base_slots;
  for (const size_t slot : plan.cross) {
    const size_t base = plan.slot.at(plan.computed[slot]->base);
    if (std::find(base_slots.begin(), base_slots.end(), base) == base_slots.end()) {
      base_slots.push_back(base);
    }
  }
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, days.size(), 4), [&](const tbb::blocked_range<size_t>& range) {
        std::vector<std::vector<float>> base_values(base_slots.size());
        std::vector<float> result;
        std::vector<uint16_t> sector;
        std::vector<uint64_t> keys;
        std::vector<double> scratch;
        std::vector<size_t> offsets;
        for (size_t d = range.begin(); d != range.end(); ++d) {
          const std::vector<size_t>& day = days[d];
          for (size_t b = 0; b < base_slots.size(); ++b) {
            base_values[b].resize(day.size());
            for (size_t i = 0; i < day.size(); ++i)
              base_values[b][i] = values[base_slots[b]][day[i]];
          }
          if (needs_sector) {
            sector.resize(day.size());
            for (size_t i = 0; i < day.size(); ++i) sector[i] = sector_of_row[day[i]];
          }
          for (const size_t slot : plan.cross) {
            const FeatureDef& def = *plan.computed[slot];
            const size_t b = static_cast<size_t>(
                std::find(base_slots.begin(), base_slots.end(), plan.slot.at(def.base)) -
                base_slots.begin());
            result.assign(day.size(), kFloatNaN);
            switch (def.op) {
              case CrossSectionOp::kRank:
                rank_day(base_values[b], result, keys);
                break;
              case CrossSectionOp::kZScore:
                zscore_day(base_values[b], result);
                break;
              case CrossSectionOp::kSectorRelative:
                sector_relative_day(base_values[b], sector, sectors, result, scratch, offsets);
                break;
            }
            for (size_t i = 0; i < day.size(); ++i) values[slot][day[i]] = result[i];
          }
        }
      });
}

}  // namespace

Table compute_features(const EngineInputs& inputs, const std::vector<const FeatureDef*>& features,
                       Date from, Date to, const EngineOptions& options) {
  if (to < from)
    throw invalid_input("features: from {} is after to {}", from.to_string(), to.to_string());
  std::vector<const FeatureDef*> bases;
  for (const FeatureDef* def : features) {
    if (def->stage == FeatureStage::kCrossSection) bases.push_back(&catalog().get(def->base));
  }
  const Plan plan = make_plan(features, bases);

  const Table& prices = inputs.prices;
  require_columns(prices, "clean prices",
                  {kCodeColumn, kDateColumn, "adj_open", "adj_high", "adj_low", "adj_close",
                   "adj_volume", "turnover_value", "upper_limit", "lower_limit"});
  if (!plan.flow.empty()) require_columns(prices, "clean prices (flow features)", {"market_code"});
  if (!prices.is_sorted_by_code_date()) {
    throw invalid_input("features: clean prices must be sorted by (code, date)");
  }
  std::optional<tbb::global_control> limit;
  if (options.max_threads > 0) {
    limit.emplace(tbb::global_control::max_allowed_parallelism,
                  static_cast<size_t>(options.max_threads));
  }

  const PriceColumns columns = price_columns(prices);
  const OutputRows rows = output_rows(prices, columns.dates, from, to);
  Values values(plan.computed.size(), std::vector<float>(rows.price_row.size(), kFloatNaN));

  std::vector<Date> topix_dates;
  std::vector<double> topix_close;
  if (inputs.topix.num_rows() > 0) {
    require_columns(inputs.topix, "raw/topix", {kDateColumn, "open", "high", "low", "close"});
    const auto& d = inputs.topix.column(kDateColumn).as<Date>();
    topix_dates.assign(d.begin(), d.end());
    topix_close = as_doubles(inputs.topix, "close");
  }
  const DateIndexedSeries topix(topix_dates, topix_close);

  compute_stock_stage(prices, columns, plan, rows, topix, values);
  compute_market_stage(inputs.topix, plan, rows, columns.dates, from, to, values);
  compute_flow_stage(prices, inputs.investor_types, plan, rows, columns.dates, values);
  compute_margin_stage(prices, inputs.margin_interest, plan, rows, columns.dates, values);
  compute_cross_stage(prices, plan, rows, columns.dates, values);

  Table out;
  out.add_column(prices.column(kCodeColumn).take(rows.price_row));
  out.add_column(prices.column(kDateColumn).take(rows.price_row));
  for (const FeatureDef* def : features) {
    out.add_column(Column::of<float>(def->name, std::move(values[plan.slot.at(def->name)])));
  }
  return std::move(out).sort_by_code_date();
}

}  // namespace gogooku3::features
