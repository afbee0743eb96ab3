// Direct convolution with a 1x1 kernel, plain C++: output positions in the vector lanes.
//
// At 1x1 the sliding window has one tap, and out[n][k][p] = bias[k] + sum_c w[k][c] * in[n][c][p] over the
// P = OH x OW positions of a plane. SlidingWindowConv's kernel (output channels in the lanes) must then
// transpose every result into NCHW and reads one cache line per channel for a single broadcast; it ran at
// 31-58% of peak on ResNet-50's 1x1 layers. Here, as in a BLAS micro-kernel (and oneDNN's 1x1 kernels):
//   * a register block is MR = 4 output channels x NV = 3 vectors of 8 consecutive positions, 12
//     accumulators: each channel step loads 3 input vectors (unit stride within a plane) and broadcasts 4
//     packed weights, and the results are whole NCHW rows, stored without a transpose;
//   * weights are packed [K/MR][C][MR] (zero past K), so a block's weights are one contiguous stream;
//   * input channels are summed in passes of at most 256 (a block's weights, 4 KB, stay in L1); a pass
//     sweeps a column of blocks of the plane sized to L2 for each filter block in turn, accumulating in the
//     output itself (the first pass starts from the bias);
//   * the last P mod 8 positions of a plane go through a small zero-padded copy, so no load runs past a
//     plane and no position is computed twice;
//   * stride > 1 or padding (ResNet-50's projection shortcuts): the positions the kernel reads are first
//     gathered into a dense [N][C][P] workspace, timed as the input transform.
#pragma once

#include <cstdint>

#include "../buffer.h"
#include "../method.h"
#include "../problem.h"

namespace convlab {

class PointwiseDirect {
 public:
  static bool applies(const ConvProblem& p) { return p.r == 1 && p.s == 1; }
  void plan(const ConvProblem& p, int threads);
  void set_weights(const float* weights, const float* bias);
  // Returns the phase times of this call (input gather, multiply).
  PhaseTimes execute(const float* input, float* output);
  size_t workspace_bytes() const {
    return gathered_.bytes() + packed_w_.bytes() + bias_.bytes() + panels_.bytes();
  }
  double actual_flops() const;

 private:
  void gather(const float* input);

  ConvProblem p_;
  int64_t positions_ = 0;  // P = OH x OW
  bool dense_ = false;     // stride 1, no padding: the input planes are read in place
  int64_t kblocks_ = 0;    // filter blocks of MR
  int64_t chunk_ = 1;      // input channels per pass
  int64_t column_ = 0;     // positions per column of register blocks (a multiple of NV x 8)
  int64_t pblocks_ = 1;    // columns of blocks per plane
  int64_t groups_ = 1;     // filter-block groups per column (work items = N x pblocks x groups)
  int planned_threads_ = 1;
  Buffer<float> gathered_;  // [N][C][P] when !dense_
  Buffer<float> packed_w_;  // [K/MR][C][MR]
  Buffer<float> bias_;      // [K/MR * MR], zeros without bias
  Buffer<float> panels_;    // per thread: one pass of one column, packed [column / 24][chunk][24]
};

}  // namespace convlab
