// Weekly trading by investor type (投資部門別売買状況), as the sample market publishes it.
//
// One record covers one section for one week (its first to last business day) and gives, for
// each of 13 investor groups, sales and purchases in thousands of yen; the API adds the total
// (sales + purchases) and the balance (purchases - sales). The groups add up like JPX's
// tables: Brokerage is the sum of the ten client groups (Individuals .. OtherFinancials), and
// Total = Proprietary + Brokerage, side by side.
//
// The sample draws a week from the section's traded value and one planted number, the
// foreigners' imbalance (purchases - sales) / (purchases + sales): it is the signal behind the
// foreign-flow tilt (see docs/sample-market.md), and foreign_imbalance() reads it back from a
// published record exactly as a model would.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/date.h"
#include "core/table.h"
#include "market/sample/random_stream.h"

namespace gogooku3::market::sample {

// The groups in the API's order.
enum InvestorGroup {
  kProprietary = 0,
  kBrokerage,
  kTotal,
  kIndividuals,
  kForeigners,
  kSecuritiesCos,
  kInvestmentTrusts,
  kBusinessCos,
  kOtherCos,
  kInsuranceCos,
  kBanks,
  kTrustBanks,
  kOtherFinancials,
};
inline constexpr int kInvestorGroupCount = 13;

struct InvestorFlowRecord {
  Date published;
  Date start;
  Date end;
  int section = 0;  // see universe.h section_index()
  std::array<int64_t, kInvestorGroupCount> sell{};
  std::array<int64_t, kInvestorGroupCount> buy{};
};

// A week of `section` with `turnover` thousand yen traded each way. Draws from `random`.
InvestorFlowRecord draw_investor_flows(RandomStream& random, int section, Date start, Date end,
                                       Date published, double turnover, double foreign_imbalance);

// The same week restated: every client group's figures moved by about 0.2%, sums recomputed.
InvestorFlowRecord correct_investor_flows(const InvestorFlowRecord& record, RandomStream& random,
                                          Date published);

// The sum of several sections' records (TokyoNagoya), dated and labelled as given.
InvestorFlowRecord sum_investor_flows(std::span<const InvestorFlowRecord> records, int section,
                                      Date start, Date end, Date published);

// FrgnBal / FrgnTot; 0 when foreigners did not trade.
double foreign_imbalance(const InvestorFlowRecord& record);

// investor_types columns, one row per record in the given order.
Table investor_types_table(std::span<const InvestorFlowRecord> records);

}  // namespace gogooku3::market::sample
