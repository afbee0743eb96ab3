// Shared by every generator: the tensor layout and the scalar parameters a convolution layer needs.
// Halide orders dimensions innermost first, so PyTorch's NCHW is [x, y, c, n] here and KCRS is [s, r, c, k].
// Weights arrive in cross-correlation orientation (the host flips them for true convolution, as the plain
// methods do), and padding is applied by a zero boundary condition, so bottom/right padding follows from the
// output's extent.
#pragma once

#include "Halide.h"
#include "filter_block.h"

namespace convlab_halide {

using namespace Halide;

// Estimates for the autoschedulers: a ResNet-50 res2 3x3 layer, batch 1 (what the project measures most).
constexpr int kEstW = 56, kEstH = 56, kEstC = 64, kEstK = 64, kEstR = 3, kEstS = 3;

// The estimates of the layer-shaped pipelines (direct, im2col): every input and output around one
// ResNet-50 res2 3x3 layer.
template <typename Gen>
void set_layer_estimates(Gen& g) {
  g.input.set_estimates({{0, kEstW + 2}, {0, kEstH + 2}, {0, kEstC}, {0, 1}});
  g.weights.set_estimates({{0, kFilterBlock}, {0, kEstS}, {0, kEstR}, {0, kEstC}, {0, kEstK / kFilterBlock}});
  g.bias.set_estimates({{0, kEstK}});
  g.stride_x.set_estimate(1), g.stride_y.set_estimate(1), g.dil_x.set_estimate(1), g.dil_y.set_estimate(1);
  g.pad_left.set_estimate(1), g.pad_top.set_estimate(1);
  g.output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
}

// The micro-kernel of the filters-in-lanes schedules (direct, im2col), on the update stage of the sums
// (x, y, k) += weight(rd.x, rd.y, rd.z, k) * input: blocks of `cols` output columns x `vectors` (1 or 2)
// filter vectors of accumulators, which LLVM keeps in registers across a pass's reduction loops; each
// broadcast input value feeds `vectors` FMAs and each weight vector `cols`. The reduction (taps rd.x, rd.y,
// channels rd.z) runs in passes of `chunk` channels, each pass loading and storing its accumulators once.
// With one vector, the 16-filter block's other vector is a loop outside the pass.
inline void filters_in_lanes_product(Stage stage, const Var& x, const Var& y, const Var& k, const RDom& rd, int vec,
                                     int cols, int vectors, int chunk) {
  Var xb("xb"), xj("xj"), kv("kv"), kl("kl");
  RVar co("co"), ci("ci");
  stage.split(x, xb, xj, cols, TailStrategy::RoundUp)
      .split(k, kv, kl, vec)
      .split(rd.z, co, ci, chunk, TailStrategy::GuardWithIf)
      .vectorize(kl)
      .unroll(xj);
  if (vectors == 2) {
    stage.reorder(kl, kv, xj, rd.x, rd.y, ci, xb, y, co).unroll(kv);
  } else {
    stage.reorder(kl, xj, rd.x, rd.y, ci, kv, xb, y, co);
  }
}

// The position products of the tiled pipelines (Winograd, FFT), M(p, q, t, k, n) = Macc: per transform
// position (p, q), a sum over channels of U times V, with one tile index t. A parallel item is one position
// and 16-filter block (U's block, filter_block.h); per kTileBlock tiles, Macc holds 16 filters x those
// tiles, filter innermost (as M), and its update is the filters-in-lanes micro-kernel: `vectors` (1 or 2)
// filter vectors x `tiles` tiles of accumulators (a complex Macc has 2 per pair), the channel sum rc inside,
// so each broadcast V value feeds `vectors` FMAs (x 2 if complex) and each U vector `tiles`. M is internal:
// filter and tile blocks round up.
constexpr int kTileBlock = 48;
inline void tile_block_product(Func M, Func Macc, const Var& p, const Var& q, const Var& t, const Var& k, const Var& n,
                               const RDom& rc, int vec, int vectors, int tiles, LoopLevel at = LoopLevel::root()) {
  Var kb("kb"), kf("kf"), tb("tb"), ti("ti"), pq("pq"), item("item"), tc("tc"), tj("tj"), kv("kv"), kl("kl");
  M.reorder_storage(k, t, p, q, n)
      .compute_at(at)
      .split(k, kb, kf, kFilterBlock, TailStrategy::RoundUp)
      .split(t, tb, ti, kTileBlock, TailStrategy::GuardWithIf)
      .reorder(kf, ti, tb, kb, p, q, n)
      .fuse(p, q, pq)
      .fuse(kb, pq, item)
      .parallel(item)
      .vectorize(kf, vec);
  Macc.compute_at(M, tb).reorder_storage(k, t, p, q, n).reorder(k, t).vectorize(k, vec).unroll(k);
  Stage update = Macc.update();
  update.split(t, tc, tj, tiles, TailStrategy::RoundUp).split(k, kv, kl, vec).vectorize(kl).unroll(tj);
  if (vectors == 2) {
    update.reorder(kl, kv, tj, rc, tc).unroll(kv);
  } else {
    update.reorder(kl, tj, rc, kv, tc);
  }
}

}  // namespace convlab_halide
