// Tiled FFT convolution as a Halide pipeline: small fixed-size 2-D DFTs of overlap-save tiles written as
// DFT-matrix products, per-bin complex products over channels, and the inverse. Complex values are
// Tuples (re, im), and tiles are numbered row by row. As FFTW's r2c/c2r, only T/2 + 1 bins are kept
// along x (the input is real): the inverse along x weights bin u by c_u (1 for u = 0 and u = T/2, 2
// otherwise) and keeps the real part.
// The DFT matrices are inputs made on the host in double; the weights are transformed on the host by the
// plain method's FFTW code (conjugated for cross-correlation, scaled by 1 / T^2).
#include "common.h"

namespace {

using namespace Halide;

class FftConv : public Generator<FftConv> {
 public:
  Input<Buffer<float>> input{"input", 4};  // [x, y, c, n]
  Input<Buffer<float>> U{"U", 6};          // [f, re/im, c, u, v, kb]: weights of filter kb * kFilterBlock + f
  Input<Buffer<float>> Fx{"Fx", 3};        // [i, u, re/im]: e^{-2 pi i u i / T}, u < T/2 + 1
  Input<Buffer<float>> Fy{"Fy", 3};        // [j, v, re/im]: e^{-2 pi i v j / T}
  Input<Buffer<float>> Iy{"Iy", 3};        // [v, j, re/im]: e^{+2 pi i v j / T}
  Input<Buffer<float>> Ix{"Ix", 3};        // [u, i, re/im]: c_u e^{+2 pi i u i / T}
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> out_w{"out_w", 1, 1, 4096}, out_h{"out_h", 1, 1, 4096};  // valid outputs per tile: T - kernel + 1
  Input<int> tiles_x{"tiles_x", 1, 1, 1 << 20};                       // tiles per row of the tile grid
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    Expr T = Fy.dim(0).extent(), nu = Fx.dim(1).extent();
    // Bounded in all four dimensions, though only x and y have a border: bounds inference asks for
    // channels outside [0, C) (bounded in x and y only, the pipeline failed: "Input buffer input is
    // accessed at -2040, which is before the min (0) in dimension 2"), which read zeros here.
    Func in = BoundaryConditions::constant_exterior(input, 0.0f);
    // Tiles are numbered row by row, t = tx + tiles_x * ty: one tile index, so a block of the product's
    // tiles is full however few tiles a row of the image has (2 on a 28-wide layer with 16-point tiles).
    d(i, j, t, c, n) = in((t % tiles_x) * out_w + i - pad_left, (t / tiles_x) * out_h + j - pad_top, c, n);
    // Forward: along x (real -> half spectrum), then along y (complex).
    ri = RDom(0, T, "ri");
    convlab_halide::sum_over(X1, {u, j, t, c, n}, ri,
                             {d(ri, j, t, c, n) * Fx(ri, u, 0), d(ri, j, t, c, n) * Fx(ri, u, 1)});
    // Along y, one radix-2 step where T is even (Cooley-Tukey, decimation in time): the DFTs of the even
    // and of the odd rows, T/2 points each, then V[v] = EO[v mod T/2, even] + w^v EO[v mod T/2, odd]
    // (radix2_along_y).
    const Expr step = select(T % 2 == 0, 2, 1), H = T / step;
    rh = RDom(0, H, "rh");
    radix2_along_y(X1, Fy, EO, V, v, c, rh, T, step, H);
    // Per bin, the complex product over channels: M[u, v] = U[u, v] (K x C) times V[u, v] (C x tiles).
    // U comes in blocks of kFilterBlock filters, filter innermost (filter_block.h), re and im of a channel adjacent.
    U.dim(0).set_bounds(0, convlab_halide::kFilterBlock);
    auto w = [&](int part, Expr c_, Expr k_) {
      return U(k_ % convlab_halide::kFilterBlock, part, c_, u, v, k_ / convlab_halide::kFilterBlock);
    };
    rc = RDom(0, input.dim(2).extent(), "rc");
    Macc(u, v, t, k, n) = Tuple(0.0f, 0.0f);
    {
      Expr ur = w(0, rc, k), ui = w(1, rc, k);
      Tuple vv = V(u, v, t, rc, n);
      Macc(u, v, t, k, n) = Tuple(Macc(u, v, t, k, n)[0] + ur * vv[0] - ui * vv[1],
                                  Macc(u, v, t, k, n)[1] + ur * vv[1] + ui * vv[0]);
    }
    M(u, v, t, k, n) = Macc(u, v, t, k, n);
    // Inverse: along y (complex), then along x back to real.
    ru = RDom(0, nu, "ru");
    // Along y, the same radix-2 step over the bins v: Z[j] = AB[j mod T/2, even] + Iy(1, j) AB[j mod T/2, odd].
    rvh = RDom(0, H, "rvh");
    radix2_along_y(M, Iy, AB, Z, j, k, rvh, T, step, H);
    {
      Tuple z = Z(ru, j, t, k, n);
      convlab_halide::sum_over(Y, {i, j, t, k, n}, ru, {z[0] * Ix(ru, i, 0) - z[1] * Ix(ru, i, 1)});
    }
    // Stride > 1: the stride-1 result subsampled.
    Expr x1 = x * stride_x, y1 = y * stride_y;
    cols.define(x, x1, out_w, tiles_x);
    filters_first(k, x, y, n) = Y(cols.column(x), y1 % out_h, cols.tile_column(x) + tiles_x * (y1 / out_h), k, n);
    output(x, y, k, n) = bias(k) + filters_first(k, x, y, n);

    // THE SCHEDULE
    if (auto_schedule) {
      set_estimates();
    } else {
      schedule_transform_then_bin_products();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, c{"c"}, u{"u"}, v{"v"}, i{"i"}, j{"j"}, t{"t"}, par{"par"};
  Func d{"d"}, X1{"X1"}, EO{"EO"}, V{"V"}, Macc{"Macc"}, M{"M"}, AB{"AB"}, Z{"Z"}, Y{"Y"};
  Func filters_first{"filters_first"};  // the output before bias, [k, x, y, n] (common.h's per_band_output)
  convlab_halide::TileColumns cols;  // output column x's tile column and column in it
  RDom ri, rh, rc, rvh, ru;  // forward DFT sums, channel sum, inverse DFT sums

  // out(u, o, t, lane, n) = sum over s < T of in(u, s, t, lane, n) * mat(s, o) (complex), in one radix-2
  // step: halves(u, o, p, ..) sums the rows s = step * r + p (step 2: the even and the odd rows, T/2 each),
  // mat(2r, o) being the T/2-point DFT's coefficient, periodic in o with period H = T/2, and the odd half
  // takes the twiddle mat(1, o). Half the terms of the T-point sum. Odd T (step 1, H = T): the even half is
  // the whole sum, and the odd one, computed but unused, reads rows clamped to the tile.
  void radix2_along_y(Func in, Func mat, Func halves, Func out, const Var& o, const Var& lane, const RDom& r, Expr T,
                      Expr step, Expr H) {
    Tuple z = in(u, min(step * r + par, T - 1), t, lane, n);
    Expr mr = mat(step * r, o, 0), mi = mat(step * r, o, 1);
    convlab_halide::sum_over(halves, {u, o, par, t, lane, n}, r, {z[0] * mr - z[1] * mi, z[0] * mi + z[1] * mr});
    Expr oh = o % H, wr = mat(1, o, 0), wi = mat(1, o, 1);
    Tuple ev = halves(u, oh, 0, t, lane, n), od = halves(u, oh, 1, t, lane, n);
    out(u, o, t, lane, n) = Tuple(ev[0] + select(step == 2, wr * od[0] - wi * od[1], 0.0f),
                                  ev[1] + select(step == 2, wr * od[1] + wi * od[0], 0.0f));
  }

  // Channels in the vector lanes everywhere, so every vector is full however few tiles an image has (4
  // on a 56-wide layer with 32-point tiles, 1 on a 14-wide one): V and M are stored channel (filter)
  // innermost, [c, t, u, v]. Transforms: per tile and 8 channels (filters), a parallel item, each DFT pass
  // a register-blocked small matrix product: kRows outputs of the transformed index x (re, im) of
  // accumulators over the summed index, each coefficient a broadcast. Products: common.h's
  // tile_block_product in complex, per bin and filter block. The host pads U with zero filters to whole
  // blocks; V and M are internal, so channel and filter blocks round up (the padded input reads zeros).
  // On the specialized tile sizes (8, 16, 32) kRows blocks of the T-long indices are exact; other sizes
  // guard their last block (common.h's per_tile_size with a tail). All of it runs per
  // band of output rows (about kTileBlock tiles; Winograd's are sized to the cache, winograd_bands.h). Bands
  // in parallel as Winograd's can run (a band's phases on one thread, per_band_output's parallel_bands), of
  // one and two tile rows per thread, new / old time (paired, 2 threads, 4 pairs): 15x15 C16 tile32 0.91x,
  // 0.93x; 7x7 C32 tile16 0.82x, 1.08x; 11x11 C16 tile32 1.06x, 1.04x; 9x9 C32 tile32 1.21x, 1.16x; ResNet-50
  // res3 3x3 tile16 1.34x, 1.79x. FFT's large tiles leave few per image (3 x 3 on 9x9 C32 at tile32): too
  // few bands to share between the threads.
  static constexpr int kRows = 4;
  // The products' register block: filter vectors x tiles, 2 accumulators (re, im) each, plus a U vector
  // pair per filter vector and a broadcast pair. With AVX2's 16 registers, 1 x 6 (12 + 2 + 2) spilled: 148
  // instructions per 24 FMAs, 52 of them moves to and from the stack. 2 x 2 (8 + 4 + 2) fits, and each
  // broadcast feeds two vectors. Paired, 2 threads (Zen3), new / old time, 6 pairs: VGG-16 conv2_2 tile16
  // 0.80x, ResNet-50 res3_1x1a and res4_1x1a tile8 0.71x, 9x9 C32 tile32 0.84x (2 x 3, which spills again:
  // 0.85x, 0.97x, 0.92x, 0.78x). AVX-512 keeps 1 x 6, which its 32 registers hold (chosen on the Xeon; 2 x 2
  // not measured there).
  static constexpr int kProductVectors = convlab::kWideVectors ? 1 : 2, kProductTiles = convlab::kWideVectors ? 6 : 2;
  void schedule_transform_then_bin_products() {
    const int vec = convlab_halide::kVectorLanes;
    const TailStrategy up = TailStrategy::RoundUp;
    output.dim(2).set_min(0);  // blocks of kFilterBlock filters: dense vector loads from U
    Var item{"item"}, jo{"jo"}, ji{"ji"};
    // Bands of about kTileBlock tiles (whole tile rows at stride 1), at most the output's height.
    const Expr band = clamp(out_h * max(1, convlab_halide::kTileBlock / tiles_x) / stride_y, 1, output.dim(1).extent());
    const LoopLevel per_band = convlab_halide::per_band_output(output, x, y, k, n, band, vec, filters_first);
    d.reorder_storage(c, i, j, t, n);
    X1.reorder_storage(c, u, j, t, n);
    V.reorder_storage(c, t, u, v, n);
    Z.reorder_storage(k, u, j, t, n);
    Y.reorder_storage(k, i, j, t, n);
    // Each DFT pass sums over T (or T/2 + 1) points, a runtime value: the passes are specialized for the
    // tile8, tile16 and tile32 variants, where the sum's loop has a constant trip count and is unrolled;
    // other tiles ("whole") run the loop.
    std::vector<Expr> tile;
    for (int T_ : {8, 16, 32}) tile.push_back(Fy.dim(0).extent() == T_ && Fx.dim(1).extent() == T_ / 2 + 1);
    // A pass computed per band (Y along x; V along y was one before its radix-2 step): `lane` in vectors,
    // `rows` outputs `out` per block, a parallel item per tile and vector of lanes. The block's sums live in
    // Y (and lived in V), whose outputs lie a runtime stride apart, so LLVM keeps them in memory, a load and
    // a store per term (common.h's
    // tile_blocked_transform had the same, for Winograd). Its cure there, the sum innermost, loads each
    // input value once per output instead of once per block here: paired, 2 threads, new / old time, 12
    // pairs, 7x7 C32 tile16 0.89x, 5x5 C64 tile16 0.94x, ResNet-50 res3 3x3 tile16 1.00x, res2 tile8 0.99x;
    // 8 pairs, tile32 on 9x9 C32, 11x11 and 15x15 C16 0.92-1.10x. The sums in a per-item buffer of constant
    // strides instead (V.in(), Y.in()): 1.08-1.19x.
    auto band_pass = [&](Stage s, TailStrategy tail, const Var& lane, const Var& out, const RVar& r, const Var& other,
                         int rows) {
      Var lo{"lo"}, ll{"ll"}, oo{"oo"}, oi{"oi"};
      s.split(lane, lo, ll, vec, up)
          .split(out, oo, oi, rows, tail)
          .reorder(ll, oi, r, other, oo, t, lo, n)
          .fuse(t, lo, item)
          .parallel(item)
          .vectorize(ll)
          .unroll(oi);
    };
    // The radix-2 halves' sums (EO, AB) per item of their consumer: kRows outputs x (re, im) per block, the
    // sum over the half's rows inside. Made per item inside the tile-size specializations, their buffers
    // have constant extents and strides there, so the block's sums stay in registers (what the band passes
    // could not do). Paired, 2 threads (Zen3), new / old time, 5-8 pairs: 15x15 C16 tile32 0.60x, 11x11 C16
    // 0.72x, 9x9 C32 0.75x, 7x7 C32 tile16 0.76x; ResNet-50 res2 3x3 tile16 0.78x, VGG-16 conv2_2 0.88x;
    // 1x1 tile8 res2 0.89x, res4 0.99x.
    auto half_pass = [&](Stage s, TailStrategy tail, const Var& lane, const Var& out, const RVar& r) {
      Var oo{"oo"}, oi{"oi"};
      s.split(out, oo, oi, kRows, tail).reorder(lane, oi, r, u, par, oo).vectorize(lane, vec, up).unroll(oi);
    };
    // A pass computed per item of the other (X1 along x): kRows outputs j per block.
    auto item_pass = [&](Stage s, TailStrategy tail, const Var& lane, const RVar& r, const Var& other) {
      s.split(j, jo, ji, kRows, tail).reorder(lane, ji, r, other, jo).vectorize(lane, vec, up).unroll(ji);
    };
    // Forward: V[u, v] from EO's halves, EO[u, v, p] = sum_j X1[u, 2j + p] Fy[2j, v], X1[u, j] = sum_i d[i, j]
    // Fx[i, u].
    convlab_halide::lanes_per_tile(V, per_band, u, v, t, c, n, vec, 1);
    for (const Expr& size : tile) V.specialize(size);  // so that EO's buffer is inside (half_pass says why)
    EO.compute_at(V, item).reorder_storage(c, u, v, par, t, n);
    convlab_halide::per_tile_size(EO, tile, rh, [&](Stage s, TailStrategy tail) { half_pass(s, tail, c, v, rh); });
    d.compute_at(V, item).reorder(c, i, j).vectorize(c, vec, up);
    X1.compute_at(V, item);
    convlab_halide::per_tile_size(X1, tile, ri, [&](Stage s, TailStrategy tail) { item_pass(s, tail, c, ri, u); });
    // Products: kProductVectors filter vectors x kProductTiles tiles x (re, im) of accumulators.
    const Expr bins = U.dim(3).extent() * U.dim(4).extent();
    convlab_halide::tile_block_product(M, Macc, u, v, t, k, n, rc, vec, kProductVectors, kProductTiles,
                                       bins * U.dim(5).extent(),
                                       TailStrategy::GuardWithIf, per_band);
    // Inverse: Z[u, j] from AB's halves, AB[u, j, p] = sum_v M[u, 2v + p] Iy[2v, j], Y[i, j] = Re sum_u Z[u, j]
    // Ix[u, i].
    convlab_halide::lanes_per_tile(Y, per_band, i, j, t, k, n, vec, 1);
    convlab_halide::per_tile_size(Y, tile, ru, [&](Stage s, TailStrategy tail) { band_pass(s, tail, k, i, ru, j, 2 * kRows); });
    AB.compute_at(Y, item).reorder_storage(k, u, j, par, t, n);
    convlab_halide::per_tile_size(AB, tile, rvh, [&](Stage s, TailStrategy tail) { half_pass(s, tail, k, j, rvh); });
    Z.compute_at(Y, item).reorder(k, u, j).vectorize(k, vec, up);
    cols.schedule();
  }

  void set_estimates() {
    using namespace convlab_halide;
    input.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstC}, {0, 1}});
    U.set_estimates({{0, kFilterBlock}, {0, 2}, {0, kEstC}, {0, 9}, {0, 16}, {0, kEstK / kFilterBlock}});
    Fx.set_estimates({{0, 16}, {0, 9}, {0, 2}});
    Fy.set_estimates({{0, 16}, {0, 16}, {0, 2}});
    Iy.set_estimates({{0, 16}, {0, 16}, {0, 2}});
    Ix.set_estimates({{0, 9}, {0, 16}, {0, 2}});
    bias.set_estimates({{0, kEstK}});
    out_w.set_estimate(14), out_h.set_estimate(14), tiles_x.set_estimate(4);
    stride_x.set_estimate(1), stride_y.set_estimate(1);
    pad_left.set_estimate(1), pad_top.set_estimate(1);
    output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(FftConv, fft_conv)
