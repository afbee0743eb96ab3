// The multiply phase's kernel for real transforms (Winograd), tiles in the vector lanes (NNPACK's tuple
// GEMM): for NK filters and NV vectors of kLanes tiles, at one transform position,
//   M[j][i][lane] = sum_c U[c][i] * V[j][c][lane]
// U holds the NK filters of a channel adjacent, channels ldu apart, and is read in order: each value is
// broadcast once and feeds NV FMAs; each V vector feeds NK. The NK x NV accumulators stay in registers
// (12 of the 16). U needs no packing per call, unlike a library GEMM's A operand: at one position of a
// late ResNet-50 layer (K = C = 256, 16 tiles) packing U cost more than the 16-column product itself.
#pragma once

#include <array>
#include <cstdint>
#include <utility>

#include "tile_transform.h"

namespace convlab {

// The lane product's register blocks: up to 12 filters for one tile vector, 6 for two.
constexpr int kLaneProductFilters[3] = {0, 12, 6};

template <int NK, int NV>
void lane_product(const float* U, int64_t ldu, const float* V, int64_t ldv, int64_t channels, float* M,
                  int64_t ldm) {
  constexpr int L = TileTransform::kLanes;
  typedef float Vec __attribute__((vector_size(4 * L)));
  Vec acc[NV][NK] = {};
  for (int64_t c = 0; c < channels; ++c) {
    Vec v[NV];
    for (int j = 0; j < NV; ++j) v[j] = *reinterpret_cast<const Vec*>(V + j * ldv + c * L);
    const float* u = U + c * ldu;
    for (int i = 0; i < NK; ++i)
      for (int j = 0; j < NV; ++j) acc[j][i] += u[i] * v[j];
  }
  for (int j = 0; j < NV; ++j)
    for (int i = 0; i < NK; ++i) *reinterpret_cast<Vec*>(M + j * ldm + i * L) = acc[j][i];
}

using LaneProductFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t);

namespace lane_product_detail {
template <int NV, int... I>
constexpr std::array<LaneProductFn, sizeof...(I)> table(std::integer_sequence<int, I...>) {
  return {&lane_product<I + 1, NV>...};
}
}  // namespace lane_product_detail

// The instantiation for nk filters (1..kLaneProductFilters[nv]) and nv tile vectors (1 or 2).
inline LaneProductFn lane_product_fn(int nk, int nv) {
  static constexpr auto one = lane_product_detail::table<1>(std::make_integer_sequence<int, kLaneProductFilters[1]>{});
  static constexpr auto two = lane_product_detail::table<2>(std::make_integer_sequence<int, kLaneProductFilters[2]>{});
  return nv == 1 ? one[size_t(nk - 1)] : two[size_t(nk - 1)];
}

}  // namespace convlab
