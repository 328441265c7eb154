// Cross-sectional families: where a stock stands among all stocks of the same day.
//   cs_rank_X   percentile rank of X among the day's stocks, 0 (lowest) .. 1, ties averaged
//   cs_z_X      (X - day mean) / day std (population), clipped to +-5; 0 when the day is flat
//   sec_rel_X   X minus the median of X over the stock's sector (TSE 33 sectors) that day
// These remove the market's common move from a feature, which is what a ranking model needs:
// "this stock fell 2% on a day everything fell 3%" is a relative gain.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "features/catalog/family_builder.h"

namespace gogooku3::features {

namespace {

std::vector<std::string> with_prefix(const char* prefix, std::initializer_list<int> values,
                                     const char* suffix = "") {
  std::vector<std::string> names;
  for (const int v : values) names.push_back(fmt::format("{}{}{}", prefix, v, suffix));
  return names;
}

void append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

std::vector<std::string> ranked_bases() {
  std::vector<std::string> bases;
  append(bases, with_prefix("ret_", {1,  2,  3,  4,  5,  6,  7,  8,  9,   10, 12,
                                     15, 20, 25, 30, 40, 50, 60, 80, 100, 120},
                            "d"));
  append(bases, with_prefix("realized_vol_", {5, 10, 20, 40, 60, 120, 250}));
  append(bases, with_prefix("rsi_", {2, 3, 5, 7, 9, 10, 14, 21, 28, 42}));
  append(bases, with_prefix("volume_ratio_", {5, 10, 20, 60, 120}));
  append(bases, with_prefix("sma_gap_", {5, 10, 20, 25, 50, 60, 75, 100, 120, 200}));
  append(bases, with_prefix("ema_gap_", {5, 10, 20, 25, 50, 60, 75, 100, 120, 200}));
  append(bases, with_prefix("drawdown_", {20, 60, 120, 250, 500}));
  append(bases, with_prefix("beta_", {20, 60, 120, 250}));
  append(bases, with_prefix("amihud_", {5, 10, 20, 60, 120}));
  append(bases, with_prefix("natr_", {5, 7, 14, 20, 28, 60}));
  append(bases, {"log_turnover", "high_52w_gap", "low_52w_gap", "pos_52w", "stoch_k_14_3_3",
                 "stoch_d_14_3_3", "stoch_k_5_3_3", "stoch_d_5_3_3", "stoch_k_9_3_3",
                 "stoch_d_9_3_3", "stoch_k_21_5_5", "stoch_d_21_5_5"});
  return bases;
}

std::vector<std::string> sector_bases() {
  std::vector<std::string> bases;
  append(bases, with_prefix("ret_", {1,  2,  3,  4,  5,  6,  7,  8,  9,   10, 12,
                                     15, 20, 25, 30, 40, 50, 60, 80, 100, 120},
                            "d"));
  append(bases, with_prefix("realized_vol_", {5, 10, 20, 40, 60, 120, 250}));
  append(bases, with_prefix("rsi_", {2, 3, 5, 7, 9, 10, 14, 21, 28, 42}));
  append(bases, with_prefix("sma_gap_", {5, 10, 20, 25, 50, 60, 75, 100, 120, 200}));
  append(bases, with_prefix("volume_ratio_", {5, 10, 20, 60, 120}));
  append(bases, with_prefix("amihud_", {5, 10, 20, 60, 120}));
  append(bases, with_prefix("drawdown_", {20, 60, 120, 250, 500}));
  append(bases, with_prefix("natr_", {5, 7, 14, 20, 28, 60}));
  append(bases, with_prefix("parkinson_vol_", {5, 10, 20, 40, 60, 120}));
  append(bases, {"log_turnover"});
  return bases;
}

}  // namespace

void register_cross_section_families(Catalog& catalog) {
  FamilyBuilder f(catalog, "cross_section");
  for (const std::string& base : ranked_bases()) {
    f.cross_section("cs_rank_" + base, base, CrossSectionOp::kRank,
                    fmt::format("percentile rank of {} among the day's stocks (0..1)", base));
    f.cross_section("cs_z_" + base, base, CrossSectionOp::kZScore,
                    fmt::format("z-score of {} among the day's stocks, clipped to +-5", base));
  }
  FamilyBuilder sector(catalog, "sector_relative");
  for (const std::string& base : sector_bases()) {
    sector.cross_section(
        "sec_rel_" + base, base, CrossSectionOp::kSectorRelative,
        fmt::format("{} minus its median over the stock's sector33 that day", base));
  }
}

}  // namespace gogooku3::features
