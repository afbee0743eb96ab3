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
  // The schedule for 1x1, unit-stride, unpadded layers with output positions in the vector lanes (common.h's
  // positions_in_lanes_product), which the host passes as one row of H x W positions; the build fails any
  // other layer with an error.
  GeneratorParam<bool> positions_in_lanes{"positions_in_lanes", false};
  // The schedule for layers whose output rows are at most kNarrowRow wide (ResNet-50's 7x7 planes): the
  // plane's positions in one index, register blocks wrapping rows (schedule_wrapped_rows).
  GeneratorParam<bool> wrapped_rows{"wrapped_rows", false};
  Input<int>* out_width = nullptr;  // that build's input after pad_top: the output's width

  void configure() {
    if (wrapped_rows) out_width = add_input<int>("out_width");
  }

  void generate() {
    // THE ALGORITHM
    in = convlab_halide::padded_input(input, positions_in_lanes);
    // Weight (s, r, c) of filter k, from its block (an expression, not a stage: nothing to schedule).
    auto w = [&](Expr s_, Expr r_, Expr c_, Expr k_) {
      return weights(k_ % convlab_halide::kFilterBlock, s_, r_, c_, k_ / convlab_halide::kFilterBlock);
    };
    weights.dim(0).set_bounds(0, convlab_halide::kFilterBlock);
    rd = RDom(0, weights.dim(1).extent(), 0, weights.dim(2).extent(), 0, weights.dim(3).extent(), "rd");
    // The term of output position (x_, y_) of filter k_: the one formula of both builds below.
    auto term = [&](Expr x_, Expr y_, Expr k_, Expr n_) {
      return w(rd.x, rd.y, rd.z, k_) *
             in(x_ * stride_x + rd.x * dil_x - pad_left, y_ * stride_y + rd.y * dil_y - pad_top, rd.z, n_);
    };
    if (!wrapped_rows) {
      conv(x, y, k, n) = bias(k);
      conv(x, y, k, n) += term(x, y, k, n);
      output(x, y, k, n) = conv(x, y, k, n);
    } else {
      // The sums over one index of the plane's positions, p = y * W + x (schedule_wrapped_rows says why).
      const Expr width = *out_width;  // (the output's, which its Func, not defined yet, cannot give)
      flat(p, k, n) = bias(k);
      flat(p, k, n) += term(unsafe_promise_clamped(p % width, 0, width - 1), p / width, k, n);
      output(x, y, k, n) = flat(y * width + x, k, n);
    }

    // THE SCHEDULE
    if (auto_schedule) {
      convlab_halide::set_layer_estimates(*this);
    } else if (wrapped_rows) {
      schedule_wrapped_rows();
    } else if (positions_in_lanes) {
      // 1x1 layers as the plain pointwise kernel (algorithms/direct/pointwise.h) computes them.
      convlab_halide::positions_in_lanes_product(*this, in, conv, x, y, k, n, rd, "direct");
    } else {
      schedule_filters_in_lanes();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, p{"p"}, t{"t"};  // t: the parallel items (items())
  Func conv{"conv"}, flat{"flat"};
  RDom rd;
  Func in{"in"};  // the zero-padded input (common.h's padded_input)

  // The padded input is made before the parallel loop over items, so it is split by channels itself
  // (one thread made it: 10% of the time of ResNet-50 res2's 1x1 layer by perf). A task takes a run of
  // small planes (about 8K floats, keeping at least 16 tasks): with a task per plane, the thread pool's
  // lock was taken once per plane, and the copy took 40% of ResNet-50 res5_1x1c's time (2048 planes of 49
  // floats: 0.64 ms for 442 KB), 7-10% of res4 and res5 3x3's (Halide's profiler, 2 threads).
  void padded_input_per_image() {
    const Expr plane = input.dim(0).extent() * input.dim(1).extent();
    const Expr channels_per_task = clamp(8192 / plane, 1, max(weights.dim(3).extent() / 16, 1));
    in.compute_at(output, n).vectorize(in.args()[0], convlab_halide::kVectorLanes, TailStrategy::GuardWithIf)
        .parallel(in.args()[2], channels_per_task, TailStrategy::GuardWithIf);
  }
  // The parallel items (t): `rows` output rows x kFilterBlock filters each; the sums are computed per item.
  template <typename StageOrFunc>
  void items(StageOrFunc&& stage, TailStrategy tail, int rows) {
    const int V = convlab_halide::kVectorLanes;
    Var ko{"ko"}, ki{"ki"}, yo{"yo"}, yi{"yi"};
    stage.split(k, ko, ki, 2 * V, TailStrategy::GuardWithIf).split(y, yo, yi, rows, TailStrategy::GuardWithIf)
        .reorder(x, ki, yi, yo, ko, n).fuse(yo, ko, t).parallel(t).vectorize(x, V, tail);
  }

  // The plain kernel's register block (algorithms/direct/sliding_window.h), in Halide: filters in the
  // vector lanes. Weights arrive in blocks of kFilterBlock filters, filter innermost (filter_block.h), packed by the
  // host before timing as the plain method packs its own: one dense vector load per tap and 8 filters,
  // and a pass's weights contiguous. Each parallel item is one output row x kFilterBlock filters, whose sums (conv)
  // sit in a row buffer, filters innermost. The update (common.h's filters_in_lanes_product) sweeps input
  // channels in passes of kChunk (the pass's weights stay in L1) and, within a pass, blocks of 6 columns x
  // 2 filter vectors: 12 accumulators in registers, each broadcast input value feeding 2 FMAs and each
  // weight vector 6. The padded input is materialized once per image, so the inner loop reads plain memory.
  // Unit column stride and dilation (a specialization) make a block's columns constant offsets from one
  // address, so the block can be as wide as the plain kernel's with AVX-512: 14 columns x 2 vectors, 28
  // of the 32 registers (56-, 28- and 14-wide rows are whole blocks). With a runtime stride each column
  // kept an address register of its own, which limited blocks to 6. Paired, Xeon, 2 threads: ResNet-50 res2,
  // res3, res4 3x3 0.97x, 0.79x, 0.76x the time; VGG-16 conv1_2 0.91x; AlexNet conv2 (5x5) 0.79x. Stride 2
  // is specialized the same way: res3/res4 3x3 stride 2 0.86x, 0.93x; res3/res5 1x1 downsampling 0.83x,
  // 0.86x.
  // Not like the plain kernel: blocks never wrap rows. Rows of 9-15 columns (ResNet-50's 14x14, AlexNet's
  // 13x13) take blocks of 5 columns, so they compute 15 columns, not 18 (same-run A/B, 1 and 2 threads,
  // 3x3 and 1x1 layers: 0.68-0.90x the time). The blocks per width: common.h's
  // filters_in_lanes_products_by_width, shared with im2col.
  static constexpr int kChunk = 16, kChunk1x1 = 128;
  void schedule_filters_in_lanes() {
    const int V = convlab_halide::kVectorLanes;
    output.dim(2).set_min(0);  // blocks of kFilterBlock filters: dense vector loads of weights
    padded_input_per_image();
    // Narrow late layers (ResNet-50's 14x14 and 7x7): 7 rows per item, so each pass's weights serve 49 or
    // 98 outputs instead of one row's 7 or 14.
    const Expr width = output.dim(0).extent();
    const int narrow_rows = convlab_halide::kNarrowRows;
    items(output.specialize(width >= V && width <= convlab_halide::kNarrowWidth), TailStrategy::ShiftInwards, narrow_rows);
    items(output.specialize(width >= V), TailStrategy::ShiftInwards, 1);
    items(output, TailStrategy::GuardWithIf, narrow_rows);  // narrower than a vector
    conv.compute_at(output, t).bound_extent(k, 2 * V).reorder_storage(k, x, y, n).vectorize(k, V).unroll(k);
    // Rows at most 8 wide: blocks of 7 columns x one filter vector (im2col_generator.cpp says why; 7x7
    // 3x3 layers: 0.88-0.92x the time).
    // 1x1 kernels: passes of kChunk1x1 channels with the channel loop innermost (a pass of kChunk one-tap
    // channels loaded and stored its accumulators every 16 FMAs, and the tap loops, one trip each, cost more
    // address arithmetic than the FMAs they wrapped). Same-run A/B on ResNet-50's 15 1x1 layers, 1 thread:
    // 0.33-0.58x the time; 7 columns x one vector on 7x7 rows: a further 0.73-0.76x on res5.
    const Expr one_by_one = weights.dim(1).extent() == 1 && weights.dim(2).extent() == 1;
    // Unit column stride and dilation: a block's columns are constant offsets from one address.
    Expr constant_offsets = Internal::const_false();
    for (int stride : {1, 2}) {  // ResNet-50's downsampling layers take stride 2
      const Expr specialized = stride_x == stride && dil_x == 1;
      convlab_halide::filters_in_lanes_products_by_width(conv.update().specialize(specialized), width, one_by_one, x, y, k, rd,
                                                         V, kChunk, kChunk1x1, true);
      constant_offsets = constant_offsets || specialized;
    }
    convlab_halide::filters_in_lanes_products_by_width(conv.update(), width, one_by_one, x, y, k, rd, V, kChunk, kChunk1x1, false);
    // Whole blocks of columns (common.h's row_in_whole_blocks): the sums, and the padded input they read.
    const Expr row = convlab_halide::row_in_whole_blocks(width, constant_offsets);
    conv.bound_extent(x, row);
    in.bound_extent(in.args()[0], (row - 1) * stride_x + (weights.dim(1).extent() - 1) * dil_x + 1);
  }
  // Rows at most kNarrowRow wide (ResNet-50's 7x7 planes) as the plain kernel takes them
  // (sliding_window.h): register blocks of consecutive positions of the plane, wrapping from one row to the
  // next, each position with an input address of its own. On such rows the blocks of one row (the build
  // above) are 7 columns x one filter vector: 7 accumulators, too few to cover the FMA's latency, each
  // broadcast feeding one FMA. Here a block is 6 positions x 2 filter vectors, as on wide rows (common.h's
  // wrapped_rows_product), and the plane's last block is guarded (7x7: 8 blocks and one position) rather
  // than rounded up (54 positions for 49). (Halide can fuse a stage's x and y, but it then stores the sums
  // at the fused index and loads them at its row and column, which LLVM cannot tell apart: every FMA loaded
  // and stored its accumulator. So these sums are over p from the algorithm on.)
  // On 3x3 kernels at unit dilation the taps are inside the channel loop, one row of taps unrolled: the
  // weights are then read in the order they are packed (filter_block.h), and a tap's column offsets are
  // constants from the position's address (with the taps outside, each pass read 16 channels at 576-byte
  // strides). The passes take kWrapChunk channels, their weights (74 KB) read from L2 as the plain
  // kernel's are (its budget: 64 KB).
  // A parallel item is kNarrowRows rows x kFilterBlock filters, as the build above takes narrow rows.
  // Same-run medians, Zen3, 7 rounds, new / old time (2 threads; 1 thread): ResNet-50 res5 3x3 0.66x
  // (0.73x), res5 3x3 stride 2 0.81x (0.82x); the steps: 6 x 2 blocks rounded up, taps outside, passes of
  // 16 channels 0.83x at 2 threads; taps inside 0.95x of that at 1 thread; passes of 64, 0.94x; the guarded
  // last block, 0.94x; passes of 128 channels, 0.92x at 2 threads.
  static constexpr int kWrapChunk = 128;
  void schedule_wrapped_rows() {
    const int V = convlab_halide::kVectorLanes;
    output.dim(0).set_bounds(0, *out_width).dim(1).set_min(0).dim(2).set_min(0);
    items(output, TailStrategy::GuardWithIf, convlab_halide::kNarrowRows);
    padded_input_per_image();
    flat.compute_at(output, t).bound_extent(k, 2 * V).reorder_storage(k, p, n).vectorize(k, V).unroll(k);
    convlab_halide::wrapped_rows_product(flat.update(), p, k, n, rd, V, kWrapChunk, false,
                                         weights.dim(1).extent() == 3 && dil_x == 1);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(DirectConv, direct_conv)
