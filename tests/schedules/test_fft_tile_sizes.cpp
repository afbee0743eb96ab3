// Halide FFT on tile sizes beyond the three its passes are specialized for (schedules/fft_generator.cpp):
// the general passes, where the radix-2 step along y has an odd half (tile10), no step at all (odd tiles),
// and blocks of outputs that do not divide the tile (tile7, tile10, tile13 read the DFT matrices past their
// end before the general passes guarded their blocks).
#include <catch2/catch.hpp>

#include "../method_runner.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

TEST_CASE("Halide FFT matches the reference on any tile size", "[halide][fft]") {
  ConvProblem p;  // odd image, C != K, non-square kernel, stride 2, uneven padding, batch 2
  p.n = 2, p.c = 5, p.k = 11, p.h = 23, p.w = 19, p.r = 3, p.s = 2;
  p.sh = 2, p.sw = 1;
  p.pt = 1, p.pb = 2, p.pl = 0, p.pr = 1;
  const auto x = random_vector(size_t(p.input_elems()), 1), w = random_vector(size_t(p.weight_elems()), 2),
             b = random_vector(size_t(p.k), 3);
  const std::vector<double> ref = conv_reference(p, x.data(), w.data(), b.data());
  for (const char* variant : {"tile4", "tile7", "tile10", "tile12", "tile13", "tile16", "tile20"}) {
    INFO(variant);
    auto m = make_method({"fft", "halide", variant, "manual"});
    REQUIRE(m->not_applicable(p).empty());
    const ErrorStats e = compare_to_reference(ref, run_method(*m, p, x, w, b).data());
    CHECK(e.max_rel <= m->tolerance(p));
  }
}
