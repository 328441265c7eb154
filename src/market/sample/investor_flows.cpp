#include "market/sample/investor_flows.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "core/error.h"
#include "market/jquants/endpoints.h"
#include "market/sample/record_table.h"
#include "market/sample/universe.h"

namespace gogooku3::market::sample {
namespace {

constexpr std::array<std::string_view, kInvestorGroupCount> kGroupJson = {
    "Prop",  "Brk",   "Tot",   "Ind",  "Frgn",    "SecCo", "InvTr",
    "BusCo", "OthCo", "InsCo", "Bank", "TrstBnk", "OthFin"};

// Each client group's share of brokerage trading, roughly JPX's figures for the late 2010s.
constexpr std::array<double, kInvestorGroupCount> kClientShare = {
    0, 0, 0, 0.22, 0.68, 0.005, 0.015, 0.01, 0.003, 0.002, 0.003, 0.04, 0.002};
constexpr double kProprietaryShare = 0.17;

void recompute_sums(InvestorFlowRecord& record) {
  int64_t sell = 0;
  int64_t buy = 0;
  for (int group = kIndividuals; group < kInvestorGroupCount; ++group) {
    sell += record.sell[group];
    buy += record.buy[group];
  }
  record.sell[kBrokerage] = sell;
  record.buy[kBrokerage] = buy;
  record.sell[kTotal] = record.sell[kProprietary] + sell;
  record.buy[kTotal] = record.buy[kProprietary] + buy;
}

void set_sides(InvestorFlowRecord& record, int group, double each_way, double imbalance) {
  record.sell[group] = std::llround(each_way * (1.0 - imbalance));
  record.buy[group] = std::llround(each_way * (1.0 + imbalance));
}

}  // namespace

InvestorFlowRecord draw_investor_flows(RandomStream& random, int section, Date start, Date end,
                                       Date published, double turnover, double foreign_imbalance) {
  InvestorFlowRecord record{published, start, end, section, {}, {}};
  const double proprietary = turnover * kProprietaryShare * std::exp(0.1 * random.normal());
  set_sides(record, kProprietary, proprietary, 0.02 * random.normal());
  const double brokerage = std::max(0.0, turnover - proprietary);

  std::array<double, kInvestorGroupCount> share{};
  double share_sum = 0;
  for (int group = kIndividuals; group < kInvestorGroupCount; ++group) {
    share[group] = kClientShare[group] * std::exp(0.1 * random.normal());
    share_sum += share[group];
  }
  const double foreign = std::clamp(foreign_imbalance, -0.9, 0.9);
  for (int group = kIndividuals; group < kInvestorGroupCount; ++group) {
    double imbalance = std::clamp(0.05 * random.normal(), -0.5, 0.5);
    if (group == kForeigners) imbalance = foreign;
    // Individuals take the other side of much of what foreigners do.
    if (group == kIndividuals) {
      imbalance = std::clamp(
          -0.7 * foreign * share[kForeigners] / share[kIndividuals] + 0.02 * random.normal(), -0.9,
          0.9);
    }
    set_sides(record, group, brokerage * share[group] / share_sum, imbalance);
  }
  recompute_sums(record);
  return record;
}

InvestorFlowRecord correct_investor_flows(const InvestorFlowRecord& record, RandomStream& random,
                                          Date published) {
  InvestorFlowRecord corrected = record;
  corrected.published = published;
  for (int group = 0; group < kInvestorGroupCount; ++group) {
    if (group == kBrokerage || group == kTotal) continue;
    corrected.sell[group] =
        std::llround(static_cast<double>(record.sell[group]) * (1.0 + 0.002 * random.normal()));
    corrected.buy[group] =
        std::llround(static_cast<double>(record.buy[group]) * (1.0 + 0.002 * random.normal()));
  }
  recompute_sums(corrected);
  return corrected;
}

InvestorFlowRecord sum_investor_flows(std::span<const InvestorFlowRecord> records, int section,
                                      Date start, Date end, Date published) {
  InvestorFlowRecord sum{published, start, end, section, {}, {}};
  for (const InvestorFlowRecord& record : records) {
    for (int group = 0; group < kInvestorGroupCount; ++group) {
      sum.sell[group] += record.sell[group];
      sum.buy[group] += record.buy[group];
    }
  }
  return sum;
}

double foreign_imbalance(const InvestorFlowRecord& record) {
  const int64_t total = record.sell[kForeigners] + record.buy[kForeigners];
  if (total == 0) return 0;
  return static_cast<double>(record.buy[kForeigners] - record.sell[kForeigners]) /
         static_cast<double>(total);
}

Table investor_types_table(std::span<const InvestorFlowRecord> records) {
  const jquants::EndpointSpec& spec = jquants::endpoint("investor_types");
  std::vector<Date> published;
  std::vector<Date> start;
  std::vector<Date> end;
  std::vector<std::string> section;
  for (const InvestorFlowRecord& record : records) {
    published.push_back(record.published);
    start.push_back(record.start);
    end.push_back(record.end);
    section.emplace_back(section_name(record.section));
  }
  NamedColumns columns;
  columns.emplace_back("PubDate", Column::of("", std::move(published)));
  columns.emplace_back("StDate", Column::of("", std::move(start)));
  columns.emplace_back("EnDate", Column::of("", std::move(end)));
  columns.emplace_back("Section", Column::of("", std::move(section)));
  for (const jquants::FieldSpec& field : spec.fields) {
    if (field.type != ColumnType::kInt64) continue;
    // "<Group><Side>": the side is the suffix, so "TotTot" is the Total group's total.
    std::string_view name = field.json_name;
    int side = -1;
    constexpr std::array<std::string_view, 4> kSides = {"Sell", "Buy", "Tot", "Bal"};
    for (int s = 0; s < 4; ++s) {
      if (name.ends_with(kSides[s])) {
        side = s;
        name.remove_suffix(kSides[s].size());
        break;
      }
    }
    const auto group = std::find(kGroupJson.begin(), kGroupJson.end(), name);
    if (side < 0 || group == kGroupJson.end()) {
      throw internal_error("sample market: unknown investor_types field {}", field.json_name);
    }
    const auto g = static_cast<size_t>(group - kGroupJson.begin());
    std::vector<int64_t> values;
    values.reserve(records.size());
    for (const InvestorFlowRecord& record : records) {
      const int64_t sell = record.sell[g];
      const int64_t buy = record.buy[g];
      values.push_back(side == 0 ? sell : side == 1 ? buy : side == 2 ? sell + buy : buy - sell);
    }
    columns.emplace_back(field.json_name, Column::of("", std::move(values)));
  }
  return assemble_records("investor_types", std::move(columns));
}

}  // namespace gogooku3::market::sample
