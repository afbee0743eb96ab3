// Sliding-window (direct) convolution, plain C++: no lowering, no transform.
//
// Zhang, Franchetti & Low (ICML 2018) and oneDNN's AVX2 direct kernels reach a large fraction of peak by
// putting output channels in the vector lanes and output columns in registers. Here:
//   * the input is copied once into a zero-padded workspace in blocks of 8 channels, [N][C/8][HP][WP][8]
//     (oneDNN's nChw8c; C itself when below 8), so no tap ever tests bounds, and a block of output positions
//     reads each tap's 8 channels from a few adjacent lines of one plane instead of one line in each of 8
//     planes: a pass reads chunk/8 x R rows at once, few enough streams for the hardware prefetcher (ResNet-50
//     res2-res4 and VGG-16 conv3_2 3x3 took 0.76-0.98x the time of the channel-plane layout, paired runs);
//   * weights are packed as [K/KBLK][C/8][R][S][8][KBLK] (KBLK = KV vectors of output channels adjacent,
//     zero-filled past K and C): one aligned vector load per tap, input channel and output-channel vector;
//   * the micro-kernel keeps KV vectors of output channels x NX output columns of accumulators in registers
//     and sweeps C x R x S: each input value is broadcast once and feeds KV FMAs, each weight vector feeds NX
//     FMAs. The vector is the widest the build targets: AVX2, 8 floats, 2 x 6 (1 x 12 when K <= 8); AVX-512,
//     16 floats in 32 registers, 2 x 14 (1 x 28 when K <= 16), which doubled VGG-16 conv2_2's speed on a
//     Xeon (105 to 259 GFLOP/s at 2 threads) where oneDNN runs avx512_core kernels;
//   * output rows are split into blocks of near-equal width (56 = 6 x 6 + 4 x 5), never padded to the register
//     block; narrow late layers split the whole plane instead, blocks wrapping rows through per-position
//     offsets (7x7 = 4 x 6 + 5 x 5), so they fill the registers as wide ones do;
//   * input channel blocks are summed in passes whose packed weights fit a budget (64 KB of L2 with
//     AVX2, half of a 1 MB L2 with AVX-512; L2 streams the weights); a pass sweeps every
//     block of a row (the span) before the next pass, with running sums in a per-thread buffer;
//   * software prefetch only of the rows the next output row adds, where a thread's share of the padded
//     input is beyond its L2 (VGG-16 conv1_2 to conv3_3, 2 threads, paired, 8 rounds, new / old time:
//     medians 0.86-0.98x in four runs; 1 thread, its best times equal: the prefetch shields the layers from
//     the machine's memory latency under load; conv4_2 1.00-1.05x). Prefetching each tap's next block line
//     made no difference with channel blocks (with channel planes: VGG-16 0.80-0.94x oneDNN's time
//     instead of 0.73-0.90x);
//   * OpenMP splits batch x output-channel blocks x spans; consecutive spans of one channel block share a
//     thread, so its packed weights stay in L2.
// 1x1 kernels go to PointwiseDirect (pointwise.h) instead, and layers of fewer than 8 input channels at
// unit column stride to FewChannelsDirect (few_channels.h): positions in the lanes, no transpose.
#pragma once

#include <memory>
#include <vector>

#include "../buffer.h"
#include "../method.h"
#include "layer_kernel.h"

namespace convlab {

class SlidingWindowConv : public ConvMethod {
 public:
  std::string method() const override { return "direct"; }
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override {
    return padded_.bytes() + packed_w_.bytes() + bias_.bytes() + partial_.bytes() +
           (layer_kernel_ ? layer_kernel_->workspace_bytes() : 0);
  }
  double actual_flops() const override;
  PhaseTimes phases() const override { return phases_; }

 private:
  void pad_input(const float* input);
  template <int KV>
  void compute(float* output);

  ConvProblem p_;
  // PointwiseDirect or FewChannelsDirect where it takes the layer (the members below are then unused),
  // else null.
  std::unique_ptr<DirectLayerKernel> layer_kernel_;
  int kv_ = 2;          // output-channel vectors per register block (KBLK = lanes * kv_)
  int64_t hp_ = 0;      // padded input height
  int64_t wp_ = 0;      // padded input width
  int64_t kblocks_ = 0;
  std::vector<int64_t> tap_off_;  // per (y, x) tap: offset into a padded plane from the block's first input
  struct Block {              // a register block of consecutive output positions
    int64_t pos = 0;          // first position in the output plane (oy * OW + ox)
    int nx = 0;               // positions
    int sw = 1;               // 1: unit stride; 0: stride p.sw; -1: wraps rows, offsets at cols_[cols]
    int64_t in_off = 0;       // first position's input offset in a padded plane
    size_t cols = 0;
  };
  std::vector<Block> blocks_;
  struct Span {                // blocks that share a thread's running sums: one output row, or the plane
    size_t first = 0, end = 0;
  };
  std::vector<Span> spans_;
  int64_t span_max_ = 0;       // positions in the widest span
  int cb_ = 8;                 // input channels per block of the padded input (8, or C when below)
  int64_t cblocks_ = 0;        // channel blocks
  int64_t chunk_ = 1;          // channel blocks per pass
  bool prefetch_rows_ = false; // compute() prefetches the input rows of the next (one-row) span; plan() says why
  bool span_major_ = false;    // work items ordered span-major (all weights fit in L2) or channel-block-major
  std::vector<int64_t> cols_;  // per-position input offsets of the wrapping blocks, from their in_off
  Buffer<float> padded_;          // [N][C/cb][HP][WP][cb]
  Buffer<float> packed_w_;        // [K/KBLK][C/cb][R][S][cb][KBLK]
  Buffer<float> bias_;            // [K/KBLK * KBLK]
  Buffer<float> partial_;         // per thread: running sums of one span, [span_max][KBLK]
  int planned_threads_ = 1;       // threads partial_ has room for
  PhaseTimes phases_;
};

}  // namespace convlab
