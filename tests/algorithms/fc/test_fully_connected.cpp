// The fully connected layer and the conv <-> FC equivalences the seed teaches.
#include <catch2/catch.hpp>

#include "../../method_runner.h"
#include "descriptor.h"
#include "fc/fully_connected.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

// y[n][k] = b[k] + sum_f W[k][f] x[n][f], in double: the FC layer as the tutorial writes it.
std::vector<double> dense_reference(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
                                    int64_t n, int64_t f, int64_t k) {
  std::vector<double> y(size_t(n * k));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t o = 0; o < k; ++o) {
      double acc = b[size_t(o)];
      for (int64_t j = 0; j < f; ++j) acc += double(w[size_t(o * f + j)]) * x[size_t(i * f + j)];
      y[size_t(i * k + o)] = acc;
    }
  return y;
}

}  // namespace

TEST_CASE("inner-product descriptors parse to FC-shaped convolutions and print back", "[fc]") {
  ConvProblem p = parse_descriptor("ip:mb8ic4096oc1000");
  CHECK(p.n == 8);
  CHECK(p.c == 4096);
  CHECK(p.h == 1);
  CHECK(p.k == 1000);
  CHECK(p.fully_connected());
  CHECK(p.oh() == 1);
  CHECK(p.flops() == Approx(2.0 * 8 * 4096 * 1000));
  CHECK(p.descriptor() == "ip:mb8ic4096oc1000");
  ConvProblem q = parse_descriptor("ip:mb1ic512ih7iw7oc1000nfc");
  CHECK(q.r == 7);
  CHECK(q.s == 7);
  CHECK(q.descriptor() == "ip:mb1ic512ih7oc1000nfc");
  CHECK(parse_descriptor(q.descriptor()).descriptor() == q.descriptor());
  CHECK_THROWS_WITH(parse_descriptor("ip:mb1ic512kh3oc10"), Catch::Contains("'kh' has no meaning"));
  CHECK_THROWS_WITH(parse_descriptor("ip:mb1ic512"), Catch::Contains("'oc' is missing"));
}

TEST_CASE("the FC method matches the float64 dense reference, plain and Halide", "[fc]") {
  for (const char* d : {"ip:mb3ic37oc11", "ip:mb1ic5ih3iw4oc9", "ip:mb2ic64oc70"}) {
    ConvProblem p = parse_descriptor(d);
    const int64_t F = p.c * p.h * p.w;
    auto x = random_vector(size_t(p.input_elems()), 1), w = random_vector(size_t(p.weight_elems()), 2),
         b = random_vector(size_t(p.k), 3);
    const std::vector<double> ref = dense_reference(x, w, b, p.n, F, p.k);
    for (const char* impl : {"plain", "halide"}) {
      INFO(d << " " << impl);
      auto m = make_method({"fc", impl});
      REQUIRE(m->not_applicable(p).empty());
      auto y = run_method(*m, p, x, w, b);
      ErrorStats e = compare_to_reference(ref, y.data());
      CHECK(e.max_rel <= m->tolerance(p));
    }
  }
  ConvProblem conv;
  conv.h = conv.w = 5, conv.r = conv.s = 3;
  CHECK_THAT(make_method({"fc", "plain"})->not_applicable(conv), Catch::Contains("not a fully connected"));
}

TEST_CASE("a convolution whose kernel covers the whole valid input equals an FC layer on the flattened input", "[fc]") {
  ConvProblem p;
  p.n = 2, p.c = 3, p.h = 5, p.w = 4, p.k = 6, p.r = 5, p.s = 4;  // valid padding, output 1x1
  auto x = random_vector(size_t(p.input_elems()), 4), w = random_vector(size_t(p.weight_elems()), 5),
       b = random_vector(size_t(p.k), 6);
  const std::vector<double> fc = dense_reference(x, w, b, p.n, p.c * p.h * p.w, p.k);
  const std::vector<double> conv = conv_reference(p, x.data(), w.data(), b.data());
  REQUIRE(conv.size() == fc.size());
  for (size_t i = 0; i < fc.size(); ++i) CHECK(conv[i] == Approx(fc[i]).epsilon(1e-12));
  for (const char* method : {"direct", "im2col", "fft"}) {  // and every convolution method agrees
    INFO(method);
    auto y = run_method(*make_method({method, "plain", method == std::string("fft") ? "whole" : ""}), p, x, w, b);
    CHECK(compare_to_reference(fc, y.data()).max_rel <= 1e-5);
  }
}

TEST_CASE("a 1x1 stride-1 convolution equals a GEMM over pixels", "[fc]") {
  ConvProblem p;
  p.n = 2, p.c = 7, p.h = 6, p.w = 5, p.k = 4;  // 1x1, no padding
  auto x = random_vector(size_t(p.input_elems()), 7), w = random_vector(size_t(p.weight_elems()), 8),
       b = random_vector(size_t(p.k), 9);
  // Y[n][k][pixel] = b[k] + sum_c W[k][c] X[n][c][pixel]: K x C times C x (H*W) per image.
  const int64_t HW = p.h * p.w;
  std::vector<double> gemm(size_t(p.n * p.k * HW));
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t px = 0; px < HW; ++px) {
        double acc = b[size_t(k)];
        for (int64_t c = 0; c < p.c; ++c) acc += double(w[size_t(k * p.c + c)]) * x[size_t((n * p.c + c) * HW + px)];
        gemm[size_t((n * p.k + k) * HW + px)] = acc;
      }
  for (const char* method : {"direct", "im2col", "winograd"}) {
    INFO(method);
    auto y = run_method(*make_method({method}), p, x, w, b);
    CHECK(compare_to_reference(gemm, y.data()).max_rel <= 1e-5);
  }
}
