// The workspace a Halide method reports (the report's memory column) is its own buffers plus the heap its
// pipeline takes, measured in its first execute() (schedules/halide_heap.h). Here a second, independent
// count sits beneath that watch, as the runtime's allocator, and the two must agree byte for byte: on one
// thread the allocations come in one order. Before the heap was measured, Halide direct reported its
// packed weights alone (147 KB on VGG-16 conv1_2, which allocates a 13 MB padded image) and im2col's
// formula fell short of its largest single buffer on three of these shapes.
#include <HalideRuntime.h>
#include <omp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "descriptor.h"
#include "method_runner.h"
#include "registry.h"

namespace {

std::map<void*, size_t> blocks;
size_t live = 0, peak = 0;

void* counting_malloc(void* user_context, size_t bytes) {
  void* block = halide_default_malloc(user_context, bytes);
  blocks[block] = bytes;
  peak = std::max(peak, live += bytes);
  return block;
}

void counting_free(void* user_context, void* block) {
  if (auto it = blocks.find(block); it != blocks.end()) live -= it->second, blocks.erase(it);
  halide_default_free(user_context, block);
}

}  // namespace

TEST_CASE("Halide methods report the heap their pipelines take", "[halide][workspace]") {
  using namespace convlab;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const halide_malloc_t previous_malloc = halide_set_custom_malloc(counting_malloc);
  const halide_free_t previous_free = halide_set_custom_free(counting_free);
  // 3x3 padded rows, a 7x7 1x1 plane taken flat, a strided layer, a dilated one with batch 2, a 5x5 kernel.
  for (const char* desc : {"mb1ic16ih20oc16oh20kh3ph1", "mb1ic64ih7oc96oh7kh1", "mb1ic8ih27oc24oh14kh3sh2ph1",
                           "mb2ic5ih30oc7oh26kh3dh1ph0", "mb1ic6ih23oc10oh23kh5ph2"})
    for (const char* method : {"direct", "im2col", "winograd", "fft"}) {
      INFO(std::string(method) + "/halide/manual on " + desc);
      const ConvProblem p = parse_descriptor(desc);
      std::unique_ptr<ConvMethod> m = make_method(MethodSpec(method, "halide", "", "manual"));
      if (!m->not_applicable(p).empty()) continue;
      const std::vector<float> x(size_t(p.input_elems()), 1.0f), w(size_t(p.weight_elems()), 1.0f), b(size_t(p.k), 0.0f);
      m->plan(p);
      const size_t own = m->workspace_bytes();  // before any execute(): the object's own buffers
      live = peak = 0;
      testing::run_method(*m, p, x, w, b);  // plans again: the measure starts over
      CHECK(peak > 0);
      CHECK(m->workspace_bytes() == own + peak);
      std::vector<float> y(size_t(p.output_elems()));
      m->execute(x.data(), y.data());  // measured once per plan
      CHECK(m->workspace_bytes() == own + peak);
    }
  halide_set_custom_malloc(previous_malloc);
  halide_set_custom_free(previous_free);
  omp_set_num_threads(saved);
}
