// Sliding-window (direct) convolution as a Halide pipeline.
#include "common.h"

namespace {

using namespace Halide;

class DirectConv : public Generator<DirectConv> {
 public:
  Input<Buffer<float>> input{"input", 4};      // [x, y, c, n]
  Input<Buffer<float>> weights{"weights", 5};  // [f, s, r, c, kb]: filter kb * kFilterBlock + f (filter_block.h)
  Input<Buffer<float>> bias{"bias", 1};        // [k]
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> dil_x{"dil_x", 1, 1, 64}, dil_y{"dil_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    in = BoundaryConditions::constant_exterior(input, 0.0f);
    // Weight (s, r, c) of filter k, from its block (an expression, not a stage: nothing to schedule).
    auto w = [&](Expr s_, Expr r_, Expr c_, Expr k_) {
      return weights(k_ % convlab_halide::kFilterBlock, s_, r_, c_, k_ / convlab_halide::kFilterBlock);
    };
    weights.dim(0).set_bounds(0, convlab_halide::kFilterBlock);
    rd = RDom(0, weights.dim(1).extent(), 0, weights.dim(2).extent(), 0, weights.dim(3).extent(), "rd");
    conv(x, y, k, n) = bias(k);
    conv(x, y, k, n) += w(rd.x, rd.y, rd.z, k) *
                        in(x * stride_x + rd.x * dil_x - pad_left, y * stride_y + rd.y * dil_y - pad_top, rd.z, n);
    output(x, y, k, n) = conv(x, y, k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      convlab_halide::set_layer_estimates(*this);
    } else {
      schedule_filters_in_lanes();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"};
  Func conv{"conv"};
  RDom rd;
  Func in{"in"};  // the zero-padded input

  // The plain kernel's register block (algorithms/direct/sliding_window.h), in Halide: filters in the
  // vector lanes. Weights arrive in blocks of kFilterBlock filters, filter innermost (filter_block.h), packed by the
  // host before timing as the plain method packs its own: one dense vector load per tap and 8 filters,
  // and a pass's weights contiguous. Each parallel item is one output row x kFilterBlock filters, whose sums (conv)
  // sit in a row buffer, filters innermost. The update (common.h's filters_in_lanes_product) sweeps input
  // channels in passes of kChunk (the pass's weights stay in L1) and, within a pass, blocks of 6 columns x
  // 2 filter vectors: 12 accumulators in registers, each broadcast input value feeding 2 FMAs and each
  // weight vector 6. The padded input is materialized once per image, so the inner loop reads plain memory.
  // Not like the plain kernel: blocks never wrap rows. Rows of 9-15 columns (ResNet-50's 14x14, AlexNet's
  // 13x13) take blocks of 5 columns, so they compute 15 columns, not 18 (same-run A/B, 1 and 2 threads,
  // 3x3 and 1x1 layers: 0.68-0.90x the time). The blocks per width: common.h's
  // filters_in_lanes_products_by_width, shared with im2col.
  static constexpr int kChunk = 16, kChunk1x1 = 128;
  void schedule_filters_in_lanes() {
    const int V = convlab_halide::kVectorLanes;
    output.dim(2).set_min(0);  // blocks of kFilterBlock filters: dense vector loads of weights
    Var ko{"ko"}, ki{"ki"}, t{"t"};
    in.compute_at(output, n).vectorize(in.args()[0], V, TailStrategy::GuardWithIf);
    Var yo{"yo"}, yi{"yi"};
    // A parallel item is `rows` output rows x kFilterBlock filters; its sums (conv) cover those rows.
    auto block = [&](auto&& stage, TailStrategy tail, int rows) {
      stage.split(k, ko, ki, 2 * V, TailStrategy::GuardWithIf).split(y, yo, yi, rows, TailStrategy::GuardWithIf)
          .reorder(x, ki, yi, yo, ko, n).fuse(yo, ko, t).parallel(t).vectorize(x, V, tail);
    };
    // Narrow late layers (ResNet-50's 14x14 and 7x7): 7 rows per item, so each pass's weights serve 49 or
    // 98 outputs instead of one row's 7 or 14.
    const Expr width = output.dim(0).extent();
    block(output.specialize(width >= V && width <= 14), TailStrategy::ShiftInwards, 7);
    block(output.specialize(width >= V), TailStrategy::ShiftInwards, 1);
    block(output, TailStrategy::GuardWithIf, 7);  // narrower than a vector
    conv.compute_at(output, t).bound_extent(k, 2 * V).reorder_storage(k, x, y, n).vectorize(k, V).unroll(k);
    // Rows at most 8 wide: blocks of 7 columns x one filter vector (im2col_generator.cpp says why; 7x7
    // 3x3 layers: 0.88-0.92x the time).
    // 1x1 kernels: passes of kChunk1x1 channels with the channel loop innermost (a pass of kChunk one-tap
    // channels loaded and stored its accumulators every 16 FMAs, and the tap loops, one trip each, cost more
    // address arithmetic than the FMAs they wrapped). Same-run A/B on ResNet-50's 15 1x1 layers, 1 thread:
    // 0.33-0.58x the time; 7 columns x one vector on 7x7 rows: a further 0.73-0.76x on res5.
    const Expr one_by_one = weights.dim(1).extent() == 1 && weights.dim(2).extent() == 1;
    convlab_halide::filters_in_lanes_products_by_width(conv, width, one_by_one, x, y, k, rd, V, kChunk, kChunk1x1, true);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(DirectConv, direct_conv)
