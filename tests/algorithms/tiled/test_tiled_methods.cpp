// What the tiled methods (Winograd, FFT) promise beyond matching the reference: accuracy ordered by tile
// size as the error analysis says, prime/odd transform sizes, phases, workspace, real arithmetic, and
// refusals that say why.
#include <catch2/catch.hpp>

#include "../../method_runner.h"
#include "fft/fft_transform.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

ConvProblem layer(int64_t c, int64_t k, int64_t h, int64_t r, int64_t pad) {
  ConvProblem p;
  p.n = 1, p.c = c, p.k = k, p.h = p.w = h, p.r = p.s = r;
  p.pt = p.pb = p.pl = p.pr = pad;
  return p;
}

double error_of(const std::string& method, const std::string& variant, const ConvProblem& p) {
  auto m = make_method({method, "plain", variant});
  REQUIRE(m->not_applicable(p).empty());
  const ErrorStats e = error_vs_reference(*m, p);
  REQUIRE(e.max_rel <= m->tolerance(p));
  return e.max_rel;
}

}  // namespace

TEST_CASE("Winograd loses accuracy as its tile grows: F(6,3) far less exact than F(2,3)", "[winograd]") {
  const ConvProblem p = layer(32, 16, 24, 3, 1);
  const double e2 = error_of("winograd", "F2x3", p), e4 = error_of("winograd", "F4x3", p),
               e6 = error_of("winograd", "F6x3", p);
  WARN("3x3, C32: max rel error F(2,3) " << e2 << ", F(4,3) " << e4 << ", F(6,3) " << e6);
  CHECK(e4 > 4 * e2);
  CHECK(e6 > 8 * e2);
  auto t = [&](const char* v) { return make_method({"winograd", "plain", v})->tolerance(p); };
  CHECK(t("F2x3") < t("F4x3"));
  CHECK(t("F4x3") < t("F6x3"));
}

TEST_CASE("FFT handles prime and odd transform sizes", "[fft]") {
  CHECK(good_fft_size(58) == 60);
  CHECK(good_fft_size(97) == 98);
  CHECK(good_fft_size(121) == 125);
  CHECK(good_fft_size(1) == 1);
  for (const char* v : {"tile7", "tile13", "tile17", "whole"}) {
    ConvProblem p = layer(3, 4, 23, 3, 0);  // 23: prime image, odd output
    p.w = 19;
    p.s = 2;
    INFO(v);
    error_of("fft", v, p);
  }
}

TEST_CASE("tiled methods time their phases and report workspace and arithmetic", "[tiled]") {
  const ConvProblem p = layer(16, 8, 20, 3, 1);
  for (auto [method, variant] : {std::pair{"winograd", "F4x3"}, {"fft", "tile16"}, {"fft", "whole"}}) {
    INFO(method << " " << variant);
    auto m = make_method({method, "plain", variant});
    auto x = random_vector(size_t(p.input_elems()), 1), w = random_vector(size_t(p.weight_elems()), 2),
         b = random_vector(size_t(p.k), 3);
    run_method(*m, p, x, w, b);
    std::vector<std::string> names;
    for (auto& [name, ms] : m->phases()) {
      names.push_back(name);
      CHECK(ms >= 0);
    }
    CHECK(names == std::vector<std::string>{"weight_transform", "input_transform", "multiply", "output_transform"});
    CHECK(m->workspace_bytes() > size_t(p.weight_elems()) * 4);
    CHECK(m->actual_flops() > 0);
  }
  // F(4,3) multiplies 36 values per 16 outputs instead of 144: its elementwise work is 4x below direct's.
  auto wino = make_method({"winograd", "plain", "F4x3"});
  wino->plan(p);
  CHECK(wino->actual_flops() < p.flops());
}

TEST_CASE("inapplicable problems are refused with the reason, never computed another way", "[tiled]") {
  ConvProblem s2 = layer(4, 4, 16, 3, 1);
  s2.sh = s2.sw = 2;
  CHECK_THAT(make_method({"winograd", "plain", "F2x3"})->not_applicable(s2), Catch::Contains("stride"));
  ConvProblem dil = layer(4, 4, 16, 3, 2);
  dil.dh = dil.dw = 2;
  CHECK_THAT(make_method({"winograd", "plain", "F2"})->not_applicable(dil), Catch::Contains("dilation"));
  CHECK_THAT(make_method({"winograd", "plain", "F4x3"})->not_applicable(layer(4, 4, 16, 5, 2)), Catch::Contains("5x5"));
  CHECK_THAT(make_method({"winograd", "plain", "F6"})->not_applicable(layer(4, 4, 16, 5, 2)), Catch::Contains("inaccurate"));
  CHECK_THAT(make_method({"fft", "plain", "tile8"})->not_applicable(layer(4, 4, 32, 9, 4)), Catch::Contains("tile"));
  CHECK(make_method({"fft", "plain", "whole"})->not_applicable(s2).empty());  // stride: computed and subsampled
  CHECK_THAT(make_method({"fft", "plain", "whole"})->remark(s2), Catch::Contains("subsampled"));
  CHECK_THROWS_WITH(make_method({"winograd", "plain", "G4"}), Catch::Contains("F<m>"));
  CHECK_THROWS_WITH(make_method({"fft", "plain", "tile"}), Catch::Contains("tile<T>"));
}
