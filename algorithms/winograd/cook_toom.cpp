#include "cook_toom.h"

#include <stdexcept>
#include <string>

namespace convlab {

std::vector<Rational> default_points(int count) {
  std::vector<Rational> p = {Rational(0)};
  for (int64_t k = 1; int(p.size()) < count; ++k) {
    for (Rational v : {Rational(k), Rational(-k)}) p.push_back(v);
    if (k >= 2)
      for (Rational v : {Rational(1, k), Rational(-1, k)}) p.push_back(v);
  }
  p.resize(size_t(count));
  return p;
}

namespace {

Rational power(Rational a, int e) {
  Rational x(1);
  for (int i = 0; i < e; ++i) x = x * a;
  return x;
}

// Inverse of an n x n rational matrix by Gauss-Jordan elimination (exact).
std::vector<Rational> inverse(std::vector<Rational> a, int n) {
  std::vector<Rational> inv(size_t(n * n));
  for (int i = 0; i < n; ++i) inv[size_t(i * n + i)] = Rational(1);
  for (int col = 0; col < n; ++col) {
    int piv = col;
    while (piv < n && a[size_t(piv * n + col)] == Rational(0)) ++piv;
    if (piv == n) throw std::invalid_argument("cook_toom: interpolation points are not distinct");
    if (piv != col)
      for (int j = 0; j < n; ++j) {
        std::swap(a[size_t(piv * n + j)], a[size_t(col * n + j)]);
        std::swap(inv[size_t(piv * n + j)], inv[size_t(col * n + j)]);
      }
    const Rational d = a[size_t(col * n + col)];
    for (int j = 0; j < n; ++j) {
      a[size_t(col * n + j)] = a[size_t(col * n + j)] / d;
      inv[size_t(col * n + j)] = inv[size_t(col * n + j)] / d;
    }
    for (int i = 0; i < n; ++i) {
      const Rational f = a[size_t(i * n + col)];
      if (i == col || f == Rational(0)) continue;
      for (int j = 0; j < n; ++j) {
        a[size_t(i * n + j)] = a[size_t(i * n + j)] - f * a[size_t(col * n + j)];
        inv[size_t(i * n + j)] = inv[size_t(i * n + j)] - f * inv[size_t(col * n + j)];
      }
    }
  }
  return inv;
}

int64_t gcd64(int64_t a, int64_t b) { return std::gcd(a < 0 ? -a : a, b < 0 ? -b : b); }

}  // namespace

WinogradMatrices cook_toom(int m, int r) { return cook_toom(m, r, default_points(m + r - 2)); }

WinogradMatrices cook_toom(int m, int r, const std::vector<Rational>& points) {
  if (m < 1 || r < 1) throw std::invalid_argument("cook_toom: m and r must be >= 1");
  WinogradMatrices w;
  w.m = m, w.r = r, w.alpha = m + r - 1;
  const int n = w.alpha;
  if (int(points.size()) != n - 1)
    throw std::invalid_argument("cook_toom: F(" + std::to_string(m) + "," + std::to_string(r) + ") needs " +
                                std::to_string(n - 1) + " finite points");
  w.points = points;
  // Evaluation at the finite points, and at infinity (picks the leading coefficient).
  auto eval = [&](int cols) {
    std::vector<Rational> e(size_t(n * cols));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < cols; ++j)
        e[size_t(i * cols + j)] = i < n - 1 ? power(points[size_t(i)], j) : Rational(j == cols - 1 ? 1 : 0);
    return e;
  };
  const std::vector<Rational> V = eval(n), H = eval(m);
  w.G = eval(r);
  const std::vector<Rational> C = inverse(V, n);  // interpolation
  w.BT.resize(size_t(n * n));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) w.BT[size_t(i * n + j)] = C[size_t(j * n + i)];
  w.AT.resize(size_t(m * n));
  for (int j = 0; j < m; ++j)
    for (int i = 0; i < n; ++i) w.AT[size_t(j * n + i)] = H[size_t(i * m + j)];
  // Scale row i of B^T to coprime integers (positive factor) and G's row i by the inverse: the product
  // (G g)_i (B^T d)_i is unchanged.
  for (int i = 0; i < n; ++i) {
    int64_t lcm_den = 1, gcd_num = 0;
    for (int j = 0; j < n; ++j) {
      const Rational& b = w.BT[size_t(i * n + j)];
      lcm_den = lcm_den / gcd64(lcm_den, b.den()) * b.den();
      gcd_num = gcd64(gcd_num, b.num());
    }
    if (gcd_num == 0) throw std::logic_error("cook_toom: zero row in B^T");
    const Rational s(lcm_den, gcd_num);
    for (int j = 0; j < n; ++j) w.BT[size_t(i * n + j)] = w.BT[size_t(i * n + j)] * s;
    for (int j = 0; j < r; ++j) w.G[size_t(i * r + j)] = w.G[size_t(i * r + j)] / s;
  }
  return w;
}

std::vector<double> to_double(const std::vector<Rational>& v) {
  std::vector<double> d(v.size());
  for (size_t i = 0; i < v.size(); ++i) d[i] = v[i].value();
  return d;
}

}  // namespace convlab
