// Halide pipelines compute only on values they have written. Every allocation Halide's runtime makes is
// handed out full of denormals (a test allocator), and so is the stack the pipeline's frames will use;
// the pipeline runs on the calling thread alone, and the denormal flag of that thread's MXCSR must stay
// clear: a multiply or add that read a value nobody wrote raises it. Before common.h's
// row_in_whole_blocks, the direct and im2col products rounded each row up to whole register blocks and
// added into sums and lowered columns nothing had set, and FFT's products did the same with tiles; on
// memory that happened to hold denormals (freed by oneDNN, say) every such FMA took a microcode assist,
// 5-45x the time. Winograd's products and transforms did too until M's tiles and
// filters were aligned to the products' blocks (common.h's tile_block_product): each of its 14 cases
// that apply here failed before.
#include <HalideRuntime.h>
#include <omp.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "descriptor.h"
#include "method_runner.h"
#include "registry.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

namespace {

constexpr unsigned kDenormalFlag = 0x02;  // MXCSR's DE: an operand was denormal

void* denormal_malloc(void* user_context, size_t bytes) {
  void* p = halide_default_malloc(user_context, bytes);
  if (p) {
    const uint32_t smallest = 1;  // bit pattern of the smallest positive denormal float
    auto* u = static_cast<unsigned char*>(p);
    for (size_t i = 0; i + sizeof smallest <= bytes; i += sizeof smallest) std::memcpy(u + i, &smallest, sizeof smallest);
  }
  return p;
}

// Halide keeps some buffers on the stack (common.h's Macc, the tiled products' accumulators): the stack
// below the caller's frame, where the pipeline's frames will lie, is filled with denormals too.
__attribute__((noinline)) void denormal_stack() {
  volatile uint32_t area[1 << 16];  // 256 KB, several times the largest Macc
  for (size_t i = 0; i < sizeof area / sizeof area[0]; ++i) area[i] = 1;
}

}  // namespace

TEST_CASE("Halide's pipelines compute only on values they have written", "[halide][uninitialized]") {
  using namespace convlab;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);  // Halide's pool follows (sync_halide_threads): every task runs on this thread
  const halide_malloc_t previous = halide_set_custom_malloc(denormal_malloc);
  // Rows that do not divide into the products' register blocks (7, 5, 14 or 6 columns): a 7x7 1x1 layer
  // flattened to one row of 49, 13-wide and 32-wide rows, stride 2, AlexNet conv1's 11x11 stride 4. For
  // the tiled pipelines, tile counts per band that are not whole blocks of 6 (Winograd's filters-in-lanes
  // products) and filter counts that are not (its tiles-in-lanes products: 40 filters on 13x13); a batch of
  // 2, and several bands in both filters-in-lanes builds (winograd_bands.h: bands in parallel on 64
  // channels of 56x56, the phases split on 200 channels of 20x20 at F(2,3)). Direct's and im2col's
  // positions-in-lanes builds on a dense 1x1 plane of 96 positions with a partial filter block, and on a
  // strided one's gathered positions, in rows 16 wide and (im2col's; direct computes such planes flat) 12
  // and 8 wide. A 7x7 3x3 layer: Winograd's tiles-in-lanes builds at F(4,3) and F(6,3) on 4 tiles, fewer
  // than a vector, and direct's build for rows at most 8 wide (register blocks wrapping rows, a guarded
  // last block) on 49 positions; that build dilated on a 5x4 plane (its general product).
  for (const char* desc : {"mb1ic64ih7oc96oh7kh1", "mb1ic24ih13oc40oh13kh3ph1", "mb1ic16ih32oc32oh32kh5ph2",
                           "mb1ic16ih27oc32oh14kh3sh2ph1", "mb1ic3ih67oc32oh15kh11sh4", "mb1ic8ih20oc16oh10kh3sh2dh1ph2",
                           "mb2ic16ih31oc20oh29kh3", "mb1ic64ih56oc64oh56kh3ph1", "mb1ic200ih20oc200oh20kh3ph1",
                           "mb2ic40ih8iw12oc37oh8ow12kh1", "mb1ic24ih23iw16oc40oh12ow8kh1sh2",
                           "mb2ic40ih6iw16oc37oh6ow16kh1", "mb1ic24ih12iw32oc40oh6ow16kh1sh2", "mb1ic24ih7oc40oh7kh3ph1",
                           "mb2ic12ih9iw8oc20oh5ow4kh3dh2"}) {
    const ConvProblem p = parse_descriptor(desc);
    const std::vector<float> x = testing::random_vector(size_t(p.input_elems()), 1);
    const std::vector<float> w = testing::random_vector(size_t(p.weight_elems()), 2);
    const std::vector<float> b = testing::random_vector(size_t(p.k), 3);
    const std::pair<const char*, const char*> impls[] = {
        {"direct", ""},    {"im2col", ""},      {"fft", "tile8"},     {"fft", "tile16"},
        {"fft", "tile32"}, {"winograd", "F2"}, {"winograd", "F4"}, {"winograd", "F6"}};
    for (const auto& [method, variant] : impls) {
      INFO(std::string(method) + "/halide/" + variant + "/manual on " + desc);
      std::unique_ptr<ConvMethod> m = make_method(MethodSpec(method, "halide", variant, "manual"));
      if (!m->not_applicable(p).empty()) continue;  // as the sweep does (FFT's small tiles, large kernels)
      m->plan(p);
      m->set_weights(w.data(), b.data());
      std::vector<float> y(size_t(p.output_elems()));
      denormal_stack();
      _mm_setcsr(_mm_getcsr() & ~kDenormalFlag);
      m->execute(x.data(), y.data());
      CHECK((_mm_getcsr() & kDenormalFlag) == 0);
    }
  }
  halide_set_custom_malloc(previous);
  omp_set_num_threads(saved);
}

#endif
