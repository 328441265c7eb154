// Investor-flow families: who bought the market last week. J-Quants publishes, weekly per
// market section, what each investor type sold and bought. Each stock gets its section's
// figures (by its market code), usable from the business day after publication — never
// earlier, since they were not known before (features/engine.cpp does the as-of join).
//
// Ratios are net buying over the section's total traded value (sales + purchases), so they
// compare across sections and years. "Smart money" is foreigners' ratio minus individuals':
// the two groups usually trade against each other.
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "features/catalog/family_builder.h"
#include "features/catalog/series_math.h"

namespace gogooku3::features {

namespace ind = indicators;
using Buffer = std::vector<double>;

namespace {

enum class Flow { kForeign, kIndividual, kSmartMoney };

Buffer net_ratio(const FlowSeries& s, Flow flow) {
  Buffer out(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const double total = s.total_value[i];
    const double foreign = s.foreigners_balance[i] / total;
    const double individual = s.individuals_balance[i] / total;
    out[i] = !(total > 0)                ? ind::kNaN
             : flow == Flow::kForeign    ? foreign
             : flow == Flow::kIndividual ? individual
                                         : foreign - individual;
  }
  return out;
}

}  // namespace

void register_flow_families(Catalog& catalog) {
  FamilyBuilder f(catalog, "flows");
  struct Named {
    Flow flow;
    const char* name;
    const char* description;
  };
  for (const Named& n :
       {Named{Flow::kForeign, "foreign_net", "foreigners' net buying"},
        Named{Flow::kIndividual, "individual_net", "individuals' net buying"},
        Named{Flow::kSmartMoney, "smart_money", "foreigners' minus individuals' net buying"}}) {
    const Flow flow = n.flow;
    f.flow(fmt::format("{}_ratio", n.name), "",
           fmt::format("{} / traded value, last published week of the section", n.description), 0,
           [flow](const FlowSeries& s, Output out) {
             const Buffer r = net_ratio(s, flow);
             std::copy(r.begin(), r.end(), out.begin());
           });
    for (const int weeks : {4, 13}) {
      f.flow(fmt::format("{}_ratio_mean_{}w", n.name, weeks), fmt::format("weeks={}", weeks),
             fmt::format("mean of {} / traded value over {} weeks", n.description, weeks),
             weeks - 1, [flow, weeks](const FlowSeries& s, Output out) {
               rolling_mean(net_ratio(s, flow), weeks, out);
             });
    }
    for (const int weeks : {26, 52}) {
      f.flow(fmt::format("{}_ratio_z_{}w", n.name, weeks), fmt::format("weeks={}", weeks),
             fmt::format("z-score of {} / traded value against {} weeks", n.description, weeks),
             weeks - 1, [flow, weeks](const FlowSeries& s, Output out) {
               rolling_zscore(net_ratio(s, flow), weeks, out);
             });
    }
    f.flow(fmt::format("{}_ratio_chg_1w", n.name), "weeks=1",
           fmt::format("week-on-week change of {} / traded value", n.description), 1,
           [flow](const FlowSeries& s, Output out) { difference(net_ratio(s, flow), 1, out); });
  }
}

}  // namespace gogooku3::features
