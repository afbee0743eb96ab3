// Direct convolution with a 1x1 kernel, plain C++: output positions in the vector lanes.
//
// At 1x1 the sliding window has one tap, and out[n][k][p] = bias[k] + sum_c w[k][c] * in[n][c][p] over the
// P = OH x OW positions of a plane: per image, the product W[K][C] * X[C][P] of convlab's own GEMM
// (gemm/blocked_gemm.h, whose register blocks write whole NCHW rows). SlidingWindowConv's kernel (output
// channels in the lanes) must instead transpose every result into NCHW and reads one cache line per channel
// for a single broadcast; it ran at 25-58% of peak on ResNet-50's 1x1 layers (reference run at 12be078,
// 2 threads). With stride > 1 or padding (ResNet-50's projection shortcuts) the positions the kernel reads
// are first gathered into a dense [N][C][P] workspace (gather_pointwise_plane), timed as the input
// transform.
#pragma once

#include <cstdint>

#include "../buffer.h"
#include "../method.h"
#include "../problem.h"
#include "../gemm/blocked_gemm.h"
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
  size_t workspace_bytes() const override { return gathered_.bytes() + gemm_.workspace_bytes(); }
  double actual_flops() const override;

 private:
  ConvProblem p_;
  int64_t positions_ = 0;   // P = OH x OW
  Buffer<float> gathered_;  // [N][C][P] unless p_.dense_pointwise()
  BlockedGemm gemm_;
};

}  // namespace convlab
