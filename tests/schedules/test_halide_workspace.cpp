// The workspace Halide direct reports (the report's memory column) covers every buffer its runtime
// allocates: each allocation is seen through a custom halide_malloc. Before its padded input copy was
// counted, Halide direct reported its packed weights alone (147 KB on VGG-16 conv1_2, which allocates a
// 13 MB padded image), and this failed on three of these four shapes. Halide im2col's count falls short
// of the same check (its group's sums and more: 53 KB counted for a 55 KB buffer on the 7x7 1x1 plane,
// 55 KB for 108 KB at stride 2, 12 KB for 31 KB on the dilated layer), so it is not checked here yet.
#include <HalideRuntime.h>
#include <omp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "descriptor.h"
#include "method_runner.h"
#include "registry.h"

namespace {

size_t largest_allocation = 0;

void* tracking_malloc(void* user_context, size_t bytes) {
  largest_allocation = std::max(largest_allocation, bytes);
  return halide_default_malloc(user_context, bytes);
}

}  // namespace

TEST_CASE("Halide direct's workspace covers the buffers it allocates", "[halide][workspace]") {
  using namespace convlab;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);  // per-thread buffers counted once, and the allocations made on this thread
  const halide_malloc_t previous = halide_set_custom_malloc(tracking_malloc);
  // 3x3 padded rows, a 7x7 1x1 plane taken flat, a strided layer, a dilated one.
  for (const char* desc : {"mb1ic16ih20oc16oh20kh3ph1", "mb1ic64ih7oc96oh7kh1", "mb1ic8ih27oc24oh14kh3sh2ph1",
                           "mb2ic5ih30oc7oh26kh3dh1ph0"}) {
    INFO(std::string("direct/halide/manual on ") + desc);
    const ConvProblem p = parse_descriptor(desc);
    std::unique_ptr<ConvMethod> m = make_method(MethodSpec("direct", "halide", "", "manual"));
    const std::vector<float> x(size_t(p.input_elems()), 1.0f), w(size_t(p.weight_elems()), 1.0f), b(size_t(p.k), 0.0f);
    largest_allocation = 0;  // plan and set_weights allocate host buffers, not Halide's
    testing::run_method(*m, p, x, w, b);
    CHECK(largest_allocation > 0);
    CHECK(m->workspace_bytes() >= largest_allocation);
  }
  halide_set_custom_malloc(previous);
  omp_set_num_threads(saved);
}
