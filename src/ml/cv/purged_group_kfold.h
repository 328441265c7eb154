// Purged group k-fold: k-fold cross-validation over trading days for experiments that are not
// walk-forward (feature ablations, hyper-parameter sweeps that may train on the future).
//
// The groups are the dates: all stocks of one day are in the same fold, so no day is split
// between training and test. The days are cut into `folds` consecutive blocks, as even as
// possible (sizes differ by at most one; later blocks take the extra days), and fold k tests
// on block k = [s, t] and trains on every other day, minus
//
//   purge:   days before the block whose label window [i+1, i+horizon] reaches into it
//            (s - horizon <= i < s): their labels are made of test-period prices;
//   embargo: days within `embargo` days after the block (t < i <= t + embargo), AFML's rule
//            against serial correlation: their features are computed from test-period
//            prices, and the labels of the block's last days run to t + horizon.
//
//   days:   0 ........ s-h-1 | s-h ... s-1 | s ...... t | t+1 ... t+e | t+e+1 ......
//   fold k: train            | purged      | test       | embargoed   | train
//
// The embargo must be at least the horizon, or a training day after the block would share
// label days with the block's last test days.
#pragma once

#include <span>
#include <vector>

#include "core/date.h"
#include "ml/cv/fold.h"

namespace gogooku3::ml::cv {

struct GroupKFoldOptions {
  int folds = 5;     // number of date blocks, >= 2
  int horizon = 20;  // longest label horizon in business days, >= 1
  int embargo = 20;  // business days dropped after each test block, >= horizon
};

// Folds in time order of their test blocks. `days` are the ascending, unique sample dates.
// Throws InvalidInput for an option out of range, unsorted or duplicate days, or too few days
// for every fold to keep a training day (naming how many there are and how many are needed).
std::vector<Fold> purged_group_kfold(std::span<const Date> days, const GroupKFoldOptions& options);

}  // namespace gogooku3::ml::cv
