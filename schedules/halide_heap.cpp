#include "halide_heap.h"

#include <HalideRuntime.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace convlab {

namespace {

// The pipelines' worker threads allocate concurrently. A map from block to size, not a size header in
// front of the block: a block freed after the watch ends, or allocated before it began, reaches the
// right handler unchanged. The lock is taken only while a watch lives (one execute() per plan).
std::mutex mu;
std::unordered_map<void*, size_t> live_blocks;
size_t live = 0, peak = 0;
bool watching = false;
halide_malloc_t next_malloc = nullptr;
halide_free_t next_free = nullptr;

void* watched_malloc(void* user_context, size_t bytes) {
  void* block = next_malloc(user_context, bytes);
  if (block) {
    std::lock_guard<std::mutex> lock(mu);
    live_blocks[block] = bytes;
    live += bytes;
    peak = std::max(peak, live);
  }
  return block;
}

void watched_free(void* user_context, void* block) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = live_blocks.find(block); it != live_blocks.end()) {
      live -= it->second;
      live_blocks.erase(it);
    }
  }
  next_free(user_context, block);
}

}  // namespace

HalideHeapWatch::HalideHeapWatch() {
  std::lock_guard<std::mutex> lock(mu);
  if (watching) throw std::logic_error("HalideHeapWatch: one watch at a time");
  watching = true;
  live_blocks.clear();
  live = peak = 0;
  next_malloc = halide_set_custom_malloc(watched_malloc);
  next_free = halide_set_custom_free(watched_free);
}

HalideHeapWatch::~HalideHeapWatch() {
  halide_set_custom_malloc(next_malloc);
  halide_set_custom_free(next_free);
  std::lock_guard<std::mutex> lock(mu);
  watching = false;
}

size_t HalideHeapWatch::peak_bytes() const {
  std::lock_guard<std::mutex> lock(mu);
  return peak;
}

}  // namespace convlab
