// The compile-time transforms (winograd_fixed.h) are the generated ones: the tiles CNNs use run them, and
// they compute what the generic products compute.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "random_fill.h"
#include "winograd/winograd_transform.h"

using namespace convlab;

TEST_CASE("F(2,3), F(4,3) and F(6,3) use the compile-time transforms; other tiles the generic ones", "[winograd]") {
  for (int m : {2, 4, 6}) CHECK(WinogradTransform(m, m, 3, 3).fixed());
  CHECK_FALSE(WinogradTransform(2, 2, 5, 5).fixed());
  CHECK_FALSE(WinogradTransform(4, 2, 3, 3).fixed());  // not square
  CHECK_FALSE(WinogradTransform(3, 3, 3, 3).fixed());
}

TEST_CASE("the compile-time transforms equal the generic products", "[winograd]") {
  constexpr int L = TileTransform::kLanes;
  for (int m : {2, 4, 6}) {
    INFO("F(" << m << ",3)");
    const WinogradTransform t(m, m, 3, 3);
    REQUIRE(t.fixed());
    const int a = t.in_h, P = t.positions;
    std::vector<float> d(size_t(a * a * L)), scratch(t.scratch_floats());
    random_fill(d.data(), d.size(), uint64_t(m));
    // The generic product, written out: V[i][j] = sum_{k,l} BT[i][k] d[k][l] BT[j][l], in double.
    std::vector<float> v(size_t(P * L));
    t.input(d.data(), v.data(), L, L, scratch.data());
    const std::vector<float>& bt = t.bt_rows();
    for (int i = 0; i < a; ++i)
      for (int j = 0; j < a; ++j)
        for (int lane = 0; lane < L; ++lane) {
          double s = 0;
          for (int k = 0; k < a; ++k)
            for (int l = 0; l < a; ++l) s += double(bt[size_t(i * a + k)]) * d[size_t((k * a + l) * L + lane)] * bt[size_t(j * a + l)];
          CHECK(std::abs(v[size_t((i * a + j) * L + lane)] - s) <= 1e-4 * (1 + std::abs(s)));
        }
    // Y[i][j] = sum_{k,l} AT[i][k] M[k][l] AT[j][l].
    std::vector<float> y(size_t(m * m * L));
    t.output(d.data(), L, y.data(), L, scratch.data());
    const std::vector<float>& at = t.at_rows();
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int lane = 0; lane < L; ++lane) {
          double s = 0;
          for (int k = 0; k < a; ++k)
            for (int l = 0; l < a; ++l) s += double(at[size_t(i * a + k)]) * d[size_t((k * a + l) * L + lane)] * at[size_t(j * a + l)];
          CHECK(std::abs(y[size_t((i * m + j) * L + lane)] - s) <= 1e-4 * (1 + std::abs(s)));
        }
  }
}
