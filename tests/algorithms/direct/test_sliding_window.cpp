// Plain direct on shapes the randomized problems of test_methods_vs_reference.cpp (C <= 32) do not reach:
// channel passes (the packed weights of one pass are at most 64 KB with AVX2, so only C of a few hundred
// at 3x3 takes more than one, summing into the running-sums buffer), the rows of narrow planes split into
// wrapping blocks, and FewChannelsDirect's rows with partial last vectors at unit column stride only.
#include <catch2/catch.hpp>

#include "../../method_runner.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

void check(const ConvProblem& p) { check_vs_reference({"direct", "plain", ""}, p); }

}  // namespace

TEST_CASE("direct: several channel passes, wrapping blocks and few-channel rows agree with the reference", "[direct]") {
  // 3x3 over 601 channels: 76 blocks of 8 (the last one partial), 3 passes with AVX2 (one filter vector,
  // as K = 21), 2 with AVX-512; a 9x9 plane splits whole rather than by row (blocks wrap); batch 2.
  ConvProblem passes;
  passes.n = 2, passes.c = 601, passes.k = 21, passes.h = passes.w = 9, passes.r = passes.s = 3;
  passes.pt = passes.pb = passes.pl = passes.pr = 1;
  check(passes);
  ConvProblem strided = passes;  // stride 2: runtime column offsets, still several passes
  strided.sh = strided.sw = 2;
  strided.mode = ConvMode::Conv;
  check(strided);
  // 3 channels (FewChannelsDirect): 33 columns (a partial last vector at 8 or 16 lanes), row stride 2,
  // dilation 2.
  ConvProblem rgb;
  rgb.n = 2, rgb.c = 3, rgb.k = 6, rgb.h = 21, rgb.w = 41, rgb.r = 3, rgb.s = 5, rgb.sh = 2, rgb.dh = rgb.dw = 2;
  check(rgb);
}
