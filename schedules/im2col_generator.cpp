// im2col + GEMM as a Halide pipeline: the lowered matrix is a stage of its own, materialized per image,
// then a tiled matrix product over (s, r, c) reads it with unit stride whatever the convolution's stride.
#include "common.h"

namespace {

using namespace Halide;

class Im2colConv : public Generator<Im2colConv> {
 public:
  Input<Buffer<float>> input{"input", 4};      // [x, y, c, n]
  Input<Buffer<float>> weights{"weights", 4};  // [s, r, c, k]
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> dil_x{"dil_x", 1, 1, 64}, dil_y{"dil_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    in = BoundaryConditions::constant_exterior(input, 0.0f);
    // The im2col matrix: row (s, r, c), column (x, y) of the output.
    col(x, y, s, r, c, n) = in(x * stride_x + s * dil_x - pad_left, y * stride_y + r * dil_y - pad_top, c, n);
    rd = RDom(0, weights.dim(0).extent(), 0, weights.dim(1).extent(), 0, weights.dim(2).extent(), "rd");
    gemm(x, y, k, n) = bias(k);
    gemm(x, y, k, n) += weights(rd.x, rd.y, rd.z, k) * col(x, y, rd.x, rd.y, rd.z, n);
    output(x, y, k, n) = gemm(x, y, k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      convlab_halide::set_layer_estimates(*this);
    } else {
      schedule_lowered_then_tiled_gemm();
    }
  }

 private:
  Var x{"x"}, y{"y"}, s{"s"}, r{"r"}, c{"c"}, k{"k"}, n{"n"};
  Func col{"col"}, gemm{"gemm"};
  RDom rd;
  Func in{"in"};  // the zero-padded input

  // The lowering is a real copy (that is the method: R*S times the input in memory), made per image and
  // in parallel over channels; the product is blocked like a GEMM micro-kernel: 4 filters x 2 vectors of
  // output columns in registers, the reduction (s, r, c) outside them. Outputs at least one block large
  // shift their last block inwards (full vectors everywhere); smaller ones are guarded.
  void schedule_lowered_then_tiled_gemm() {
    const int V = natural_vector_size<float>();
    Var xo{"xo"};
    col.compute_at(output, n).reorder(x, y, s, r, c).parallel(c).vectorize(x, V, TailStrategy::GuardWithIf);
    convlab_halide::block_layer_output(output, x, y, k, n, xo, V);
    gemm.compute_at(output, xo).vectorize(x, V).unroll(x).unroll(k);
    gemm.update().reorder(x, k, rd.x, rd.y, rd.z).vectorize(x, V).unroll(x).unroll(k);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(Im2colConv, im2col_conv)
