// Sliding-window (direct) convolution as a Halide pipeline.
#include "common.h"

namespace {

using namespace Halide;

class DirectConv : public Generator<DirectConv> {
 public:
  Input<Buffer<float>> input{"input", 4};      // [x, y, c, n]
  Input<Buffer<float>> weights{"weights", 4};  // [s, r, c, k], cross-correlation orientation
  Input<Buffer<float>> bias{"bias", 1};        // [k]
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> dil_x{"dil_x", 1, 1, 64}, dil_y{"dil_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    in = BoundaryConditions::constant_exterior(input, 0.0f);
    rd = RDom(0, weights.dim(0).extent(), 0, weights.dim(1).extent(), 0, weights.dim(2).extent(), "rd");
    conv(x, y, k, n) = bias(k);
    conv(x, y, k, n) += weights(rd.x, rd.y, rd.z, k) *
                        in(x * stride_x + rd.x * dil_x - pad_left, y * stride_y + rd.y * dil_y - pad_top, rd.z, n);
    output(x, y, k, n) = conv(x, y, k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      convlab_halide::set_layer_estimates(*this);
    } else {
      schedule_register_blocked();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"};
  Func conv{"conv"};
  RDom rd;
  Func in{"in"};  // the zero-padded input  // over the kernel: s, r, input channel

  // AVX2 has 16 vector registers: a block of 4 filters x 2 vectors of 8 columns keeps 8 accumulators in
  // registers; each input vector loaded serves 4 FMAs, each broadcast weight 2. Rows and filter blocks are
  // independent: parallel over both. The padded input is materialized once per image (as the plain code
  // does), so the inner loop loads plain memory instead of a bounds select per element. Outputs at least
  // one block large shift their last block inwards (full vectors everywhere); smaller ones are guarded.
  void schedule_register_blocked() {
    const int V = natural_vector_size<float>();
    Var xo{"xo"};
    in.compute_at(output, n).vectorize(in.args()[0], V, TailStrategy::GuardWithIf);
    convlab_halide::block_layer_output(output, x, y, k, n, xo, V);
    conv.compute_at(output, xo).vectorize(x, V).unroll(x).unroll(k);
    conv.update().reorder(x, k, rd.x, rd.y, rd.z).vectorize(x, V).unroll(x).unroll(k);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(DirectConv, direct_conv)
