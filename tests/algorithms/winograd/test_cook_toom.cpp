// The generated Winograd transforms: exactly right for every F(m, r) used, and equal to the textbook
// F(2,3) of Lavin & Gray (up to the sign freedom each position has).
#include <catch2/catch.hpp>

#include "winograd/cook_toom.h"

using namespace convlab;

TEST_CASE("Cook-Toom F(m, r) computes correlation exactly, in rationals", "[winograd]") {
  // y_j = sum_b g_b d_{j+b}  <=>  sum_i AT[j][i] G[i][b] BT[i][a] = [a == j + b] for all a, b, j.
  for (auto [m, r] : {std::pair{2, 3}, {4, 3}, {6, 3}, {2, 5}, {4, 5}, {2, 7}, {3, 2}, {6, 1}, {1, 4}}) {
    INFO("F(" << m << "," << r << ")");
    const WinogradMatrices w = cook_toom(m, r);
    REQUIRE(w.alpha == m + r - 1);
    for (int j = 0; j < m; ++j)
      for (int b = 0; b < r; ++b)
        for (int a = 0; a < w.alpha; ++a) {
          Rational s(0);
          for (int i = 0; i < w.alpha; ++i)
            s = s + w.AT[size_t(j * w.alpha + i)] * w.G[size_t(i * r + b)] * w.BT[size_t(i * w.alpha + a)];
          CHECK(s == Rational(a == j + b ? 1 : 0));
        }
  }
}

TEST_CASE("generated F(2,3) equals Lavin & Gray's matrices", "[winograd]") {
  // The paper's F(2x2, 3x3) (points 0, 1, -1, infinity).
  const int BT[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
  const Rational G[4][3] = {{1, 0, 0}, {Rational(1, 2), Rational(1, 2), Rational(1, 2)},
                            {Rational(1, 2), Rational(-1, 2), Rational(1, 2)}, {0, 0, 1}};
  const int AT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
  const WinogradMatrices w = cook_toom(2, 3);
  REQUIRE(w.points == std::vector<Rational>{0, 1, -1});
  // Each position i may carry signs s_B, s_G, s_A with s_B s_G s_A = 1 (the product is unchanged).
  for (int i = 0; i < 4; ++i) {
    auto sign_of = [](const std::vector<Rational>& got, int off, int step, int n, auto ref) -> int {
      int s = 0;
      for (int j = 0; j < n; ++j) {
        Rational g = got[size_t(off + j * step)], e = ref(j);
        if (e == Rational(0)) {
          REQUIRE(g == Rational(0));
          continue;
        }
        const int here = (g == e) ? 1 : (g == -e ? -1 : 0);
        REQUIRE(here != 0);
        if (s == 0) s = here;
        REQUIRE(here == s);
      }
      return s;
    };
    const int s_b = sign_of(w.BT, i * 4, 1, 4, [&](int j) { return Rational(BT[i][j]); });
    const int s_g = sign_of(w.G, i * 3, 1, 3, [&](int j) { return G[i][j]; });
    const int s_a = sign_of(w.AT, i, 4, 2, [&](int j) { return Rational(AT[j][i]); });
    INFO("position " << i);
    CHECK(s_b * s_g * s_a == 1);
  }
}

TEST_CASE("default interpolation points are Lavin's well-conditioned ones", "[winograd]") {
  CHECK(default_points(7) ==
        std::vector<Rational>{0, 1, -1, 2, -2, Rational(1, 2), Rational(-1, 2)});
  CHECK_THROWS(cook_toom(2, 3, {0, 1, 1}));  // repeated point: no interpolation
}
