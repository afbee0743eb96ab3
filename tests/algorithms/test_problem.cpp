// Output-size rules for every padding mode and stride, and the refusal of impossible shapes.
#include <catch2/catch.hpp>

#include "problem.h"

using namespace convlab;

static ConvProblem square(int64_t h, int64_t r, int64_t stride, PadMode pm, int64_t dil = 1) {
  ConvProblem p;
  p.h = p.w = h;
  p.r = p.s = r;
  p.sh = p.sw = stride;
  p.dh = p.dw = dil;
  p.pad_mode = pm;
  p.resolve_padding();
  return p;
}

TEST_CASE("valid padding: OH = floor((H - R) / s) + 1", "[problem]") {
  CHECK(square(7, 3, 1, PadMode::Valid).oh() == 5);
  CHECK(square(7, 3, 2, PadMode::Valid).oh() == 3);
  CHECK(square(8, 3, 2, PadMode::Valid).oh() == 3);
  CHECK(square(224, 11, 4, PadMode::Valid).oh() == 54);
  CHECK(square(7, 3, 1, PadMode::Valid, 2).oh() == 3);  // dilated extent 5
}

TEST_CASE("same padding: OH = ceil(H / s), extra row at the bottom (TensorFlow)", "[problem]") {
  for (int64_t h : {5, 6, 7, 14, 15})
    for (int64_t r : {1, 2, 3, 4, 5})
      for (int64_t s : {1, 2, 3}) {
        ConvProblem p = square(h, r, s, PadMode::Same);
        if (p.eff_r() > h + p.pt + p.pb) continue;
        CHECK(p.oh() == (h + s - 1) / s);
        CHECK(p.pb >= p.pt);
        CHECK(p.pb - p.pt <= 1);
      }
  ConvProblem even = square(6, 4, 1, PadMode::Same);  // total 3: 1 on top, 2 at the bottom
  CHECK(even.pt == 1);
  CHECK(even.pb == 2);
}

TEST_CASE("full padding: OH = H + R - 1 at stride 1", "[problem]") {
  CHECK(square(7, 3, 1, PadMode::Full).oh() == 9);
  CHECK(square(7, 3, 2, PadMode::Full).oh() == 5);
  CHECK(square(5, 3, 1, PadMode::Full, 2).oh() == 9);
}

TEST_CASE("explicit padding strings", "[problem]") {
  ConvProblem p = square(7, 3, 1, PadMode::Valid);
  p.set_padding("1,2,0,3");
  CHECK(p.pt == 1);
  CHECK(p.pb == 2);
  CHECK(p.pl == 0);
  CHECK(p.pr == 3);
  CHECK(p.oh() == 8);
  CHECK(p.ow() == 8);
  p.set_padding("2");
  CHECK(p.pr == 2);
  CHECK_THROWS_AS(p.set_padding("1,2"), ProblemError);
  CHECK_THROWS_AS(p.set_padding("wide"), ProblemError);
  CHECK_THROWS_AS(p.set_padding("-1"), ProblemError);
}

TEST_CASE("impossible shapes are refused with the field named", "[problem]") {
  ConvProblem p = square(5, 3, 1, PadMode::Valid);
  REQUIRE_NOTHROW(p.validate());
  ConvProblem big = square(5, 7, 1, PadMode::Valid);
  CHECK_THROWS_WITH(big.validate(), Catch::Contains("kh"));
  ConvProblem zero = p;
  zero.c = 0;
  CHECK_THROWS_WITH(zero.validate(), Catch::Contains("ic"));
  ConvProblem stride0 = p;
  stride0.sw = 0;
  CHECK_THROWS_WITH(stride0.validate(), Catch::Contains("sw"));
  ConvProblem huge = p;
  huge.n = 1 << 20, huge.c = 1 << 10, huge.h = huge.w = 1 << 10;
  CHECK_THROWS_WITH(huge.validate(), Catch::Contains("memory"));
}

TEST_CASE("direct-equivalent FLOPs", "[problem]") {
  ConvProblem p;
  p.n = 1, p.c = 64, p.k = 64, p.h = p.w = 56, p.r = p.s = 3, p.pt = p.pb = p.pl = p.pr = 1;
  CHECK(p.flops() == Approx(2.0 * 64 * 56 * 56 * 64 * 9));
}
