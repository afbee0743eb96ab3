// The register block of the plain direct kernels that put output positions in the vector lanes
// (PointwiseDirect, pointwise.h; FewChannelsDirect, few_channels.h): MR output channels x NV vectors of
// consecutive positions of one output row, summed over a list of input steps. Each step loads NV input
// vectors and broadcasts MR packed weights, and the results are whole NCHW rows, stored without a
// transpose. The vector is the widest the build targets: AVX2, MR = 4 x 3 vectors of 8 (12 accumulators,
// 3 inputs and 1 broadcast of 16 registers); AVX-512, MR = 8 x 3 vectors of 16 (24 of 32).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "../vector_width.h"

namespace convlab::positions_in_lanes {

// Positions per vector: one register of the widest vector the build targets (16 floats with AVX-512, 8 with
// AVX; two SSE registers per vector otherwise).
constexpr int kLanes = kVectorFloats;
// Output channels per register block.
constexpr int kMR = kWideVectors ? 8 : 4;
typedef float Vec __attribute__((vector_size(4 * kLanes)));
constexpr int kNV = 3;  // position vectors per register block

// Rows and columns of a plane may start anywhere: unaligned vector moves (one vmovups each).
typedef float UnalignedVec __attribute__((vector_size(4 * kLanes), aligned(4), may_alias));
inline Vec load(const float* p) { return *reinterpret_cast<const UnalignedVec*>(p); }
inline void store(float* p, const Vec& v) { *reinterpret_cast<UnalignedVec*>(p) = v; }

// Left alone, GCC folds each input load into every FMA that uses it (MR loads of one vector per step
// instead of one): 16 loads per 12 FMAs, load-bound. An empty asm that needs the vector in a register
// makes it load once.
inline void pin_in_register(Vec& v) {
#if defined(__x86_64__) && defined(__AVX__)
  asm("" : "+x"(v));
#else
  (void)v;
#endif
}

struct BlockArgs {
  const float* in;       // the block's first position in the first step's input
  int64_t in_stride;     // floats between steps (when `taps` is null)
  const int64_t* taps;   // per step: its input's offset from `in` (FewChannelsDirect's (c, r, s))
  const float* w;        // packed weights: [steps][kMR]
  int64_t steps;
  const float* init;     // the block's bias (MR floats), or nullptr: add to out (a later channel pass)
  float* out;            // first position of the block's first output channel
  int64_t out_stride;    // floats between output channels
};

// MR output channels x NV vectors of positions, summed over the steps. TAPS: step s reads in + taps[s]
// (else in + s * in_stride).
template <int MR, int NV, bool TAPS>
void block(const BlockArgs& a) {
  float* const out = a.out;
  const int64_t out_stride = a.out_stride, in_stride = a.in_stride, steps = a.steps;
  Vec acc[MR][NV];
  if (a.init) {
#pragma GCC unroll kMR
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[i][v] = Vec{} + a.init[i];
  } else {
#pragma GCC unroll kMR
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[i][v] = load(out + i * out_stride + kLanes * v);
  }
  const float* in = a.in;
  const float* w = a.w;
  // Two steps per trip, as SlidingWindowConv's channel loop (a step alone is 3 loads, MR broadcasts and 12
  // FMAs). Paired, 2 threads, 8 rounds, new / old time: ResNet-50 1x1 layers 0.84-0.96x (res2_1x1b
  // 0.90x, res4_1x1c 0.90x, res5_1x1c 0.84x, res3_1x1b 0.96x, res4_down 0.92x); VGG-16 conv1_1 0.92x.
#pragma GCC unroll 2
  for (int64_t s = 0; s < steps; ++s, in += in_stride, w += kMR) {
    const float* src = TAPS ? a.in + a.taps[s] : in;
    Vec x[NV];
    for (int v = 0; v < NV; ++v) {
      x[v] = load(src + kLanes * v);
      pin_in_register(x[v]);
    }
    for (int i = 0; i < MR; ++i) {
      const float wi = w[i];
      for (int v = 0; v < NV; ++v) acc[i][v] += x[v] * wi;
    }
  }
#pragma GCC unroll kMR
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) store(out + i * out_stride + kLanes * v, acc[i][v]);
}

using BlockFn = void (*)(const BlockArgs&);

template <int MR, bool TAPS, int... V>
constexpr std::array<BlockFn, sizeof...(V)> row_of(std::integer_sequence<int, V...>) {
  return {&block<MR, V + 1, TAPS>...};
}
template <bool TAPS, int... M>
constexpr std::array<std::array<BlockFn, kNV>, sizeof...(M)> table_of(std::integer_sequence<int, M...>) {
  return {row_of<M + 1, TAPS>(std::make_integer_sequence<int, kNV>{})...};
}

// The block of mr <= kMR output channels x nv <= kNV vectors.
template <bool TAPS>
BlockFn block_fn(int mr, int nv) {
  static constexpr auto table = table_of<TAPS>(std::make_integer_sequence<int, kMR>{});
  return table[size_t(mr - 1)][size_t(nv - 1)];
}

// The block of mr filters x nv vectors at a.out (filters a.out_stride apart), of whose positions only the
// first len are real: a partial last vector goes through a tile, so that only real positions are written
// (and read, when the block adds to out). The caller's arguments are used in place, not copied: passed by
// value, the struct was copied with 16-byte loads of fields the caller had just stored 8 bytes at a time,
// and each block waited on the failed store forwarding (perf: 23% of VGG-16 conv1_1's samples, on those
// loads). Paired, Zen3, new / old time, 6 rounds: conv1_1 0.83x (1 thread), 0.84x (2 threads); ResNet-50
// 1x1 layers 0.93x (res2_1x1a) and 0.97-0.99x (res3_1x1b, res3_down, res4_1x1c, res5_1x1c), 2 threads.
template <bool TAPS>
void run_block(BlockArgs& a, int mr, int nv, int64_t len) {
  if (len == int64_t(nv) * kLanes) return block_fn<TAPS>(mr, nv)(a);
  float* const out = a.out;
  const int64_t out_stride = a.out_stride;
  float tile[kMR][kNV * kLanes] = {};
  if (!a.init)
    for (int i = 0; i < mr; ++i) std::memcpy(tile[i], out + i * out_stride, size_t(len) * sizeof(float));
  a.out = tile[0];
  a.out_stride = kNV * kLanes;
  block_fn<TAPS>(mr, nv)(a);
  a.out = out;
  a.out_stride = out_stride;
  for (int i = 0; i < mr; ++i) std::memcpy(out + i * out_stride, tile[i], size_t(len) * sizeof(float));
}

// Register blocks of a row of V vectors: 3 vectors each, but 2 + 2 rather than 3 + 1 at the end (a
// one-vector block does 4 FMAs per 5 loads). 7x7 planes: 3 + 2 + 2 vectors, not 3 + 3 + 1.
inline int block_vectors(int64_t left) { return int(left == 4 ? 2 : left < kNV ? left : kNV); }

}  // namespace convlab::positions_in_lanes
