// The transforms of F(2,3), F(4,3) and F(6,3) -- the tiles CNNs use -- and of F(2,5), F(4,5), F(2,7), with
// their matrices known at compile time, so that zero coefficients cost nothing and 1 / -1 cost an add: B^T
// of F(6,3) has 44 non-zeros of 64, A^T 38 of 48. The generic transform (winograd_transform.cpp) reads every coefficient from memory and
// multiplies by it, zeros included. The tables are cook_toom()'s output for its default points, copied;
// WinogradTransform uses them only where its own generated matrices equal them (and a test checks that they
// do for these six), so the two cannot drift apart silently.
#pragma once

#include <cstddef>

#include "../tiled/tile_transform.h"

namespace convlab::winograd_fixed {

// clang-format off
inline constexpr float kBT4[16] = {1, 0, -1, 0,  0, 1, 1, 0,  0, -1, 1, 0,  0, -1, 0, 1};
inline constexpr float kAT2x4[8] = {1, 1, 1, 0,  0, 1, -1, 1};
inline constexpr float kBT6[36] = {4, 0, -5, 0, 1, 0,   0, 4, 4, -1, -1, 0,   0, -4, 4, 1, -1, 0,
                                   0, -2, -1, 2, 1, 0,  0, 2, -1, -2, 1, 0,   0, 4, 0, -5, 0, 1};
inline constexpr float kAT4x6[24] = {1, 1, 1, 1, 1, 0,  0, 1, -1, 2, -2, 0,  0, 1, 1, 4, 4, 0,  0, 1, -1, 8, -8, 1};
inline constexpr float kBT8[64] = {4, 0, -21, 0, 21, 0, -4, 0,      0, -4, -4, 17, 17, -4, -4, 0,
                                   0, 4, -4, -17, 17, 4, -4, 0,     0, 2, 1, -10, -5, 8, 4, 0,
                                   0, -2, 1, 10, -5, -8, 4, 0,      0, 4, 8, -5, -10, 1, 2, 0,
                                   0, -4, 8, 5, -10, -1, 2, 0,      0, -4, 0, 21, 0, -21, 0, 4};
inline constexpr float kAT6x8[48] = {1, 1, 1, 1, 1, 1, 1, 0,
                                   0, 1, -1, 2, -2, 0.5f, -0.5f, 0,
                                   0, 1, 1, 4, 4, 0.25f, 0.25f, 0,
                                   0, 1, -1, 8, -8, 0.125f, -0.125f, 0,
                                   0, 1, 1, 16, 16, 0.0625f, 0.0625f, 0,
                                   0, 1, -1, 32, -32, 0.03125f, -0.03125f, 1};
// Larger kernels on the same tiles: F(2,5), F(4,5), F(2,7) share B^T with F(4,3) and F(6,3).
inline constexpr float kAT2x6[12] = {1, 1, 1, 1, 1, 0,  0, 1, -1, 2, -2, 1};
inline constexpr float kAT4x8[32] = {1, 1, 1, 1, 1, 1, 1, 0,
                                     0, 1, -1, 2, -2, 0.5f, -0.5f, 0,
                                     0, 1, 1, 4, 4, 0.25f, 0.25f, 0,
                                     0, 1, -1, 8, -8, 0.125f, -0.125f, 1};
inline constexpr float kAT2x8[16] = {1, 1, 1, 1, 1, 1, 1, 0,  0, 1, -1, 2, -2, 0.5f, -0.5f, 1};
// clang-format on

typedef float Lanes __attribute__((vector_size(4 * TileTransform::kLanes), aligned(4)));

// out[i][*] = sum_l M[i][l] * in[l][*] for ROWS x INNER constant M, rows of kLanes floats. Fully unrolled,
// so every coefficient is a constant: zero terms vanish, 1 / -1 become adds and subtracts.
template <int ROWS, int INNER, const float* M>
inline void matmul(const float* in, size_t in_row, float* out, size_t out_row) {
#pragma GCC unroll 8
  for (int i = 0; i < ROWS; ++i) {
    Lanes acc = {};
    bool first = true;  // the first term sets acc (no add to zero); folded away once unrolled
#pragma GCC unroll 8
    for (int l = 0; l < INNER; ++l) {
      const float m = M[i * INNER + l];
      if (m == 0.0f) continue;
      const Lanes src = *reinterpret_cast<const Lanes*>(in + size_t(l) * in_row);
      const Lanes term = m == 1.0f ? src : m == -1.0f ? -src : m * src;
      acc = first ? term : m == -1.0f ? acc - src : acc + term;
      first = false;
    }
    *reinterpret_cast<Lanes*>(out + size_t(i) * out_row) = acc;
  }
}

// V = B^T d B for an A x A tile (d[e * kLanes + lane]), position p at out[p * stride].
template <int A, const float* BT>
void input(const float* d, float* out, size_t stride, float* tmp) {
  constexpr int L = TileTransform::kLanes;
  for (int j = 0; j < A; ++j) matmul<A, A, BT>(d + j * L, size_t(A) * L, tmp + j * L, size_t(A) * L);
  for (int i = 0; i < A; ++i) matmul<A, A, BT>(tmp + size_t(i) * A * L, L, out + size_t(i * A) * stride, stride);
}

// Y = A^T M A for an A x A tile of products (position p at in[p * stride]) into an m x m output tile.
template <int m, int A, const float* AT>
void output(const float* in, size_t stride, float* y, float* tmp) {
  constexpr int L = TileTransform::kLanes;
  for (int j = 0; j < A; ++j) matmul<m, A, AT>(in + size_t(j) * stride, size_t(A) * stride, tmp + j * L, size_t(A) * L);
  for (int i = 0; i < m; ++i) matmul<m, A, AT>(tmp + size_t(i) * A * L, L, y + size_t(i * m) * L, L);
}

// The six tiles: F(m, r) with its tables and transforms. One list for the plain transform and the Halide
// generator's constant-matrix builds.
struct Tile {
  int m, r, alpha;
  const float* bt;  // alpha x alpha, row-major
  const float* at;  // m x alpha
  void (*input)(const float* d, float* out, size_t stride, float* tmp);
  void (*output)(const float* in, size_t stride, float* y, float* tmp);
};
inline constexpr Tile kTiles[] = {
    {2, 3, 4, kBT4, kAT2x4, &input<4, kBT4>, &output<2, 4, kAT2x4>},
    {4, 3, 6, kBT6, kAT4x6, &input<6, kBT6>, &output<4, 6, kAT4x6>},
    {6, 3, 8, kBT8, kAT6x8, &input<8, kBT8>, &output<6, 8, kAT6x8>},
    {2, 5, 6, kBT6, kAT2x6, &input<6, kBT6>, &output<2, 6, kAT2x6>},
    {4, 5, 8, kBT8, kAT4x8, &input<8, kBT8>, &output<4, 8, kAT4x8>},
    {2, 7, 8, kBT8, kAT2x8, &input<8, kBT8>, &output<2, 8, kAT2x8>},
};

// F(m, r)'s entry, or nullptr when it has no fixed transforms.
inline const Tile* tile(int m, int r) {
  for (const Tile& t : kTiles)
    if (t.m == m && t.r == r) return &t;
  return nullptr;
}

}  // namespace convlab::winograd_fixed
