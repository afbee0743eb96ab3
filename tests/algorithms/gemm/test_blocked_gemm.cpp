// convlab's own GEMM (plain direct's 1x1 product, im2col's variant convlab) against a float64 product written
// out here, on each edge of its blocking: K not a multiple of the filter block, depth of one step and of
// three passes, more columns than one column of X holds (the last shorter, ending in a partial vector), a
// batch, rows of X and Y wider than the product, no bias; threaded and serial. The convolution tests reach
// it only through shapes that happen to cross these edges.
#include <catch2/catch.hpp>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gemm/blocked_gemm.h"
#include "threads.h"
#include "tolerance.h"

using namespace convlab;

namespace {

struct Shape {
  int64_t k, d, cols, batch;
  bool bias;
};

}  // namespace

TEST_CASE("BlockedGemm: Y = bias + W X on every blocking edge, threaded and serial, nothing written past cols",
          "[gemm]") {
  // {10, 300, 667}: 2 passes of 150, 2 columns; {37, 513, 1500}: 3 passes of 171, 5 columns of 304 ending in
  // a partial vector, K % 4 = 1; {4, 1, 24}: one step, one whole block; {1, 7, 5}: one filter, part of a vector.
  const Shape shapes[] = {{10, 300, 667, 2, true}, {37, 513, 1500, 1, true}, {4, 1, 24, 1, false}, {1, 7, 5, 3, true}};
  const float sentinel = 1234.5f;
  const int before = omp_get_max_threads();
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const Shape& s : shapes) {
    const int64_t ldx = s.cols + 3, ldy = s.cols + 5;  // rows wider than the product
    const int64_t xstride = s.d * ldx, ystride = s.k * ldy;
    std::vector<float> w(size_t(s.k * s.d)), bias(size_t(s.k)), x(size_t(s.batch * xstride));
    for (float& v : w) v = dist(rng);
    for (float& v : bias) v = dist(rng);
    for (float& v : x) v = dist(rng);
    // The float64 product, and the tolerance of a sum of d fp32 products: a 1x1 layer's of d channels.
    std::vector<double> ref(size_t(s.batch * s.k * s.cols));
    double largest = 0;
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t k = 0; k < s.k; ++k)
        for (int64_t j = 0; j < s.cols; ++j) {
          double acc = s.bias ? bias[size_t(k)] : 0.0;
          for (int64_t c = 0; c < s.d; ++c) acc += double(w[size_t(k * s.d + c)]) * x[size_t(n * xstride + c * ldx + j)];
          ref[size_t((n * s.k + k) * s.cols + j)] = acc;
          largest = std::max(largest, std::fabs(acc));
        }
    ConvProblem sum;
    sum.c = s.d;
    const double tol = fp32_sum_tolerance(sum);
    auto check = [&](const std::vector<float>& y, int64_t batch) {
      double worst = 0;
      int64_t touched = 0;
      for (int64_t n = 0; n < batch; ++n)
        for (int64_t k = 0; k < s.k; ++k) {
          for (int64_t j = 0; j < s.cols; ++j)
            worst = std::max(worst, std::fabs(y[size_t(n * ystride + k * ldy + j)] - ref[size_t((n * s.k + k) * s.cols + j)]));
          for (int64_t j = s.cols; j < ldy; ++j) touched += y[size_t(n * ystride + k * ldy + j)] != sentinel;
        }
      CHECK(worst / largest <= tol);
      CHECK(touched == 0);
    };
    for (int threads : {1, 2, 3}) {
      INFO("K " << s.k << ", D " << s.d << ", cols " << s.cols << ", batch " << s.batch << ", " << threads << " threads");
      set_threads(threads);
      BlockedGemm g;
      g.plan(s.k, s.d, s.cols, threads);
      g.set_weights(w.data(), s.bias ? bias.data() : nullptr);
      std::vector<float> y(size_t(s.batch * ystride), sentinel);
      g.run(x.data(), ldx, xstride, y.data(), ldy, ystride, s.batch, s.cols);
      check(y, s.batch);
      // The serial call, on the last slot (another thread's workspace than the first), pair 0 only.
      std::vector<float> y1(size_t(ystride), sentinel);
      g.run_serial(x.data(), ldx, y1.data(), ldy, s.cols, threads - 1);
      check(y1, 1);
    }
  }
  set_threads(before);
}
