// Margin families: the weekly margin-trading balances J-Quants publishes per stock (long =
// shares bought on margin and not yet repaid, short = shares sold on margin). Crowded longs
// must sell eventually and crowded shorts must buy back, so the balances and their changes
// carry information about future order flow.
//
// The record date is a Friday; J-Quants publishes it on the second business day after and the
// loader marks it usable from the business day after that (features/feature_inputs.cpp).
// Balances are share counts not adjusted for splits, so every feature is a log ratio of two
// balances of the same stock taken close together, which a split moves only in the one week
// it happens.
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

// ln((a + 1) / (b + 1)): finite for empty balances, symmetric in long and short.
Buffer log_ratio(Series a, Series b) {
  Buffer out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    out[i] = a[i] >= 0 && b[i] >= 0 ? std::log((a[i] + 1) / (b[i] + 1)) : ind::kNaN;
  }
  return out;
}

Buffer log_balance(Series a) {
  Buffer out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] >= 0 ? std::log1p(a[i]) : ind::kNaN;
  return out;
}

}  // namespace

void register_margin_families(Catalog& catalog) {
  FamilyBuilder f(catalog, "margin");
  f.margin("margin_long_short", "", "ln((long + 1) / (short + 1)) of the margin balances", 0,
           [](const MarginSeries& s, Output out) {
             const Buffer r = log_ratio(s.long_volume, s.short_volume);
             std::copy(r.begin(), r.end(), out.begin());
           });
  f.margin("margin_long_short_z_52w", "weeks=52",
           "z-score of the margin long/short log ratio against 52 weeks", 51,
           [](const MarginSeries& s, Output out) {
             rolling_zscore(log_ratio(s.long_volume, s.short_volume), 52, out);
           });
  for (const int weeks : {1, 4, 13}) {
    f.margin(fmt::format("margin_long_chg_{}w", weeks), fmt::format("weeks={}", weeks),
             fmt::format("log change of the margin long balance over {} weeks", weeks), weeks,
             [weeks](const MarginSeries& s, Output out) {
               difference(log_balance(s.long_volume), weeks, out);
             });
    f.margin(fmt::format("margin_short_chg_{}w", weeks), fmt::format("weeks={}", weeks),
             fmt::format("log change of the margin short balance over {} weeks", weeks), weeks,
             [weeks](const MarginSeries& s, Output out) {
               difference(log_balance(s.short_volume), weeks, out);
             });
  }
}

}  // namespace gogooku3::features
