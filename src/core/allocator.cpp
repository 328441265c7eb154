#include "core/allocator.h"

#include <malloc.h>

namespace gogooku3 {

bool tune_allocator_for_batch_work() {
  constexpr int kOneGiB = 1 << 30;
  // mallopt returns 1 on success; under a sanitizer the interposed allocator ignores it.
  const bool mmap_set = mallopt(M_MMAP_THRESHOLD, kOneGiB) == 1;
  const bool trim_set = mallopt(M_TRIM_THRESHOLD, kOneGiB) == 1;
  return mmap_set && trim_set;
}

}  // namespace gogooku3
