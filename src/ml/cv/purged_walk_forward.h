// Purged walk-forward cross-validation: the validation scheme of gogooku3's models.
//
// The days after an initial training span are cut into `folds` consecutive, non-overlapping
// test blocks, as even as possible (sizes differ by at most one; later blocks take the extra
// days). Fold k trains on an expanding window: every day before its test block, earlier folds'
// test blocks included, minus a gap just before the block:
//
//   days:   0 ..................... s-gap-1 | s-gap ... s-1 | s ...... t | (later folds)
//   fold k: train                           | purged/embargo | test       | not used
//
// Purge: a training day i is dropped if its label window [i+1, i+horizon] reaches into the test
// block (i >= s - horizon), since its label would be made of test-period prices.
//
// Embargo: AFML drops training days that start within `embargo` days AFTER a test block ends,
// against serial correlation leaking test-period information into training. Walk-forward never
// trains after its test block, so that rule would drop nothing; we mirror it onto the side where
// training lies: days within `embargo` days BEFORE the test block are dropped too (i >= s -
// embargo), as the embargo_days gap of the original gogooku3 splitter did. The gap is therefore
// max(horizon, embargo) days: days whose label reaches the block count as purged, the rest of
// the gap as embargoed. The embargo never shortens the purge.
//
// Days after an earlier test block are not embargoed from later folds: they and the later
// fold's test block are both after that block, so there is no leakage to guard against.
//
// Fold 0 trains on exactly min_train_days days, so the first test block starts at
// min_train_days + max(horizon, embargo); every later fold trains on more.
#pragma once

#include <span>
#include <vector>

#include "core/date.h"
#include "ml/cv/fold.h"

namespace gogooku3::ml::cv {

struct WalkForwardOptions {
  int folds = 5;             // number of test blocks, >= 1
  int min_train_days = 252;  // training days of fold 0 (about one year), >= 1
  int min_test_days = 63;    // smallest test block (about a quarter), >= 1
  int horizon = 20;          // longest label horizon in business days, >= 1
  int embargo = 20;          // business days dropped before each test block, >= 0
};

// Folds in time order. `days` are the ascending, unique sample dates. Throws InvalidInput for
// an option out of range, unsorted or duplicate days, or too few days for the folds (naming
// how many there are and how many are needed).
std::vector<Fold> purged_walk_forward(std::span<const Date> days,
                                      const WalkForwardOptions& options);

}  // namespace gogooku3::ml::cv
