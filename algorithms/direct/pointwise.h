// Direct convolution with a 1x1 kernel, plain C++: output positions in the vector lanes.
//
// At 1x1 the sliding window has one tap, and out[n][k][p] = bias[k] + sum_c w[k][c] * in[n][c][p] over the
// P = OH x OW positions of a plane. SlidingWindowConv's kernel (output channels in the lanes) must then
// transpose every result into NCHW and reads one cache line per channel for a single broadcast; it ran at
// 25-58% of peak on ResNet-50's 1x1 layers (reference run at 12be078, 2 threads). Here, as in a BLAS
// micro-kernel (and oneDNN's 1x1 kernels):
//   * a register block (positions_block.h, shared with FewChannelsDirect) is MR output channels x NV = 3
//     vectors of consecutive positions: each channel step loads 3 input vectors and broadcasts MR packed
//     weights, and the results are whole NCHW rows, stored without a transpose. The vector is the widest the
//     build targets: AVX2, MR = 4 x 3 vectors of 8 (12 accumulators of 16 registers); AVX-512, MR = 8 x 3
//     vectors of 16 (24 of 32), which took 0.57-0.65x the time on ResNet-50's 1x1 layers on a Xeon (2
//     threads) where oneDNN runs avx512_core kernels;
//   * weights are packed pass-major, [passes][K/MR][chunk][MR] (zero past K): a pass's filter blocks are
//     one contiguous stream;
//   * input channels are summed in passes of at most 256 (a block's weights, 4 or 8 KB, stay in L1); a pass
//     packs a column of the plane, sized to L2, into per-block panels [channel][lanes x NV] (zero past the
//     plane's end), then runs every filter block of the work item over it, accumulating in the output
//     itself (the first pass starts from the bias). Reading the planes in place with a stride instead took
//     1.15x the time (geomean; same-run A/B, ResNet-50's 15 1x1 layers, 1 thread);
//   * a column's vectors go 3 at a time but 2 + 2 rather than 3 + 1 at its end (7x7 planes: 3 + 2 + 2); a
//     block with a partial last vector writes through a small tile, so only real positions are stored;
//   * stride > 1 or padding (ResNet-50's projection shortcuts): the positions the kernel reads are first
//     gathered into a dense [N][C][P] workspace (gather_pointwise_plane), timed as the input transform;
//   * OpenMP splits batch x columns x groups of filter blocks (more groups only when there are fewer
//     columns than threads, or they do not divide evenly).
#pragma once

#include <cstdint>

#include "../buffer.h"
#include "../method.h"
#include "../problem.h"
#include "layer_kernel.h"

namespace convlab {

// A 1x1 layer with stride or padding is the dense layer (stride 1, unpadded: dense_pointwise()) on the
// positions its kernel reads, an OH x OW plane; oneDNN calls this reducing to unit stride. Dilation does
// not move a 1x1 kernel's one tap, so the dense layer has none.
ConvProblem unit_stride_pointwise(const ConvProblem& p);
// Plane nc (image nc / C, channel nc % C) of the input of unit_stride_pointwise(p): the positions the kernel
// reads, OH x OW, zeros where they fall in the padding. gathered is the whole [N][C][OH][OW] buffer. One
// plane per call, so that each thread pool (OpenMP here, Halide's in halide_conv.cpp) runs it on its own.
void gather_pointwise_plane(const ConvProblem& p, const float* input, float* gathered, int64_t nc);

class PointwiseDirect : public DirectLayerKernel {
 public:
  static bool applies(const ConvProblem& p) { return p.r == 1 && p.s == 1; }
  void plan(const ConvProblem& p, int threads) override;
  void set_weights(const float* weights, const float* bias) override;
  // input_transform: the input gather (stride or padding only).
  PhaseTimes execute(const float* input, float* output) override;
  size_t workspace_bytes() const override {
    return gathered_.bytes() + packed_w_.bytes() + bias_.bytes() + panels_.bytes();
  }
  double actual_flops() const override;

 private:
  ConvProblem p_;
  int64_t positions_ = 0;  // P = OH x OW
  int64_t kblocks_ = 0;    // filter blocks of MR
  int64_t chunk_ = 1;      // input channels per pass
  int64_t column_ = 0;     // positions per column of register blocks (a multiple of NV x lanes)
  int64_t pblocks_ = 1;    // columns of blocks per plane
  int64_t groups_ = 1;     // filter-block groups per column (work items = N x pblocks x groups)
  int planned_threads_ = 1;
  Buffer<float> gathered_;  // [N][C][P] unless p_.dense_pointwise()
  Buffer<float> packed_w_;  // [K/MR][C][MR]
  Buffer<float> bias_;      // [K/MR * MR], zeros without bias
  Buffer<float> panels_;    // per thread: one pass of one column, packed per register block [chunk][lanes x nv]
};

}  // namespace convlab
