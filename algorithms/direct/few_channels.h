// Direct convolution of layers with few input channels (C < 8: the RGB first layers), plain C++: output
// positions in the vector lanes.
//
// SlidingWindowConv's register blocks hold output channels in the lanes. At C = 3 and 3x3 a block sums only
// C x R x S = 27 steps before its results go through 8x8 register transposes into NCHW rows, which then
// cost about a third of the block's instructions: VGG-16 conv1_1 ran at 0.44x oneDNN. Here, as PointwiseDirect
// does at 1x1, the register block (positions_block.h) is MR output channels x NV vectors of consecutive
// positions of one output row, stored as they are:
//   * the input is copied once into zero-padded NCHW planes (with kNV vectors of slack at the end), so a step,
//     one tap (c, r, s), loads the row's input shifted by the tap: consecutive positions read consecutive
//     inputs wherever the column stride is 1 (the only condition; any row stride and dilation);
//   * weights are packed [K/MR][C][R][S][MR], zero past K: every step of a block in one pass, as C x R x S x
//     MR floats stay in L1 (7 x 11 x 11 x 4 floats with AVX2: 14 KB);
//   * a row's vectors go 3 at a time, 2 + 2 at its end rather than 3 + 1; a block with a partial last vector
//     writes through a small tile, so only real positions are stored;
//   * OpenMP splits batch x output rows; a row runs every filter block over its register blocks, so the
//     row's few input lines stay in L1.
#pragma once

#include <cstdint>
#include <vector>

#include "../buffer.h"
#include "../method.h"
#include "../problem.h"
#include "layer_kernel.h"

namespace convlab {

class FewChannelsDirect : public DirectLayerKernel {
 public:
  static bool applies(const ConvProblem& p) { return p.c < 8 && p.sw == 1; }
  void plan(const ConvProblem& p, int threads) override;
  void set_weights(const float* weights, const float* bias) override;
  // input_transform: the padded input.
  PhaseTimes execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return padded_.bytes() + packed_w_.bytes() + bias_.bytes(); }
  double actual_flops() const override;

 private:
  ConvProblem p_;
  int64_t hp_ = 0, wp_ = 0;     // padded plane
  int64_t kblocks_ = 0;         // filter blocks of MR
  std::vector<int64_t> taps_;   // per step (c, r, s): input offset from the block's first position
  Buffer<float> padded_;        // [N][C][HP][WP], then a vector's slack
  Buffer<float> packed_w_;      // [K/MR][C][R][S][MR]
  Buffer<float> bias_;          // [K/MR * MR], zeros without bias
};

}  // namespace convlab
