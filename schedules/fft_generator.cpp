// Tiled FFT convolution as a Halide pipeline: small fixed-size 2-D DFTs of overlap-save tiles written as
// DFT-matrix products, per-bin complex products over channels, and the inverse. Complex values are
// Tuples (re, im). As FFTW's r2c/c2r, only T/2 + 1 bins are kept along x (the input is real): the inverse
// along x weights bin u by c_u (1 for u = 0 and u = T/2, 2 otherwise) and keeps the real part.
// The DFT matrices are inputs made on the host in double; the weights are transformed on the host by the
// plain method's FFTW code (conjugated for cross-correlation, scaled by 1 / T^2).
#include "common.h"

namespace {

using namespace Halide;

class FftConv : public Generator<FftConv> {
 public:
  Input<Buffer<float>> input{"input", 4};  // [x, y, c, n]
  Input<Buffer<float>> U{"U", 5};          // [re/im, u, v, c, k]: transformed weights
  Input<Buffer<float>> Fx{"Fx", 3};        // [i, u, re/im]: e^{-2 pi i u i / T}, u < T/2 + 1
  Input<Buffer<float>> Fy{"Fy", 3};        // [j, v, re/im]: e^{-2 pi i v j / T}
  Input<Buffer<float>> Iy{"Iy", 3};        // [v, j, re/im]: e^{+2 pi i v j / T}
  Input<Buffer<float>> Ix{"Ix", 3};        // [u, i, re/im]: c_u e^{+2 pi i u i / T}
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> out_w{"out_w", 1, 1, 4096}, out_h{"out_h", 1, 1, 4096};  // valid outputs per tile: T - kernel + 1
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    Expr T = Fy.dim(0).extent(), nu = Fx.dim(1).extent();
    Func in = BoundaryConditions::constant_exterior(input, 0.0f);
    Func d("d");
    d(i, j, tx, ty, c, n) = in(tx * out_w + i - pad_left, ty * out_h + j - pad_top, c, n);
    // Forward: along x (real -> half spectrum), then along y (complex).
    ri = RDom(0, T, "ri"), rj = RDom(0, T, "rj");
    X1(u, j, tx, ty, c, n) = Tuple(0.0f, 0.0f);
    X1(u, j, tx, ty, c, n) = Tuple(X1(u, j, tx, ty, c, n)[0] + d(ri, j, tx, ty, c, n) * Fx(ri, u, 0),
                                   X1(u, j, tx, ty, c, n)[1] + d(ri, j, tx, ty, c, n) * Fx(ri, u, 1));
    V(u, v, tx, ty, c, n) = Tuple(0.0f, 0.0f);
    {
      Tuple z = X1(u, rj, tx, ty, c, n);
      V(u, v, tx, ty, c, n) = Tuple(V(u, v, tx, ty, c, n)[0] + z[0] * Fy(rj, v, 0) - z[1] * Fy(rj, v, 1),
                                    V(u, v, tx, ty, c, n)[1] + z[0] * Fy(rj, v, 1) + z[1] * Fy(rj, v, 0));
    }
    // Per bin, the complex product over channels.
    rc = RDom(0, input.dim(2).extent(), "rc");
    Macc(u, v, tx, ty, k, n) = Tuple(0.0f, 0.0f);
    {
      Expr ur = U(0, u, v, rc, k), ui = U(1, u, v, rc, k);
      Tuple vv = V(u, v, tx, ty, rc, n);
      Macc(u, v, tx, ty, k, n) = Tuple(Macc(u, v, tx, ty, k, n)[0] + ur * vv[0] - ui * vv[1],
                                       Macc(u, v, tx, ty, k, n)[1] + ur * vv[1] + ui * vv[0]);
    }
    M(u, v, tx, ty, k, n) = Macc(u, v, tx, ty, k, n);
    // Inverse: along y (complex), then along x back to real.
    rv = RDom(0, T, "rv"), ru = RDom(0, nu, "ru");
    Z(u, j, tx, ty, k, n) = Tuple(0.0f, 0.0f);
    {
      Tuple m = M(u, rv, tx, ty, k, n);
      Z(u, j, tx, ty, k, n) = Tuple(Z(u, j, tx, ty, k, n)[0] + m[0] * Iy(rv, j, 0) - m[1] * Iy(rv, j, 1),
                                    Z(u, j, tx, ty, k, n)[1] + m[0] * Iy(rv, j, 1) + m[1] * Iy(rv, j, 0));
    }
    Y(i, j, tx, ty, k, n) = 0.0f;
    {
      Tuple z = Z(ru, j, tx, ty, k, n);
      Y(i, j, tx, ty, k, n) += z[0] * Ix(ru, i, 0) - z[1] * Ix(ru, i, 1);
    }
    // Stride > 1: the stride-1 result subsampled.
    Expr x1 = x * stride_x, y1 = y * stride_y;
    output(x, y, k, n) = bias(k) + Y(x1 % out_w, y1 % out_h, x1 / out_w, y1 / out_h, k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      set_estimates();
    } else {
      schedule_transform_then_bin_products();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, c{"c"}, u{"u"}, v{"v"}, i{"i"}, j{"j"}, tx{"tx"}, ty{"ty"};
  Func X1{"X1"}, V{"V"}, Macc{"Macc"}, M{"M"}, Z{"Z"}, Y{"Y"};
  RDom ri, rj, rc, rv, ru;  // forward DFT sums, channel sum, inverse DFT sums

  // Transforms per channel (parallel), vectorized across tiles (stored innermost); the bin products blocked
  // as a complex GEMM micro-kernel: 2 filters x 8 tiles x (re, im) accumulators, rounded up (the host pads
  // U to a multiple of 4 filters with zeros); inverse per filter (parallel).
  void schedule_transform_then_bin_products() {
    const int vec = natural_vector_size<float>();
    Var txo{"txo"}, txi{"txi"}, ko{"ko"}, ki{"ki"}, uv{"uv"};
    for (Func f : {X1, V, M, Z, Y}) f.reorder_storage(tx, f.args()[0], f.args()[1], ty, f.args()[4], n);
    V.compute_root().reorder(tx, u, v, ty, c, n).parallel(c).vectorize(tx, vec, TailStrategy::GuardWithIf);
    V.update().reorder(tx, u, v, rj, ty, c, n).vectorize(tx, vec, TailStrategy::GuardWithIf);
    X1.compute_at(V, ty).reorder(tx, u, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    X1.update().reorder(tx, u, ri, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    M.compute_root()
        .split(tx, txo, txi, vec, TailStrategy::RoundUp)
        .split(k, ko, ki, 2, TailStrategy::RoundUp)
        .reorder(txi, ki, txo, ko, ty, u, v, n)
        .fuse(u, v, uv)
        .parallel(uv)
        .vectorize(txi)
        .unroll(ki);
    Macc.compute_at(M, txo).vectorize(tx).unroll(k);
    Macc.update().reorder(tx, k, rc).vectorize(tx).unroll(k);
    Y.compute_root().reorder(tx, i, j, ty, k, n).parallel(k).vectorize(tx, vec, TailStrategy::GuardWithIf);
    Y.update().reorder(tx, i, j, ru, ty, k, n).vectorize(tx, vec, TailStrategy::GuardWithIf);
    Z.compute_at(Y, ty).reorder(tx, u, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    Z.update().reorder(tx, u, rv, j).vectorize(tx, vec, TailStrategy::GuardWithIf);
    output.reorder(x, y, k, n).parallel(k).vectorize(x, vec, TailStrategy::GuardWithIf);
  }

  void set_estimates() {
    using namespace convlab_halide;
    input.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstC}, {0, 1}});
    U.set_estimates({{0, 2}, {0, 9}, {0, 16}, {0, kEstC}, {0, kEstK}});
    Fx.set_estimates({{0, 16}, {0, 9}, {0, 2}});
    Fy.set_estimates({{0, 16}, {0, 16}, {0, 2}});
    Iy.set_estimates({{0, 16}, {0, 16}, {0, 2}});
    Ix.set_estimates({{0, 9}, {0, 16}, {0, 2}});
    bias.set_estimates({{0, kEstK}});
    out_w.set_estimate(14), out_h.set_estimate(14), stride_x.set_estimate(1), stride_y.set_estimate(1);
    pad_left.set_estimate(1), pad_top.set_estimate(1);
    output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(FftConv, fft_conv)
