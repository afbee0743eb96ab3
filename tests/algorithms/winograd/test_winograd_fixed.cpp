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

namespace {

// result[i][j][lane] == sum_{k,l} T[i][k] d[k][l][lane] T[j][l] (T: rows x a), within float rounding.
void check_sandwich(const std::vector<float>& T, int rows, int a, const std::vector<float>& d, const float* result) {
  constexpr int L = TileTransform::kLanes;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < rows; ++j)
      for (int lane = 0; lane < L; ++lane) {
        double s = 0;
        for (int k = 0; k < a; ++k)
          for (int l = 0; l < a; ++l)
            s += double(T[size_t(i * a + k)]) * d[size_t((k * a + l) * L + lane)] * T[size_t(j * a + l)];
        CHECK(std::abs(result[(i * rows + j) * L + lane] - s) <= 1e-4 * (1 + std::abs(s)));
      }
}

}  // namespace

TEST_CASE("the compile-time transforms equal the generic products", "[winograd]") {
  constexpr int L = TileTransform::kLanes;
  for (int m : {2, 4, 6}) {
    INFO("F(" << m << ",3)");
    const WinogradTransform t(m, m, 3, 3);
    REQUIRE(t.fixed());
    const int a = t.in_h;
    std::vector<float> d(size_t(a * a * L)), scratch(t.scratch_floats());
    random_fill(d.data(), d.size(), uint64_t(m));
    std::vector<float> v(size_t(t.positions * L)), y(size_t(m * m * L));
    t.input(d.data(), v.data(), L, L, scratch.data());  // V = B^T d B
    check_sandwich(t.bt_rows(), a, a, d, v.data());
    t.output(d.data(), L, y.data(), L, scratch.data());  // Y = A^T d A
    check_sandwich(t.at_rows(), m, a, d, y.data());
  }
}
