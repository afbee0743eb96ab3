// The seed's properties of convolution, checked on every method (and on the reference itself):
// impulse response, bias per filter, summation over channels, translation equivariance.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "../method_runner.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

std::vector<MethodSpec> specs_with_reference() {
  std::vector<MethodSpec> v = all_method_specs();
  v.insert(v.begin(), MethodSpec{"reference", "plain", ""});
  return v;
}

// Runs `spec` if it applies; returns false (and skips) if not.
bool run(const MethodSpec& spec, const ConvProblem& p, const std::vector<float>& x, const std::vector<float>& w,
         const std::vector<float>& b, std::vector<float>& y) {
  auto m = make_method(spec);
  if (!m->not_applicable(p).empty()) return false;
  y = run_method(*m, p, x, w, b);
  return true;
}

// Two results of `spec` that must agree, agree within twice its stated tolerance (relative to their scale).
double margin(const MethodSpec& spec, const ConvProblem& p, const std::vector<float>& y) {
  double scale = 0;
  for (float v : y) scale = std::max(scale, double(std::fabs(v)));
  return 2.0 * make_method(spec)->tolerance(p) * scale;
}

ConvProblem base(int64_t h, int64_t w, int64_t r, int64_t s, PadMode pm) {
  ConvProblem p;
  p.n = 1, p.c = 1, p.k = 1, p.h = h, p.w = w, p.r = r, p.s = s;
  p.pad_mode = pm;
  p.bias = false;
  p.resolve_padding();
  return p;
}

}  // namespace

TEST_CASE("true convolution of a unit impulse reproduces the kernel, cross-correlation rotates it", "[properties]") {
  for (const MethodSpec& spec : specs_with_reference()) {
    INFO(spec_name(spec));
    for (ConvMode mode : {ConvMode::Conv, ConvMode::Xcorr}) {
      ConvProblem p = base(1, 1, 3, 4, PadMode::Full);  // full padding: the whole kernel comes out
      p.mode = mode;
      std::vector<float> x = {1.0f}, w = random_vector(12, 7), b = {0.0f}, y;
      if (!run(spec, p, x, w, b, y)) continue;
      REQUIRE(y.size() == 12);
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) {
          const float expect = mode == ConvMode::Conv ? w[size_t(i * 4 + j)] : w[size_t((2 - i) * 4 + (3 - j))];
          CHECK(y[size_t(i * 4 + j)] == Approx(expect).margin(1e-6));
        }
    }
  }
}

TEST_CASE("bias adds per filter", "[properties]") {
  for (const MethodSpec& spec : specs_with_reference()) {
    INFO(spec_name(spec));
    ConvProblem p = base(6, 7, 3, 3, PadMode::Same);
    p.k = 3;
    p.bias = true;
    std::vector<float> x(42, 0.0f), w = random_vector(27, 3), b = {0.5f, -2.0f, 7.25f}, y;
    if (!run(spec, p, x, w, b, y)) continue;
    for (int64_t k = 0; k < 3; ++k)
      for (int64_t i = 0; i < 42; ++i) CHECK(y[size_t(k * 42 + i)] == Approx(b[size_t(k)]).margin(1e-6));
  }
}

TEST_CASE("a multi-channel convolution is the sum of its single-channel ones", "[properties]") {
  ConvProblem p = base(9, 8, 3, 2, PadMode::Valid);
  p.c = 3;
  auto x = random_vector(size_t(p.input_elems()), 11), w = random_vector(size_t(p.weight_elems()), 12);
  std::vector<float> b = {0.0f};
  for (const MethodSpec& spec : specs_with_reference()) {
    INFO(spec_name(spec));
    std::vector<float> y, sum(size_t(p.output_elems()), 0.0f), yc;
    if (!run(spec, p, x, w, b, y)) continue;
    ConvProblem one = p;
    one.c = 1;
    for (int64_t c = 0; c < 3; ++c) {
      std::vector<float> xc(x.begin() + c * 72, x.begin() + (c + 1) * 72), wc(w.begin() + c * 6, w.begin() + (c + 1) * 6);
      REQUIRE(run(spec, one, xc, wc, b, yc));
      for (size_t i = 0; i < sum.size(); ++i) sum[i] += yc[i];
    }
    const double tol = margin(spec, p, y);
    for (size_t i = 0; i < y.size(); ++i) CHECK(y[i] == Approx(sum[i]).margin(tol));
  }
}

TEST_CASE("stride 1: shifting the input shifts the output, away from the borders", "[properties]") {
  ConvProblem p = base(16, 15, 3, 5, PadMode::Same);
  p.c = 2, p.k = 2;
  auto x = random_vector(size_t(p.input_elems()), 21), w = random_vector(size_t(p.weight_elems()), 22);
  auto b = random_vector(2, 23);
  const int dy = 2, dx = 3;
  std::vector<float> xs(x.size(), 0.0f);  // x shifted down by dy, right by dx
  for (int64_t c = 0; c < p.c; ++c)
    for (int64_t i = 0; i + dy < p.h; ++i)
      for (int64_t j = 0; j + dx < p.w; ++j) xs[size_t((c * p.h + i + dy) * p.w + j + dx)] = x[size_t((c * p.h + i) * p.w + j)];
  for (const MethodSpec& spec : specs_with_reference()) {
    INFO(spec_name(spec));
    std::vector<float> y, ys;
    if (!run(spec, p, x, w, b, y)) continue;
    REQUIRE(run(spec, p, xs, w, b, ys));
    const double tol = margin(spec, p, y);
    // Outputs whose receptive fields avoid both borders in both images.
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t i = 1; i + 1 + dy < p.oh(); ++i)
        for (int64_t j = 2; j + 2 + dx < p.ow(); ++j)
          CHECK(ys[size_t((k * p.oh() + i + dy) * p.ow() + j + dx)] == Approx(y[size_t((k * p.oh() + i) * p.ow() + j)]).margin(tol));
  }
}
