// The weight layout of the layer pipelines (direct, im2col), shared by the generators and the host that
// packs for them: weights come in blocks of kFilterBlock filters, filter innermost, [f, s, r, c, K / kFilterBlock]
// in Halide's innermost-first order (the host pads K with zero filters), like a GEMM's packed A panel.
// A pass over one block's taps then reads contiguous memory. With filters at a stride of K floats
// instead, a 512-filter layer's taps were 2 KB apart (two L1 sets for all of them), and the weight loads
// stalled the Halide im2col product for half its time.
#pragma once

#include <cstdint>

namespace convlab_halide {

constexpr int kFilterBlock = 16;

// Every generator's vectors are 8 floats (256 bits, AVX2), whatever the host: the blocks in this file and
// the host's padding are whole vectors of 8 (the fully connected pipeline's 4 x 8 filters too), as are the
// plain methods' AVX2 kernels. With Halide's natural vector on an AVX-512 host (16 floats), the direct
// pipeline's 2-vector filter blocks became 32 filters and read the bias past a 16-filter layer's end.
constexpr int kVectorLanes = 8;

// The fully connected pipeline's filter block (fc_generator.cpp): 4 vectors of filters accumulate while the
// features stream by; the host pads W and b with zero filters to whole blocks.
constexpr int kFcFilterBlock = 4 * kVectorLanes;

// The Winograd pipeline with tiles in lanes (winograd_generator.cpp's schedule_tiles_in_lanes) takes U in
// blocks of its register block's kLaneFilterBlock filters instead, position-major, [position][K / 6][c][6]:
// one block's weights at one position are contiguous over channels, and a parallel item's blocks follow
// each other. Filters are padded with zeros to whole groups of kLaneFilterGroup, its parallel items.
constexpr int kLaneFilterBlock = 6, kLaneFilterGroup = 48;
// Its tiles per block: the host runs it on images of at most one block, where U is read once.
constexpr int kLaneTileBlock = 16;

// n rounded up to whole blocks of `block`.
constexpr int64_t round_up(int64_t n, int64_t block) { return (n + block - 1) / block * block; }

// Where value i (of n per filter) of filter k goes in the blocked layout [K / block][n][block].
constexpr int64_t blocked_index(int64_t k, int64_t i, int64_t n, int64_t block = kFilterBlock) {
  return ((k / block) * n + i) * block + k % block;
}

}  // namespace convlab_halide
