// im2col + GEMM as a Halide pipeline: the lowered matrix is a stage of its own, materialized per image,
// then a tiled matrix product over (s, r, c) reads it with unit stride whatever the convolution's stride.
#include "common.h"

namespace {

using namespace Halide;

class Im2colConv : public Generator<Im2colConv> {
 public:
  Input<Buffer<float>> input{"input", 4};      // [x, y, c, n]
  Input<Buffer<float>> weights{"weights", 5};  // [f, s, r, c, kb]: filter kb * kFilterBlock + f (filter_block.h)
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> stride_x{"stride_x", 1, 1, 64}, stride_y{"stride_y", 1, 1, 64};
  Input<int> dil_x{"dil_x", 1, 1, 64}, dil_y{"dil_y", 1, 1, 64};
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]
  // The schedule for 1x1, unit-stride, unpadded layers, which the host passes as one row of H x W positions
  // and whose lowered matrix is the input itself: output positions in the vector lanes, as direct's build
  // of the same name (common.h's positions_in_lanes_product); the build fails any other layer.
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
    // The schedule below computes the sums per group of filter blocks, whose nested loop bounds Halide's
    // interval arithmetic takes apart: it asked the weights for block 55 of 32 on a 512-filter layer. The
    // filters a schedule computes are in the host's whole blocks (RoundUp to filter_block.h's block, as the
    // weights and bias are padded), so the promise is kept; it generates no code.
    auto filter = [&](Expr k_) { return unsafe_promise_clamped(k_, 0, bias.dim(0).extent() - 1); };
    auto w = [&](Expr s_, Expr r_, Expr c_, Expr k_) {
      return weights(filter(k_) % convlab_halide::kFilterBlock, s_, r_, c_, filter(k_) / convlab_halide::kFilterBlock);
    };
    weights.dim(0).set_bounds(0, convlab_halide::kFilterBlock);
    // The im2col matrix: row (s, r, c), column (x, y) of the output.
    col(x, y, s, r, c, n) = in(x * stride_x + s * dil_x - pad_left, y * stride_y + r * dil_y - pad_top, c, n);
    rd = RDom(0, weights.dim(1).extent(), 0, weights.dim(2).extent(), 0, weights.dim(3).extent(), "rd");
    if (!wrapped_rows) {
      gemm(x, y, k, n) = bias(filter(k));
      gemm(x, y, k, n) += w(rd.x, rd.y, rd.z, k) * col(x, y, rd.x, rd.y, rd.z, n);
      output(x, y, k, n) = gemm(x, y, k, n);
    } else {
      // The product over one index of the plane's positions, p = y * W + x (direct_generator.cpp's
      // schedule_wrapped_rows says why).
      const Expr width = *out_width;  // (the output's, which its Func, not defined yet, cannot give)
      flat(p, k, n) = bias(filter(k));
      flat(p, k, n) +=
          w(rd.x, rd.y, rd.z, k) * col(unsafe_promise_clamped(p % width, 0, width - 1), p / width, rd.x, rd.y, rd.z, n);
      output(x, y, k, n) = flat(y * width + x, k, n);
    }

    // THE SCHEDULE
    if (auto_schedule) {
      convlab_halide::set_layer_estimates(*this);
    } else if (positions_in_lanes) {
      // A dense 1x1 layer's lowered matrix, [c][positions], is its input: nothing is lowered (as the plain
      // method's no-copy path); the product packs the input's columns as a GEMM packs its panels (common.h).
      col.compute_inline();
      convlab_halide::positions_in_lanes_product(*this, in, gemm, x, y, k, n, rd, "im2col");
    } else if (wrapped_rows) {
      schedule_wrapped_rows();
    } else {
      schedule_lowered_rows_filters_in_lanes();
    }
  }

 private:
  Var x{"x"}, y{"y"}, s{"s"}, r{"r"}, c{"c"}, k{"k"}, n{"n"}, p{"p"};
  Func col{"col"}, gemm{"gemm"}, flat{"flat"};
  RDom rd;
  Func in{"in"};  // the zero-padded input (common.h's padded_input)

  // The lowering is a real copy (that is the method: R*S times the input in memory), but made per parallel
  // item, so the lowered rows a thread multiplies are the ones it has just written and stay in its L2
  // instead of a whole-image matrix streaming from memory once per filter block. An item is a block of
  // output rows and a group of filters; its lowered matrix (row-major over (s, r, c), output columns
  // innermost) is built once and multiplied by every filter block of the group.
  //
  // The lowering reads the item's input rows from a zero-padded copy (in), made first per item. Read
  // straight from the input through the boundary condition, every lowered vector was a 16-lane gather of
  // clamped addresses under a select (see the stmt), and the lowering took 55% of a 7x7 layer's time
  // (Halide's profiler). The padded rows hold S times fewer values than the lowered ones, and rounded up
  // to whole vectors their loop splits into border and interior parts, the interior loading densely; the
  // lowering then loads densely too where the column stride is a constant (1, or 2 for ResNet-50's
  // downsampling layers), so it is specialized for those. Paired A/B, 2 threads, new / old time: 9x9 C32
  // 0.52x, 7x7 C32 0.54x, 11x11 C16 0.59x, 15x15 C16 0.64x, VGG-16 conv1_2 0.66x, ResNet-50 conv1 (7x7
  // stride 2) 0.74x, res4 3x3 0.77x, res2 3x3 0.89x, res2 1x1c 0.84x, conv5_1 0.95x; 1 thread: 9x9 0.50x,
  // res4 3x3 0.79x, but res2 3x3 1.06-1.08x (the padded rows are made once per output row, R times each).
  //
  // The sums of a group of up to kGroupFilters filters (16 blocks with AVX2, 8 with AVX-512) are computed
  // together per item, and each pass of kChunk channels runs over every block of the group (common.h's
  // FilterBlocks::in_pass): the pass's lowered rows (8 channels x 9 taps of the item's rows) are read from
  // L1 by each block, as a GEMM's packed panel, where with the sums per block each block streamed the
  // item's whole lowered matrix from L2 or L3 (1.8 MB per item on VGG-16 conv5, 7 rows x 14 x 9 x 512
  // floats, against the Zen3's 512 KB L2). Their storage is bounded to a group (bound_storage), so that
  // the accumulators of a block sit at constant offsets and LLVM keeps them in registers: at the group's
  // runtime width it loaded and stored them around every FMA (2.3x the time). With the channel loop kept
  // rolled (below), paired A/B on the Zen3, new / old time, 2 threads, median of 5 rounds: VGG-16 conv5
  // 0.84x, conv4_2 0.78x, ResNet-50 res4 3x3 0.76x, res5 3x3 stride 2 0.90x, res5 3x3 0.96x, AlexNet conv4
  // 0.92x; wide rows within the noise (res3 3x3 0.98x, conv3_1 0.98x, conv1_2 0.97x, 9x9 C32 0.96x,
  // AlexNet conv1 0.98x, conv2 1.06x, res5 1x1c 0.97x over 10 rounds). 1 thread, the group alone / with
  // the rolled loop: conv5 0.93x / 0.66x, res4 3x3 0.78x / 0.72x, conv4_2 0.82x / 0.81x.
  //
  // The product is the direct schedule's micro-kernel (direct_generator.cpp) reading the lowered matrix:
  // filters in the vector lanes (the host packs the weights as the GEMM's A panel: blocks of kFilterBlock filters,
  // filter innermost, filter_block.h), 6 output columns x 2 filter vectors of accumulators, each
  // broadcast lowered value feeding 2 FMAs, the reduction in passes of kChunk channels: the pass's
  // weights and lowered rows (8 channels x 9 taps: 4.6 KB and 8 KB on a 28-wide row) share L1.
  //
  // Columns are taken in blocks per row (6; 7 on rows at most 8 wide; 5 on rows of 9-15, which 6 would
  // round up to 18: same-run A/B, 1 and 2 threads, 13- and 14-wide layers 0.70-0.96x the time, two
  // rounds each; the padding reads zeros).
  // Wide layers: an item is one output row and all filters (the row's lowered matrix, R*S*C x W floats, is
  // made once). Narrow ones (width <= 14, ResNet-50's late layers): 7 rows and kNarrowFilterVectors blocks
  // of two filter vectors (256 filters with AVX-512, 128 with AVX2), so a 7x7 image still makes several
  // parallel items; their lowering is repeated per filter group. Groups of 4 blocks lowered each item's
  // rows twice as often: paired A/B, 8 blocks / 4, 2 threads (1 thread): ResNet-50 res5 3x3 stride 2 0.84x
  // (0.75x), res4 3x3 stride 2 0.78x (0.80x), res5 3x3 0.90x, res4 3x3 0.93x, VGG-16 conv5 0.99x (0.92x);
  // AlexNet conv3 and conv5 0.96x, 1.00x; a 7x7 layer of 128 filters (one item either way) 1.00x (Xeon,
  // AVX-512).
  static constexpr int kChunk = 8, kChunk1x1 = 128, kNarrowFilterVectors = 8, kGroupFilters = 256;
  static_assert(kNarrowFilterVectors * convlab_halide::kFilterBlock <= kGroupFilters, "a narrow item is one group");
  // Narrow rows' items (t): kNarrowRows rows x kNarrowFilterVectors filter blocks; kh, where the sums
  // are computed, is a loop of one trip.
  Var t{"t"}, kh{"kh"};
  template <typename StageOrFunc>
  void narrow_items(StageOrFunc&& stage, TailStrategy tail) {
    Var yo{"yo"}, yi{"yi"}, ko{"ko"}, ki{"ki"}, kg{"kg"};
    stage.split(k, ko, ki, convlab_halide::kFilterBlock, TailStrategy::GuardWithIf)
        .split(ko, kg, ko, kNarrowFilterVectors, TailStrategy::GuardWithIf)
        .split(ko, kh, ko, kNarrowFilterVectors, TailStrategy::GuardWithIf)  // one trip: the item is one group
        .split(y, yo, yi, convlab_halide::kNarrowRows, TailStrategy::GuardWithIf)
        .reorder(x, ki, yi, ko, kh, yo, kg, n).fuse(yo, kg, t).fuse(t, n, t).parallel(t)
        .vectorize(x, convlab_halide::kVectorLanes, tail);
  }
  void schedule_lowered_rows_filters_in_lanes() {
    const int V = convlab_halide::kVectorLanes;
    output.dim(2).set_min(0);  // blocks of kFilterBlock filters: dense vector loads of weights
    Var ko{"ko"}, ki{"ki"}, kg{"kg"};
    const int group = kGroupFilters / (2 * V);  // filter blocks per group
    auto wide = [&](auto&& stage) {
      stage.split(k, ko, ki, 2 * V, TailStrategy::GuardWithIf).split(ko, kh, ko, group, TailStrategy::GuardWithIf)
          .reorder(x, ki, ko, kh, y, n).fuse(y, n, t).parallel(t)
          .vectorize(x, V, TailStrategy::ShiftInwards);
    };
    // One row (a 1x1 plane the host passes flat, halide_conv.cpp): its filters in two halves (of at most a
    // group), so that two threads have an item each; the lowering is made once per half. As one wide-row
    // item, 2 threads took 0.9-1.4x 1 thread's time. Same-run A/B on the five flattened ResNet-50 layers:
    // 2 threads 0.51-0.56x the time (two rounds), 1 thread 1.01-1.09x (the second lowering). The item is
    // its one group: kh, where the sums are computed, is a loop of one trip.
    auto single_row = [&](auto&& stage) {
      const Expr half = min((output.dim(2).extent() + 4 * V - 1) / (4 * V), group);  // filter blocks per half
      stage.split(k, ko, ki, 2 * V, TailStrategy::GuardWithIf).split(ko, kg, ko, half, TailStrategy::GuardWithIf)
          .reorder(x, ki, ko, kg, y, n).fuse(kg, y, t).fuse(t, n, t).split(t, t, kh, 1).parallel(t)
          .vectorize(x, V, TailStrategy::ShiftInwards);
    };
    const Expr width = output.dim(0).extent();
    narrow_items(output.specialize(width >= V && width <= convlab_halide::kNarrowWidth), TailStrategy::ShiftInwards);
    single_row(output.specialize(width >= V && output.dim(1).extent() == 1));
    wide(output.specialize(width >= V));
    narrow_items(output, TailStrategy::GuardWithIf);  // narrower than a vector
    in.compute_at(output, t).vectorize(in.args()[0], V, TailStrategy::RoundUp);
    col.compute_at(output, t).vectorize(x, V, TailStrategy::GuardWithIf);
    for (int stride : {1, 2})
      col.specialize(stride_x == stride);
    gemm.compute_at(output, kh).align_bounds(k, 2 * V).bound_storage(k, kGroupFilters).reorder_storage(k, x, y, n).vectorize(k, V);
    // 1x1 kernels take passes of kChunk1x1 channels, or a pass (kChunk channels x 1 tap) would load and
    // store its accumulators about as often as it multiplies.
    // Rows at most 8 wide (ResNet-50's 7x7 layers): blocks of 7 columns x one filter vector, so a 7-wide
    // row is one block (two 6-column blocks would compute 12 columns). Each broadcast feeds one FMA: more
    // loads per FMA, fewer wasted lanes. Same-run A/B, two rounds: 7x7 layers 0.66-0.85x the time; on
    // 13- and 14-wide layers it went either way (0.81-1.46x), so they take 5-column blocks (above).
    const Expr one_by_one = weights.dim(1).extent() == 1 && weights.dim(2).extent() == 1;
    // The lowered rows are read with unit stride: columns at constant offsets.
    // The passes over every row width are rolled (common.h's rolled_passes): unrolled, they spilled.
    convlab_halide::filters_in_lanes_products_by_width(gemm.update(), width, one_by_one, x, y, k, rd, V, kChunk, kChunk1x1, true,
                                                       true, true);
    // Whole blocks of columns (common.h's row_in_whole_blocks): the sums, and the lowered rows they read
    // (whose own producer, the padded rows, follows them).
    const Expr row = convlab_halide::row_in_whole_blocks(width, true);
    gemm.bound_extent(x, row);
    // The lowered rows are made a whole number of vectors wide, past the blocks' columns: a row's partial
    // last vector was a masked load and store (vmaskmovps), which the Zen3 microcodes. Same-run medians, 5
    // rounds, new / old time, 2 threads: ResNet-50 res4 3x3 0.94x, res4 3x3 stride 2 0.90x, res3 3x3
    // 0.94x, AlexNet conv4 0.96x, VGG-16 conv5 0.92x, 9x9 C32 0.91x; res2 3x3, VGG-16 conv3_2 (56 wide) and
    // AlexNet conv2 1.00x; 1 thread: conv4 0.90x, res4 3x3 stride 2 0.87x, res4 3x3 0.98x.
    col.bound_extent(x, (row + V - 1) / V * V);
  }
  // Rows at most kNarrowRow wide (ResNet-50's 7x7 planes), as direct's build of the same name takes them
  // (direct_generator.cpp's schedule_wrapped_rows; common.h's wrapped_rows_product). The items are narrow
  // rows' (above), the lowering too, but a whole vector of columns wide (a 7-wide row's vector was a
  // masked load and store, vmaskmovps, which the Zen3 microcodes: 15% of res5 3x3's time), and stored
  // taps within rows, [x][s][y][r][c], so that on 3x3 kernels, the taps unrolled inside the channel loop
  // as in direct's build, a tap's lowered value is a constant offset from the position's. Same-run
  // medians, Zen3, 7 rounds, new / old time, 2 threads (1 thread): ResNet-50 res5 3x3 0.66x (0.71x), res5
  // 3x3 stride 2 0.73x (0.73x); Halide / plain im2col (convlab's GEMM) 1.20x and 1.21x at 2 threads. The
  // steps, 5 rounds: the blocks alone 0.95-1.01x; the whole vector of columns 0.83-0.91x; the taps
  // inside, 0.80x of that at 2 threads (0.82x at 1).
  static constexpr int kWrapChunk = 16;
  static_assert(convlab_halide::kNarrowRow <= convlab_halide::kVectorLanes, "a wrapped build's row is one vector");
  void schedule_wrapped_rows() {
    const int V = convlab_halide::kVectorLanes;
    output.dim(0).set_bounds(0, *out_width).dim(1).set_min(0).dim(2).set_min(0);
    narrow_items(output, TailStrategy::GuardWithIf);
    in.compute_at(output, t).vectorize(in.args()[0], V, TailStrategy::RoundUp);
    col.compute_at(output, t).bound_extent(x, V).reorder_storage(x, s, y, r, c, n).vectorize(x, V);
    for (int stride : {1, 2})
      col.specialize(stride_x == stride);
    flat.compute_at(output, kh).align_bounds(k, 2 * V).bound_storage(k, kGroupFilters).reorder_storage(k, p, n).vectorize(k, V);
    // The lowered rows' taps are constant offsets: taps inside the channel loop on 3x3 kernels.
    convlab_halide::wrapped_rows_product(flat.update(), p, k, n, rd, V, kWrapChunk, true, weights.dim(1).extent() == 3);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(Im2colConv, im2col_conv)
