// Winograd F(m x m, r x s) convolution as a Halide pipeline: input transform, one product over channels
// per transform position, output transform. The transform matrices are inputs, generated on the host by
// the same Cook-Toom code as the plain method (algorithms/winograd/cook_toom.cpp), and so are the
// transformed weights U = G g G^T (made once per weight set): any F(m, r) runs through one pipeline.
#include "common.h"

namespace {

using namespace Halide;

class WinogradConv : public Generator<WinogradConv> {
 public:
  Input<Buffer<float>> input{"input", 4};  // [x, y, c, n]
  Input<Buffer<float>> U{"U", 5};          // [f, c, a, b, kb]: transformed weights of filter kb * 16 + f, a along x, b along y
  Input<Buffer<float>> BTw{"BTw", 2};      // B^T for columns, [col, row] (alpha_w x alpha_w)
  Input<Buffer<float>> BTh{"BTh", 2};      // B^T for rows
  Input<Buffer<float>> ATw{"ATw", 2};      // A^T for columns, [col, row] (alpha_w columns, m_w rows)
  Input<Buffer<float>> ATh{"ATh", 2};
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    Expr aw = BTw.dim(0).extent(), ah = BTh.dim(0).extent(), mw = ATw.dim(1).extent(), mh = ATh.dim(1).extent();
    in = BoundaryConditions::constant_exterior(input, 0.0f);
    // Tile (tx, ty) of alpha_w x alpha_w inputs starts at output (tx * m_w, ty * m_h): overlap-save.
    Func d("d");
    d(i, j, tx, ty, c, n) = in(tx * mw + i - pad_left, ty * mh + j - pad_top, c, n);
    // V = B_h^T d B_w, as two passes of small matrix products.
    ri = RDom(0, aw, "ri"), rj = RDom(0, ah, "rj");
    tmp(a, j, tx, ty, c, n) = 0.0f;
    tmp(a, j, tx, ty, c, n) += BTw(ri, a) * d(ri, j, tx, ty, c, n);
    V(a, b, tx, ty, c, n) = 0.0f;
    V(a, b, tx, ty, c, n) += BTh(rj, b) * tmp(a, rj, tx, ty, c, n);
    // M[a, b] = U[a, b] (K x C) times V[a, b] (C x tiles): where the time should go.
    // U comes in blocks of 16 filters, filter innermost (filter_block.h): a block's weights for one
    // position are contiguous over channels.
    U.dim(0).set_bounds(0, convlab_halide::kFilterBlock);
    auto u = [&](Expr a_, Expr b_, Expr c_, Expr k_) {
      return U(k_ % convlab_halide::kFilterBlock, c_, a_, b_, k_ / convlab_halide::kFilterBlock);
    };
    rc = RDom(0, input.dim(2).extent(), "rc");
    Macc(a, b, tx, ty, k, n) = 0.0f;
    Macc(a, b, tx, ty, k, n) += u(a, b, rc, k) * V(a, b, tx, ty, rc, n);
    M(a, b, tx, ty, k, n) = Macc(a, b, tx, ty, k, n);
    // Y = A_h^T M A_w, then bias; output pixel (x, y) is element (x mod m, y mod m) of tile (x / m, y / m).
    ra = RDom(0, aw, "ra"), rb = RDom(0, ah, "rb");
    o1(i, b, tx, ty, k, n) = 0.0f;
    o1(i, b, tx, ty, k, n) += ATw(ra, i) * M(ra, b, tx, ty, k, n);
    Y(i, j, tx, ty, k, n) = 0.0f;
    Y(i, j, tx, ty, k, n) += ATh(rb, j) * o1(i, rb, tx, ty, k, n);
    output(x, y, k, n) = bias(k) + Y(x % mw, y % mh, x / mw, y / mh, k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      set_estimates();
    } else {
      schedule_transform_then_tile_gemm();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, c{"c"}, a{"a"}, b{"b"}, i{"i"}, j{"j"}, tx{"tx"}, ty{"ty"};
  Func in{"in"};  // the zero-padded input
  Func tmp{"tmp"}, V{"V"}, Macc{"Macc"}, M{"M"}, o1{"o1"}, Y{"Y"};
  RDom ri, rj, rc, ra, rb;  // transform sums, channel sum, inverse-transform sums

  // Transforms: whole rows of tiles per channel, vectorized across tiles (tx, stored innermost), parallel
  // over channels (both stages: an update is scheduled on its own, and a serial one ran on one core). Products: the direct schedule's micro-kernel (direct_generator.cpp) with tiles for
  // output columns: per position and row of tiles, 16 filters in the vector lanes x 6 tiles of
  // accumulators, each broadcast V value feeding 2 FMAs and each U vector 6, the channel sum inside; a
  // parallel item is one position x one 16-filter block (the host pads U with zero filters to whole
  // blocks; M is internal, so blocks round up). Output transform: per filter, parallel; the final copy
  // vectorized along x.
  static constexpr int kTiles = 6;
  void schedule_transform_then_tile_gemm() {
    const int vec = natural_vector_size<float>();
    output.dim(2).set_min(0);  // filter blocks start at multiples of 16: dense vector loads from U's blocks
    Var kb{"kb"}, kf{"kf"}, kv{"kv"}, kl{"kl"}, txb{"txb"}, txj{"txj"}, ab{"ab"}, t{"t"};
    for (Func f : {tmp, V, M, o1, Y}) f.reorder_storage(tx, f.args()[0], f.args()[1], ty, f.args()[4], n);
    V.compute_root().reorder(tx, a, b, ty, c, n).parallel(c).vectorize(tx, vec, TailStrategy::GuardWithIf);
    // The input transform reads tiles m apart: a vector across tiles is a strided load. With m known
    // (the literature's tiles F(2), F(4), F(6)) it is dense loads and shuffles; from the padded channel
    // plane, made once per channel, it needs no bounds test per element.
    V.update().reorder(tx, a, b, rj, ty, c, n).parallel(c).vectorize(tx, vec, TailStrategy::GuardWithIf);
    in.compute_at(V, c).vectorize(in.args()[0], vec, TailStrategy::GuardWithIf);
    tmp.compute_at(V, ty).reorder(tx, a, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    tmp.update().reorder(tx, a, ri, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    for (int m : {2, 4, 6}) tmp.update().specialize(ATw.dim(1).extent() == m);  // after: a specialization copies the schedule
    M.compute_root()
        .split(k, kb, kf, 2 * vec, TailStrategy::RoundUp)
        .reorder(tx, kf, ty, kb, a, b, n)
        .fuse(a, b, ab)
        .fuse(kb, ab, t)
        .parallel(t)
        .vectorize(tx, vec, TailStrategy::GuardWithIf);
    Macc.compute_at(M, ty).reorder_storage(k, tx, a, b, ty, n).vectorize(k, vec).unroll(k);
    Macc.update()
        .split(tx, txb, txj, kTiles, TailStrategy::RoundUp)
        .split(k, kv, kl, vec)
        .reorder(kl, kv, txj, rc, txb)
        .vectorize(kl)
        .unroll(kv)
        .unroll(txj);
    Y.compute_root().reorder(tx, i, j, ty, k, n).parallel(k).vectorize(tx, vec, TailStrategy::GuardWithIf);
    Y.update().reorder(tx, i, j, rb, ty, k, n).parallel(k).vectorize(tx, vec, TailStrategy::GuardWithIf);
    o1.compute_at(Y, ty).reorder(tx, i, b).vectorize(tx, vec, TailStrategy::GuardWithIf);
    o1.update().reorder(tx, i, ra, b).vectorize(tx, vec, TailStrategy::GuardWithIf);
    output.reorder(x, y, k, n).parallel(k).vectorize(x, vec, TailStrategy::GuardWithIf);
  }

  void set_estimates() {
    using namespace convlab_halide;
    input.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstC}, {0, 1}});
    U.set_estimates({{0, kFilterBlock}, {0, kEstC}, {0, 6}, {0, 6}, {0, kEstK / kFilterBlock}});
    BTw.set_estimates({{0, 6}, {0, 6}});
    BTh.set_estimates({{0, 6}, {0, 6}});
    ATw.set_estimates({{0, 6}, {0, 4}});
    ATh.set_estimates({{0, 6}, {0, 4}});
    bias.set_estimates({{0, kEstK}});
    pad_left.set_estimate(1), pad_top.set_estimate(1);
    output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(WinogradConv, winograd_conv)
