// The heap policy every measurement runs under. glibc serves a large allocation with mmap and returns it
// to the system when freed, and it moves that threshold as the process frees such blocks, so whether a
// pipeline's per-call buffers cost fresh pages (a page fault per 4 KB, zeroed by the kernel) depended on
// what the process had allocated before: Halide FFT 15x15 C16 took 1.9 ms or 1.2 ms and Halide Winograd
// F(2x2,5x5) 5.1 ms or 2.3 ms (C32->64, 56x56, 2 threads) with 19,000 or 2,300 (577,000 or 1,200) page
// faults, depending only on that. Halide allocates its stages' buffers inside each call (per band of
// rows in the tiled pipelines); the plain methods and oneDNN plan theirs once. The harness fixes the
// threshold (the largest glibc takes) and keeps freed memory in the process, as a caching allocator
// (PyTorch's, say) would, so a method's time is its own.
#pragma once

#include <string>

namespace convlab {

// Sets the policy (main does, first thing).
void fix_malloc_policy();
// What run.json records of it: the policy in force, or glibc's defaults where nothing set it.
std::string malloc_policy();

}  // namespace convlab
