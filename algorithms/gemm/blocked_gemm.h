// convlab's own single-precision GEMM, Y[K][cols] = bias + W[K][D] * X[D][cols], all row-major: the product
// plain direct runs on a 1x1 layer's [C][OH*OW] planes (PointwiseDirect, direct/pointwise.h) and im2col's
// variant `convlab` runs on its lowered matrix (im2col/im2col_gemm.h), so that on a 1x1 layer the two methods
// differ by nothing and on larger kernels by the lowering alone. As in a BLAS micro-kernel (and oneDNN's 1x1
// kernels):
//   * a register block (direct/positions_block.h) is MR rows of W (output channels) x NV = 3 vectors of
//     consecutive columns of X (positions): each step down D loads 3 vectors of X and broadcasts MR packed
//     weights, and the results are whole rows of Y, stored as they are. The vector is the widest the build
//     targets: AVX2, MR = 4 x 3 vectors of 8 (12 accumulators of 16 registers); AVX-512, MR = 8 x 3 vectors
//     of 16 (24 of 32), which took 0.57-0.65x the time on ResNet-50's 1x1 layers on a Xeon (2 threads) where
//     oneDNN runs avx512_core kernels;
//   * W is packed pass-major, [passes][K/MR][chunk][MR] (zero past K): a pass's filter blocks are one
//     contiguous stream;
//   * D is summed in passes of at most 256 (a filter block's weights, 4 or 8 KB, stay in L1); a pass packs a
//     column of X, sized to L2, into per-block panels [chunk][lanes x NV] (zero past the column's end), then
//     runs every filter block of the work item over it, accumulating in Y itself (the first pass starts
//     from the bias). Reading X in place with a stride instead took 1.15x the time (geomean; same-run A/B,
//     ResNet-50's 15 1x1 layers, 1 thread). Filter blocks innermost over one register block's panel instead
//     (BLIS's order: that panel in L1, the weights from L2) moved ResNet-50's 1x1 layers by 0.89-1.20x,
//     nothing consistent (1 thread, 5 rounds);
//   * a column's vectors go 3 at a time but 2 + 2 rather than 3 + 1 at its end (7x7 planes: 3 + 2 + 2); a
//     block with a partial last vector writes through a small tile, so only real columns are stored;
//   * threads (OpenMP) split batch x columns x groups of filter blocks (more groups only when there are
//     fewer columns than threads, or they do not divide evenly).
#pragma once

#include <cstdint>

#include "../buffer.h"

namespace convlab {

class BlockedGemm {
 public:
  // K rows of W and Y, depth D, calls of at most `cols` columns on at most `threads` threads (or slots).
  void plan(int64_t k, int64_t d, int64_t cols, int threads);
  // w: [K][D] row-major; bias: K floats, or nullptr for none.
  void set_weights(const float* w, const float* bias);
  // Y = bias + W X for `batch` pairs (X's rows ldx apart, the next X xstride further; Y's likewise), on the
  // planned threads at most.
  void run(const float* x, int64_t ldx, int64_t xstride, float* y, int64_t ldy, int64_t ystride, int64_t batch,
           int64_t cols);
  // The same for one pair on the calling thread alone (inside the caller's own parallel region), with
  // workspace slot `slot` < the planned threads.
  void run_serial(const float* x, int64_t ldx, float* y, int64_t ldy, int64_t cols, int slot);
  size_t workspace_bytes() const { return packed_w_.bytes() + bias_.bytes() + panels_.bytes(); }
  // Columns computed for `cols` real ones (a partial last vector computes all its lanes).
  static int64_t computed_cols(int64_t cols);

 private:
  struct Columns {
    int64_t count, width;  // columns of X per call, each `width` wide (a whole number of vectors) but the last
  };
  Columns columns(int64_t cols) const;
  float* panel(int slot) { return panels_.data() + size_t(slot) * (panels_.size() / size_t(planned_threads_)); }
  // Y = bias + W X on columns [x0, x1) and filter blocks [kb0, kb1), with the panel at `panel`.
  void column(const float* x, int64_t ldx, float* y, int64_t ldy, int64_t x0, int64_t x1, int64_t kb0, int64_t kb1,
              float* panel) const;

  int64_t k_ = 0, d_ = 0;
  int64_t kblocks_ = 0;     // filter blocks of MR
  int64_t chunk_ = 1;       // depth per pass
  int64_t max_column_ = 0;  // the widest column of X whose pass fits the L2 budget
  int planned_threads_ = 1;
  Buffer<float> packed_w_;  // [passes][K/MR][chunk][MR]
  Buffer<float> bias_;      // [K/MR * MR], zeros without bias
  Buffer<float> panels_;    // per thread: one pass of one column, packed per register block [chunk][lanes x nv]
};

}  // namespace convlab
