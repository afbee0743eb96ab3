#include "malloc_policy.h"

#include <malloc.h>

namespace convlab {
namespace {
std::string policy = "glibc defaults (dynamic mmap threshold)";
}

void fix_malloc_policy() {
  constexpr int kMmapThreshold = 32 << 20;  // glibc's maximum on 64-bit (HEAP_MAX_SIZE / 2)
  constexpr int kTrimThreshold = 1 << 30;
  // mallopt returns 1 on success; a replaced malloc (ASan's) ignores it.
  const bool ok = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
  policy = ok ? "glibc, mmap threshold 32 MiB and trim threshold 1 GiB, fixed at start (harness/malloc_policy.h)"
            : "default (mallopt refused: not glibc's malloc)";
}

std::string malloc_policy() { return policy; }

}  // namespace convlab
