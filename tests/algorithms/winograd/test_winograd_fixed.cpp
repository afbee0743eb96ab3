// The compile-time transforms (winograd_fixed.h) are the generated ones: the tiles CNNs use run them, and
// they compute what the generic products compute.
#include <catch2/catch.hpp>

#include <cmath>
#include <utility>
#include <vector>

#include "random_fill.h"
#include "winograd/winograd_transform.h"

using namespace convlab;

TEST_CASE("F(2,3), F(4,3), F(6,3), F(2,5), F(4,5), F(2,7) use the compile-time transforms; others the generic ones",
          "[winograd]") {
  for (auto [m, r] : {std::pair{2, 3}, {4, 3}, {6, 3}, {2, 5}, {4, 5}, {2, 7}}) CHECK(WinogradTransform(m, m, r, r).fixed());
  CHECK_FALSE(WinogradTransform(4, 2, 3, 3).fixed());  // not square
  CHECK_FALSE(WinogradTransform(3, 3, 3, 3).fixed());
  CHECK_FALSE(WinogradTransform(6, 6, 1, 1).fixed());
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
  for (auto [m, r] : {std::pair{2, 3}, {4, 3}, {6, 3}, {2, 5}, {4, 5}, {2, 7}}) {
    INFO("F(" << m << "," << r << ")");
    const WinogradTransform t(m, m, r, r);
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
