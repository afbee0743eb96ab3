// The weight layout of the layer pipelines (direct, im2col), shared by the generators and the host that
// packs for them: weights come in blocks of kFilterBlock filters, filter innermost, [f, s, r, c, K / kFilterBlock]
// in Halide's innermost-first order (the host pads K with zero filters), like a GEMM's packed A panel.
// A pass over one block's taps then reads contiguous memory. With filters at a stride of K floats
// instead, a 512-filter layer's taps were 2 KB apart (two L1 sets for all of them), and the weight loads
// stalled the Halide im2col product for half its time.
#pragma once

#include <cstdint>

#include "../algorithms/vector_width.h"

namespace convlab_halide {

// Every generator's vectors: 16 floats where the build targets AVX-512, 8 (AVX2) otherwise, the plain
// methods' kernels. The generators and the host both read it from here, so the host's padding (whole
// filter blocks of two vectors, the fully connected pipeline's four) always matches the schedules'.
// Halide's own natural_vector_size could disagree with the host's build (an AVX-512 host, a build
// without -march=native): then the direct pipeline's filter blocks outgrew the host's padding and read
// the bias past a 16-filter layer's end.
// The schedules' register blocks mostly keep the shapes tuned on AVX2 (6 columns x 2 vectors: 12
// accumulators, of AVX-512's 32 registers; blocks whose columns are constant offsets are 14 wide). With 16
// lanes the Xeon ran Halide direct, im2col, Winograd and FFT in 0.58-0.74, 0.67-0.71, 0.81-0.84 and 0.89x
// the time of 8 lanes (paired, 2 threads).
constexpr int kVectorLanes = convlab::kVectorFloats;  // algorithms/vector_width.h

constexpr int kFilterBlock = 2 * kVectorLanes;

// The 1x1 builds with positions in the lanes (direct's and im2col's, common.h's
// positions_in_lanes_product): register blocks of kPointwiseFilters filters x 3 vectors of positions, and
// parallel items of kPointwiseColumns positions, the fewest a plane may have for the host to use it.
constexpr int kPointwiseFilters = convlab::kWideVectors ? 8 : 4;
constexpr int kPointwiseColumns = 3 * kVectorLanes;

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

// The tiles per block of the tiled pipelines' filters-in-lanes products (common.h's tile_block_product),
// and the fewest a band of the Winograd build without parallel bands has (winograd_bands.h).
constexpr int kTileBlock = 48;

// Output columns per register block of the filters-in-lanes products (common.h) on rows `width` wide: 7 on
// rows at most 8 wide (one filter vector); 14 with AVX-512 (28 accumulators) where the columns are constant
// offsets from one address (`constant_offsets`: im2col's lowered rows, direct at stride 1 and 2); otherwise
// (AVX2's 16 registers, or a runtime column stride, which gives each column an address register) 5 on rows
// of 9-15 (6 would round 13 and 14 up to 18) and 6 on wider ones.
constexpr int kNarrowRow = 8, kMidRow = 15;  // the widest rows of the narrow and the middle block widths
constexpr int64_t block_cols(int64_t width, bool constant_offsets) {
  return width <= kNarrowRow ? 7 : convlab::kWideVectors && constant_offsets ? 14 : width <= kMidRow ? 5 : 6;
}

// Rows at most kNarrowWidth wide (ResNet-50's 14x14 and 7x7 layers) take parallel items of kNarrowRows
// output rows in the direct and im2col schedules, so that each pass's weights serve more outputs and a 7x7
// image still makes several items; the host sizes im2col's lowered rows by them (halide_conv.cpp).
constexpr int kNarrowWidth = 14, kNarrowRows = 7;

// n rounded up to whole blocks of `block`.
constexpr int64_t round_up(int64_t n, int64_t block) { return (n + block - 1) / block * block; }

// Where value i (of n per filter) of filter k goes in the blocked layout [K / block][n][block].
constexpr int64_t blocked_index(int64_t k, int64_t i, int64_t n, int64_t block = kFilterBlock) {
  return ((k / block) * n + i) * block + k % block;
}

}  // namespace convlab_halide
