// tune_allocator_for_batch_work(): after it, a large buffer comes from the heap (not a fresh
// mmap that the kernel must zero page by page) and, once freed, stays with the process for
// the next one.
#include "core/allocator.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstddef>
#include <vector>

namespace gogooku3 {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

TEST(AllocatorTest, LargeBuffersComeFromTheHeapAndAreKept) {
  const bool tuned = tune_allocator_for_batch_work();
  // AddressSanitizer interposes its own allocator, which ignores mallopt: then the call must
  // say so rather than pretend.
  EXPECT_EQ(tuned, !kSanitized);
  if (kSanitized) return;
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  const std::size_t mapped_before = mallinfo2().hblkhd;
  {
    const std::vector<char> buffer(kBytes, 1);
    EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "a 64 MiB block was still mmap'ed";
  }
  EXPECT_GE(mallinfo2().fordblks, kBytes) << "the freed block went back to the kernel";
}

}  // namespace
}  // namespace gogooku3
