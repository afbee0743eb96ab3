// The tiled transform -> multiply -> inverse-transform driver shared by Winograd and FFT convolution
// (NNPACK's convolution-inference driver; Zlateski et al. ICS'19). For a problem it
//   1. input transform: cuts the zero-padded input into overlapping in_h x in_w tiles (overlap-save: tiles
//      step by out_h x out_w) and transforms each into V[position][channel][tile];
//   2. multiply: for every position, one matrix product over channels, M[p] = U[p] (K x C) * V[p] (C x tiles)
//      -- sgemm for Winograd (register-blocked with tiles in the lanes, lane_product.h, when there are few
//      tiles), cgemm for FFT; this is where the time should go;
//   3. output transform: inverse-transforms M[.][k][tile] into output tiles, adds bias, crops, and keeps
//      every sh-th row / sw-th column when stride > 1 (computed at stride 1: wasted work, counted).
// Weights are transformed once in set_weights() into U[position][K][C], or lane_product's filter blocks.
// Each phase is timed.
// Real transforms (Winograd) whose U stays cached run the same three phases fused per batch of tiles
// instead, so V and M never leave the cache (tile_block_pipeline.cpp); the others, and complex ones (FFT),
// run them one after the other over all tiles.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "../buffer.h"
#include "../method.h"
#include "tile_transform.h"

namespace convlab {

// Transforms every (filter, channel) kernel of `w` (KCRS; flipped for true convolution, dilated) with `t`:
// the values of (k, c) start at out + (k * C + c) * kc_stride, position p at + p * pos_stride.
void transform_weights(const ConvProblem& p, const TileTransform& t, const float* w, float* out, size_t kc_stride,
                       size_t pos_stride);

class TiledConv : public ConvMethod {
 public:
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override;
  double actual_flops() const override;
  PhaseTimes phases() const override { return phases_; }

 protected:
  // The transform for this problem (called by plan() on an applicable problem).
  virtual std::unique_ptr<TileTransform> make_transform(const ConvProblem& p) = 0;

 private:
  struct TileAt {
    int64_t n, ty, tx;  // image, tile row, tile column of tile index t
  };
  TileAt tile_at(int64_t t) const {
    const int64_t per_image = tiles_h_ * tiles_w_;
    return {t / per_image, t % per_image / tiles_w_, t % tiles_w_};
  }
  // The tiles of one batch, lanes [0, lanes) from tile t0, located once: a batch's gather, scatter and
  // prefetches run once per channel or filter, and tile_at's divisions per lane and call were 14% of
  // scatter_tiles' samples (perf, plain Winograd F(6,3) on ResNet-50 res2).
  struct TileBatch {
    int lanes = 0;
    TileAt at[TileTransform::kLanes];  // lane l: tile t0 + l
  };
  TileBatch tile_batch(int64_t t0, int lanes) const {
    TileBatch b;
    b.lanes = lanes;
    for (int l = 0; l < lanes; ++l) b.at[l] = tile_at(t0 + l);
    return b;
  }
  // The batch's lanes as runs of consecutive tiles in one tile row: fn(n, ty, tx, run).
  template <typename Fn>
  void for_each_tile_run(const TileBatch& b, Fn fn) const {
    for (int l = 0; l < b.lanes;) {
      const auto [n, ty, tx] = b.at[l];
      int run = 1;
      while (l + run < b.lanes && tx + run < tiles_w_) ++run;
      fn(n, ty, tx, run);
      l += run;
    }
  }
  void gather_tiles(const float* input, int64_t c, const TileBatch& batch, float* tiles) const;
  void prefetch_tiles(const float* input, int64_t c, const TileBatch& batch) const;
  void prefetch_output(float* output, int64_t k, const TileBatch& batch) const;
  void scatter_tiles(const float* tiles, int64_t k, const TileBatch& batch, float* output) const;
  // Real transforms (Winograd): one batch of tiles through all three phases per thread (tile_block_pipeline.cpp).
  void execute_fused(const float* input, float* output);
  size_t fused_floats_per_thread() const;
  void input_transform(const float* input);
  void multiply();
  void multiply_lanes();  // lanes_: lane_product over the blocked V and M
  void output_transform(float* output);

  ConvProblem p_;
  std::unique_ptr<TileTransform> t_;
  int64_t oh1_ = 0, ow1_ = 0;          // stride-1 output size over the padded input
  int64_t tiles_h_ = 0, tiles_w_ = 0;  // tiles per image
  int64_t tiles_ = 0;                  // N * tiles_h * tiles_w
  int vals_ = 1;                       // floats per value: 1 real, 2 complex
  bool fused_ = false;                 // real transforms: no V or M (execute_fused)
  bool lanes_ = false;                 // real, three-phase, few tiles: lane_product (multiply_lanes)
  int64_t tile_blocks_ = 0;            // batches of kLanes tiles, the last one padded
  // Where lane_product multiplies (fused_ or lanes_), U is stored per block of filters and position as
  // [C][count], read in order: fused, block-major ([block][P]: a batch sweeps a block's positions); lanes_,
  // position-major ([P][block]: a thread sweeps a position's blocks), with V and M as [P][tile block]
  // [C or K][kLanes]. Otherwise U is [P][K][C], V and M [P][C or K][tiles], for sgemm or cgemm.
  std::vector<std::pair<int64_t, int>> filter_blocks_;  // (first filter, count)
  // lanes_: floats from one tile block of V (rows = C) or M (rows = K) to the next, and from one
  // position to the next. Each is an odd number of cache lines, so the 16-64 position vectors of a tile
  // block, written or read together, spread over L1's sets; unpadded, C = 512 makes a block 16 KB, a
  // multiple of 4 KB, and they would all land in one set.
  static int64_t odd_lines(int64_t floats) {
    const int64_t lines = (floats + 15) / 16;
    return (lines | 1) * 16;
  }
  int64_t block_stride(int64_t rows) const { return odd_lines(rows * TileTransform::kLanes); }
  int64_t position_stride(int64_t rows) const { return odd_lines(tile_blocks_ * block_stride(rows)); }
  // Offset in U of the block of nk filters from k0, at position pos (fused_ or lanes_).
  int64_t u_block(int64_t k0, int nk, int64_t pos) const {
    const int64_t C = p_.c;
    return fused_ ? (k0 * t_->positions + pos * nk) * C : (pos * p_.k + k0) * C;
  }
  Buffer<float> U_, V_, M_, scratch_, bias_;
  size_t scratch_per_thread_ = 0;
  PhaseTimes phases_;
};

}  // namespace convlab
