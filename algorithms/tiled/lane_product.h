// The multiply phase's kernel for real transforms (Winograd), tiles in the vector lanes (NNPACK's tuple
// GEMM): for NK filters and NV vectors of kLanes tiles, at one transform position,
//   M[j][i][lane] = sum_c U[c][i] * V[j][c][lane]            (+ M[j][i][lane] when `add`)
// U holds the NK filters of a channel adjacent, channels ldu apart, and is read in order: each value is
// broadcast once and feeds NV FMAs; each V vector feeds NK. The NK x NV accumulators stay in registers
// (12 of AVX2's 16, 24 of AVX-512's 32). U needs no packing per call, unlike a library GEMM's A operand:
// at one position of a late ResNet-50 layer (K = C = 256, 16 tiles) packing U cost more than the 16-column
// product itself.
#pragma once

#include <array>
#include <cstdint>
#include <utility>

#include "../unroll.h"
#include "../vector_width.h"
#include "tile_transform.h"

namespace convlab {

// The lane product's register blocks: up to 12 filters for one tile vector and 6 for two with AVX2 (of 16
// registers); 24 and 12 with AVX-512 (of 32), whose vectors hold 16 tiles.
constexpr int kLaneProductFilters[3] = {0, kWideVectors ? 24 : 12, kWideVectors ? 12 : 6};

// STREAM: U comes from memory, read once per call (the three-phase path: 9-38 MB of U on VGG-16 conv5 and
// ResNet-50 res4-res5), so each channel step prefetches 4 KB ahead of it; the hardware prefetcher alone
// left VGG-16 conv5_1 F(4,3) at 11 GB/s of U, and prefetching made it 0.85x the time (paired, 2 threads).
// Not where U is cached (the fused path): there the extra load-port operation cost VGG-16 conv1_2 1.15x.
template <int NK, int NV, bool STREAM>
void lane_product(const float* U, int64_t ldu, const float* V, int64_t ldv, int64_t channels, float* M,
                  int64_t ldm, bool add) {
  constexpr int L = TileTransform::kLanes;
  typedef float Vec __attribute__((vector_size(4 * L)));
  // Every loop over NK or NV unrolled whole (unroll.h): GCC's own limit left 22 accumulators of AVX-512
  // on the stack (a load and a store per FMA), which made the first 16-lane product slower than 8 lanes.
  Vec acc[NV][NK];
  CONVLAB_UNROLL
  for (int j = 0; j < NV; ++j)
    CONVLAB_UNROLL
    for (int i = 0; i < NK; ++i) acc[j][i] = Vec{};
  auto step = [&](int64_t c) {
    Vec v[NV];
    CONVLAB_UNROLL
    for (int j = 0; j < NV; ++j) v[j] = *reinterpret_cast<const Vec*>(V + j * ldv + c * L);
    const float* u = U + c * ldu;
    if (STREAM) __builtin_prefetch(u + 1024);
    CONVLAB_UNROLL
    for (int i = 0; i < NK; ++i)
      CONVLAB_UNROLL
      for (int j = 0; j < NV; ++j) acc[j][i] += u[i] * v[j];
  };
  // Streaming, two channels per trip (a channel alone is NV loads, NK broadcasts and 12 FMAs). Paired, 2
  // threads, 8 rounds, new / old time: ResNet-50 res4 3x3 F(4,3) 0.85x; VGG-16 conv4_2 F(6,3) 0.86x,
  // conv5_1 F(4,3) 0.81x; AlexNet conv4 F(4,3) 0.90x. The fused path's calls (U cached) took 1.09x and
  // 1.01x on res2 and conv2_2 F(6,3) unrolled, so they keep the loop.
  if (STREAM) {
#pragma GCC unroll 2
    for (int64_t c = 0; c < channels; ++c) step(c);
  } else {
    for (int64_t c = 0; c < channels; ++c) step(c);
  }
  CONVLAB_UNROLL
  for (int j = 0; j < NV; ++j)
    CONVLAB_UNROLL
    for (int i = 0; i < NK; ++i) {
      Vec* m = reinterpret_cast<Vec*>(M + j * ldm + i * L);
      *m = add ? *m + acc[j][i] : acc[j][i];  // add: a later block of channels, summed on its own
    }
}

using LaneProductFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t, bool);

namespace lane_product_detail {
template <int NV, bool STREAM, int... I>
constexpr std::array<LaneProductFn, sizeof...(I)> table(std::integer_sequence<int, I...>) {
  return {&lane_product<I + 1, NV, STREAM>...};
}
template <int NV, bool STREAM>
constexpr auto kTable = table<NV, STREAM>(std::make_integer_sequence<int, kLaneProductFilters[NV]>{});
}  // namespace lane_product_detail

// The instantiation for nk filters (1..kLaneProductFilters[nv]), nv tile vectors (1 or 2) and U streamed
// from memory or not.
inline LaneProductFn lane_product_fn(int nk, int nv, bool stream) {
  using namespace lane_product_detail;
  const size_t i = size_t(nk - 1);
  if (nv == 1) return stream ? kTable<1, true>[i] : kTable<1, false>[i];
  return stream ? kTable<2, true>[i] : kTable<2, false>[i];
}

}  // namespace convlab
