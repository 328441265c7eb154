// The process's memory allocator, tuned for columnar batch work.
//
// Reading a Parquet partition allocates column buffers of tens to hundreds of megabytes and
// frees them when the next step is done. glibc's malloc serves blocks that large with mmap
// and gives them back with munmap, so every read pays for the kernel to zero and map every
// page again: on a 10-million-row read this page-fault work was the biggest single cost,
// ahead of decompression. tune_allocator_for_batch_work() raises the mmap threshold and the
// trim threshold to 1 GiB, so large buffers come from the heap and freed ones are reused by
// the next read instead of being returned to the kernel. The price is that up to 1 GiB of
// freed memory stays with the process (its RSS does not shrink after a big read), which suits
// a batch job and a long-running server alike on the machines gogooku3 targets.
//
// Called once at the start of main() (the gogooku3 binary and the benchmarks); libraries never
// call it. Returns false where the allocator does not take the settings (e.g. under
// AddressSanitizer, which brings its own allocator).
#pragma once

namespace gogooku3 {

bool tune_allocator_for_batch_work();

}  // namespace gogooku3
