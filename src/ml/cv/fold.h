// Fold: one train/test split of a time-series cross-validation over trading days, and the
// vocabulary the splitters in this directory share.
//
// Splitters never see features or labels, only the ascending, unique sample dates (one entry per
// trading day that has a label; the caller drops the last `horizon` days of its calendar, whose
// forward returns are not known yet). A fold names days by their index into that vector. The
// sample at day index i is labelled with the forward return over days [i+1, i+horizon], so
// training on day i "sees" the prices of those days: the splitters drop (purge) every training
// day whose label window reaches into the fold's test block, and embargo a further span, so
// that no test day's outcome is in the training set (Lopez de Prado, AFML ch. 7).
//
// Folds are plain values; every function here is pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/date.h"

namespace gogooku3::ml::cv {

struct Fold {
  int index = 0;                  // 0-based, in time order of the test blocks
  std::vector<int> train_days{};  // ascending day indices the model may learn from
  std::vector<int> test_days{};   // ascending, consecutive day indices the model is scored on
  int purged_days = 0;            // dropped from training: label window reaches into the test block
  int embargoed_days = 0;  // dropped from training: inside the embargo span (see each splitter)
};

// One line for logs, e.g. "fold 2: train 2019-01-04..2020-03-02 (412 days, 20 purged,
// 0 embargoed), test 2020-04-01..2020-06-30 (63 days)". Training days need not be contiguous
// (group k-fold trains on both sides of the test block); the range is first..last.
// `days` must be the vector the fold was made from; throws InvalidInput otherwise.
std::string describe_fold(const Fold& fold, std::span<const Date> days);

// Throws InvalidInput naming the first day that is not strictly after the one before it
// (unsorted or duplicate sample dates), or if there are more days than an int can index.
void check_ascending_unique(std::span<const Date> days);

// Sizes of `parts` consecutive blocks covering `count` items as evenly as possible: they differ
// by at most one, and the later blocks take the extra items. Requires parts >= 1, count >= 0.
std::vector<int> even_block_sizes(int count, int parts);

}  // namespace gogooku3::ml::cv
