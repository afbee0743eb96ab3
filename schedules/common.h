// Shared by every generator: the tensor layout and the scalar parameters a convolution layer needs.
// Halide orders dimensions innermost first, so PyTorch's NCHW is [x, y, c, n] here and KCRS is [s, r, c, k].
// Weights arrive in cross-correlation orientation (the host flips them for true convolution, as the plain
// methods do), and padding is applied by a zero boundary condition, so bottom/right padding follows from the
// output's extent.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "Halide.h"
#include "../algorithms/cache_budget.h"
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

// f(at) = the sum over r of `terms`, one per element of f (a complex f has two). The pure definition is
// undef and the sum's first term starts it (a select on r's first value, a constant once a pass is
// unrolled), so no pass of zeros runs over f before its sum: in the tiled pipelines' transforms such
// passes wrote each band's transformed tiles once more (8% of Halide Winograd's time at VGG-16 conv2_2,
// F(6,3), perf) and made most of the thread pool's tasks. The undef pure stage makes no loops: only f's
// placement (compute_at) and its update's schedule take effect.
inline void sum_over(Func f, const std::vector<Var>& at, const RDom& r, const std::vector<Expr>& terms) {
  const std::vector<Expr> args(at.begin(), at.end());
  const Expr first = r.x == r.x.min();
  if (terms.size() == 1) {
    f(at) = undef<float>();
    f(args) = select(first, 0.0f, f(args)) + terms[0];
    return;
  }
  std::vector<Expr> undefs(terms.size(), undef<float>()), sums;
  f(at) = Tuple(undefs);
  for (size_t e = 0; e < terms.size(); ++e) sums.push_back(select(first, 0.0f, f(args)[int(e)]) + terms[e]);
  f(args) = Tuple(sums);
}

// Where a filters-in-lanes product's stage holds several blocks of 2 filter vectors: `none` (one block, the
// stage computed per block), `outermost` (each block runs its whole reduction) or `in_pass` (each pass of
// the reduction runs over every block, so that the pass's input, im2col's lowered rows: 8 channels x 9
// taps of a row, 8 KB on a 28-wide row, is read from L1 by every block, as a GEMM's packed panel is).
enum class FilterBlocks { none, outermost, in_pass };

// The micro-kernel of the filters-in-lanes schedules (direct, im2col), on the update stage of the sums
// (x, y, k) += weight(rd.x, rd.y, rd.z, k) * input: blocks of `cols` output columns x `vectors` (1 or 2)
// filter vectors of accumulators, which LLVM keeps in registers across a pass's reduction loops; each
// broadcast input value feeds `vectors` FMAs and each weight vector `cols`. The reduction (taps rd.x, rd.y,
// channels rd.z) runs in passes of `chunk` channels, each pass loading and storing its accumulators once
// (a constant chunk makes a channel loop LLVM unrolls; a runtime one, a loop it keeps).
// With one vector, the filter block's other vector is a loop outside the pass. The channel loop is the
// innermost loop, taps outside it: a tap loop of 3 trips inside left the loop overhead and the column
// addresses' bookkeeping around every 3 x 12 FMAs (Xeon, 2 threads, paired: Halide im2col on ResNet-50's
// res2-res4 3x3 layers 0.90-0.98x the time).
inline void filters_in_lanes_product(Stage stage, const Var& x, const Var& y, const Var& k, const RDom& rd, int vec,
                                     int cols, int vectors, Expr chunk, FilterBlocks blocks = FilterBlocks::none) {
  Var xb("xb"), xj("xj"), kv("kv"), kl("kl"), kq("kq"), kk("kk");
  RVar co("co"), ci("ci");
  if (blocks != FilterBlocks::none) stage.split(k, kq, kk, 2 * vec, TailStrategy::RoundUp);
  stage.split(x, xb, xj, cols, TailStrategy::RoundUp)
      .split(blocks != FilterBlocks::none ? kk : k, kv, kl, vec)
      .split(rd.z, co, ci, chunk, TailStrategy::GuardWithIf)
      .vectorize(kl)
      .unroll(xj);
  std::vector<VarOrRVar> order;  // innermost first
  if (vectors == 2) {
    order = {kl, kv, xj, ci, rd.x, rd.y, xb, y, co};
    stage.unroll(kv);
  } else {
    order = {kl, xj, ci, rd.x, rd.y, kv, xb, y, co};
  }
  if (blocks == FilterBlocks::outermost) order.push_back(kq);
  if (blocks == FilterBlocks::in_pass) order.insert(order.end() - 1, kq);
  stage.reorder(order);
}

// The product of the builds for rows at most kNarrowRow wide (direct's and im2col's wrapped_rows), whose
// sums are over one index of the plane's positions: the update (p, k) += weight(rd.x, rd.y, rd.z, k) *
// input at position p, in blocks of kWrappedPositions consecutive positions x 2 filter vectors, wrapping
// rows, each position's input address its own; the last block is guarded (a plane of 49: 8 blocks and
// one position). The reduction runs in passes of `chunk` channels; with `filter_blocks`, the stage holds
// several blocks of 2 filter vectors, which take each pass in turn (FilterBlocks::in_pass). Where
// `taps_unrolled` holds (3x3 kernels whose taps are constant offsets in the input the product reads), the
// taps are inside the channel loop, a row of them unrolled: the weights are then read in the order they
// are packed (filter_block.h); elsewhere the channel loop is innermost.
constexpr int kWrappedPositions = 6;
inline void wrapped_rows_product(Stage update, const Var& p, const Var& k, const Var& n, const RDom& rd, int vec, Expr chunk,
                                 bool filter_blocks, Expr taps_unrolled) {
  auto product = [&](Stage s, bool taps_inside) {
    Var pb("pb"), pj("pj"), kq("kq"), kk("kk"), kv("kv"), kl("kl");
    RVar co("co"), ci("ci");
    if (filter_blocks) s.split(k, kq, kk, 2 * vec, TailStrategy::RoundUp);
    s.split(p, pb, pj, kWrappedPositions, TailStrategy::GuardWithIf)
        .split(filter_blocks ? kk : k, kv, kl, vec)
        .split(rd.z, co, ci, min(chunk, rd.z.extent()), TailStrategy::GuardWithIf)
        .vectorize(kl)
        .unroll(kv)
        .unroll(pj);
    std::vector<VarOrRVar> order = taps_inside ? std::vector<VarOrRVar>{kl, kv, pj, rd.x, rd.y, ci, pb, n, co}
                                               : std::vector<VarOrRVar>{kl, kv, pj, ci, rd.x, rd.y, pb, n, co};
    if (filter_blocks) order.insert(order.end() - 1, kq);
    s.reorder(order);
    if (taps_inside) s.unroll(rd.x);
  };
  product(update.specialize(taps_unrolled), true);
  product(update, false);
}

// The filters-in-lanes product's blocks by output width, shared by direct and im2col, each for 1x1 kernels
// (passes of `chunk_1x1` channels) and for larger ones (passes of `chunk`): rows at most 8 wide take 7
// columns x one filter vector (a 7-wide row is one block); rows of 9-15 and wider ones take 2 vectors x
// filter_block.h's block_cols columns, wider where the columns are `constant_offsets` from one address.
// With `many_blocks`, the stage holds several filter blocks, which take their passes in turn (in_pass)
// but for 1x1 kernels, where a pass (128 channels of a row) would not stay in L1 for the next block.
// Passes of `chunk` channels are given a runtime trip count, min(chunk, channels), on narrow rows always
// and on every row with `rolled_passes`: LLVM then keeps the channel loop a loop. Unrolled, a pass of 8
// channels came with 8 column pointers and 8 weight vectors that spilled (the 7 x 1 block: 56 FMAs, 31
// stack accesses; im2col's 5 x 2 block: 80 FMAs, 29-49).
inline void filters_in_lanes_products_by_width(Stage update, Expr width, Expr one_by_one, const Var& x, const Var& y,
                                               const Var& k, const RDom& rd, int vec, int chunk, int chunk_1x1,
                                               bool constant_offsets, bool many_blocks = false,
                                               bool rolled_passes = false) {
  const int mid_cols = int(block_cols(kMidRow, constant_offsets)), wide_cols = int(block_cols(kMidRow + 1, constant_offsets));
  const FilterBlocks taps = many_blocks ? FilterBlocks::in_pass : FilterBlocks::none;
  const FilterBlocks one_tap = many_blocks ? FilterBlocks::outermost : FilterBlocks::none;
  const Expr rolled_chunk = min(chunk, rd.z.extent());
  // Narrow rows' passes rolled: paired A/B, Zen3, 2 threads, 5 rounds: Halide direct on ResNet-50 res5 3x3
  // 0.70-0.77x the time (two runs); rolled on 13- and 14-wide rows too, direct took 1.00-1.16x (im2col
  // takes rolled_passes: im2col_generator.cpp).
  const struct {
    Expr rows_up_to;
    int cols, vectors;
    bool rolled;
  } narrow{width <= kNarrowRow, int(block_cols(kNarrowRow, constant_offsets)), 1, true}, mid{width <= kMidRow, mid_cols, 2, false};
  for (const auto& b : {narrow, mid}) {
    filters_in_lanes_product(update.specialize(b.rows_up_to && one_by_one), x, y, k, rd, vec, b.cols, b.vectors, chunk_1x1,
                             one_tap);
    filters_in_lanes_product(update.specialize(b.rows_up_to), x, y, k, rd, vec, b.cols, b.vectors,
                             b.rolled || rolled_passes ? rolled_chunk : Expr(chunk), taps);
  }
  filters_in_lanes_product(update.specialize(one_by_one), x, y, k, rd, vec, wide_cols, 2, chunk_1x1, one_tap);
  filters_in_lanes_product(update, x, y, k, rd, vec, wide_cols, 2, rolled_passes ? rolled_chunk : Expr(chunk), taps);
}

// The layer pipelines' (direct, im2col) zero-padded input. The positions-in-lanes builds
// (positions_in_lanes_product) take only layers that read no border: there it is a copy of the input
// with no boundary condition, which that build computes per column as its packed panel.
template <typename In>
Func padded_input(const In& input, bool positions_in_lanes) {
  if (!positions_in_lanes) return BoundaryConditions::constant_exterior(input, 0.0f);
  Func in("in");
  Var x("x"), y("y"), c("c"), n("n");
  in(x, y, c, n) = input(x, y, c, n);
  return in;
}

// Dense 1x1 layers (1x1, unit stride, unpadded; the host passes the plane as one row) with output positions
// in the vector lanes, as the plain pointwise kernel (algorithms/direct/pointwise.h) computes them: direct's
// positions-in-lanes build, and im2col's, whose lowered matrix of such a layer is the input itself. The
// generator `g`'s sums (x, y, k) += weight(rd.x, rd.y, rd.z, k) * in(...) are computed per item of its
// output; the build fails any layer that is not dense or has fewer than kPointwiseColumns positions, with
// an error naming `method`.
// A register block is kPointwiseFilters filters x 3 vectors of positions (8 x 3 with AVX-512's 32
// registers, 4 x 3 with AVX2's 16), each input vector feeding one FMA per filter and each weight,
// broadcast, 3. No transpose on the way out (the sums are stored positions innermost, as the output), and
// the whole plane is one row, so positions fill vectors whatever the image's width. With filters in the
// lanes instead (the filters-in-lanes product above), ResNet-50's 1x1 layers took 1.3-3.6x the plain
// kernel's time (Xeon, 2 threads; 56x56 layers the worst).
// A parallel item is a column of kPointwiseColumns positions (3 vectors; the last column of a plane shifts
// inwards, so the host needs planes of at least that many) x every filter, as BlockedGemm's
// (algorithms/gemm/blocked_gemm.h) column: the column's input is packed first, [C][3 vectors], into one
// contiguous panel that every filter block then reads from L1 and L2, and the filter blocks' weights
// stream past it. Items were one filter block x a column read in place, a filter block's items consecutive
// to keep its weights cached: each channel of a pass was a row of its own plane (128 rows 3-12 KB apart,
// more 4 KB pages than the L1 TLB holds), and a column's input was fetched again for every filter block.
// Paired A/B with the groups below, new / old time, ResNet-50's 1x1 layers of 56x56, 28x28 and 14x14 and
// the two shortcuts gathered to them: im2col, 2 threads (6 rounds), 0.71-1.10x, median 0.88x over 12
// layers; 1 thread 0.79-1.14x, median 0.90x; direct (56x56 and 28x28), 2 threads, 0.77-1.17x, median
// 0.93x over 8 (res3_down, first 1.56x, 0.96x over 8 more rounds). Halide's prefetch of the next column's
// input (at in_task) changed nothing (0.90-1.06x, 1 thread); two register blocks per column took
// 0.99-1.33x the time (a pass's panel and weights, 32 KB, fill L1).
// Where the weights are more than kCachedWeights floats (half a Zen 3 core's L2; ResNet-50's res3_down and
// res4 and res5 layers), or a plane has fewer than kMinItems columns (14x14: 9, too few to share between two
// threads evenly), the filters are split into groups of kGroupBlocks filter blocks, and an item is a column x
// a group, one group's items consecutive: its weights (AVX2: 128 KB over 256 channels) are reused from L2 by
// every column instead of all the weights streaming past each one, at the price of packing each column once
// per group. (The group's size is a constant: with the groups per plane computed at run time, Halide 14's
// bounds put the item's rows at -17.) Same-run A/B, grouped / all filters per item, 2 threads: res4_1x1a
// 0.65x, res3_down 0.79x; 14x14 layers 0.94-1.47x (1 thread 1.00-1.03x). Groups of 4 blocks: 0.99-1.09x.
// Its sums, one filter block x the column, take the channels in passes of kChunkPositions: a pass's panel
// (128 channels x 24 positions, 12 KB with AVX2) and the block's weights share L1 while each register
// block of filters runs over it. The register blocks of an item are unrolled: with a loop over them,
// Halide left the block's filter k as ((kq + base*4)*8 + j) % 32 (its simplifier factors kq*8 + base*32
// and then cannot reduce the modulus), so each of the 8 broadcast weights had an address of its own, and
// LLVM, short of registers for 8 pointers, rebuilt 4 of them in vector registers on every channel. Unrolled,
// the 8 are constant offsets from one pointer (2 threads 0.86-0.99x, 1 thread 0.84-0.94x the time).
// `in` is the generator's padded input (padded_input: the input itself in these builds): the panel.
template <typename Gen>
void positions_in_lanes_product(Gen& g, Func in, Func sums, const Var& x, const Var& y, const Var& k, const Var& n,
                                const RDom& rd, const std::string& method) {
  constexpr int kChunkPositions = 128, kMinItems = 16, kGroupBlocks = 8;
  constexpr int kCachedWeights = int(convlab::kL2BudgetFloats);  // algorithms/cache_budget.h
  const int V = kVectorLanes, F = kFilterBlock, cols = kPointwiseColumns, filters = kPointwiseFilters;
  Func output = g.output;
  g.output.dim(2).set_min(0);
  const Expr dense = g.weights.dim(1).extent() == 1 && g.weights.dim(2).extent() == 1 && g.stride_x == 1 &&
                     g.stride_y == 1 && g.pad_left == 0 && g.pad_top == 0;
  Var xo{"xo"}, xi{"xi"}, ko{"ko"}, ki{"ki"}, kg{"kg"}, t{"t"}, task{"task"}, in_task{"in_task"};
  // Items can be short (res2_1x1a: 24 positions x 64 filters x 64 channels, about 2 us), so a task of the
  // thread pool takes up to 16 consecutive ones, keeping at least 16 tasks: one item per task spent 12%
  // of the time in the pool's mutex (perf, items of one filter block).
  const Expr width = g.output.dim(0).extent();
  const Expr columns = (width + cols - 1) / cols * g.output.dim(1).extent() * g.output.dim(3).extent();
  const Expr groups = (g.output.dim(2).extent() + kGroupBlocks * F - 1) / (kGroupBlocks * F);
  auto items = [&](Stage out, Expr count, bool grouped) {
    out.split(k, ko, ki, F, TailStrategy::GuardWithIf);
    if (grouped) out.split(ko, kg, ko, kGroupBlocks, TailStrategy::GuardWithIf);
    out.split(x, xo, xi, cols, TailStrategy::ShiftInwards);
    if (grouped)
      out.reorder(xi, ki, ko, xo, kg, y, n).fuse(xo, kg, t).fuse(t, y, t);
    else
      out.reorder(xi, ki, ko, xo, y, n).fuse(xo, y, t);
    out.fuse(t, n, t)
        .split(t, task, in_task, clamp(count / 16, 1, 16), TailStrategy::GuardWithIf)
        .parallel(task)
        .vectorize(xi, V);
  };
  const Expr weights_fit = g.weights.dim(3).extent() * g.output.dim(2).extent() <= kCachedWeights;
  items(output.specialize(dense && width >= cols && columns >= kMinItems && weights_fit), columns, false);
  items(output.specialize(dense && width >= cols), columns * groups, true);
  output.specialize_fail(method + " positions_in_lanes: only 1x1, unit-stride, unpadded layers of at least " +
                         std::to_string(cols) + " positions per row");
  in.compute_at(output, in_task).bound_extent(in.args()[0], cols).vectorize(in.args()[0], V);
  sums.compute_at(output, ko).bound_extent(x, cols).bound_extent(k, F).vectorize(x, V);
  Var kq{"kq"}, kk{"kk"}, xv{"xv"}, xl{"xl"};
  RVar co{"co"}, ci{"ci"};
  sums.update()
      .split(k, kq, kk, filters)
      .split(x, xv, xl, V)
      .split(rd.z, co, ci, kChunkPositions, TailStrategy::GuardWithIf)
      .reorder(xl, xv, kk, ci, rd.x, rd.y, kq, co)
      .vectorize(xl)
      .unroll(xv)
      .unroll(kk)
      .unroll(kq);
}

// A row `width` wide as filters_in_lanes_products_by_width computes it: rounded up to whole blocks of
// columns (the columns per block chosen as it chooses them; `constant_offsets` a runtime condition here).
// The products' update adds into sums past the row's end and reads its producer (the padded input, or
// im2col's lowered rows) there, but Halide computes the sums' pure definition (the bias) and the producer
// only where the output reads: those sums and columns held whatever the heap held. Where that was denormal
// (memory oneDNN had used, say), every FMA on it took a microcode assist: Halide direct and im2col took 5x
// their time on ResNet-50's res5 1x1 layers in full sweeps, and up to 45x with the heap filled with
// denormals on purpose; MXCSR's DAZ bit made it vanish. The generators bound the sums, and the producer, to
// this width, so every value the products read has been written.
inline Expr row_in_whole_blocks(Expr width, Expr constant_offsets) {
  auto cols = [&](bool offsets) {
    return select(width <= kNarrowRow, int(block_cols(kNarrowRow, offsets)), width <= kMidRow, int(block_cols(kMidRow, offsets)),
                  int(block_cols(kMidRow + 1, offsets)));
  };
  const Expr c = select(constant_offsets, cols(true), cols(false));
  return (width + c - 1) / c * c;
}

// The position products of the tiled pipelines (Winograd, FFT), M(p, q, t, k, n) = Macc: per transform
// position (p, q), a sum over channels of U times V, with one tile index t. A parallel item is one position
// and 16-filter block (U's block, filter_block.h); per kTileBlock tiles, Macc holds 16 filters x those
// tiles, filter innermost (as M), and its update is the filters-in-lanes micro-kernel: `vectors` (1 or 2)
// filter vectors x `tiles` tiles of accumulators (a complex Macc has 2 per pair), the channel sum rc inside,
// so each broadcast V value feeds `vectors` FMAs (x 2 if complex) and each U vector `tiles`. M is internal:
// filter blocks round up, tile blocks as `tile_tail` says. A late layer's item is short (ResNet-50 res4 3x3 at F(4,3): 16 tiles,
// 256 channels, about 1.5 us), so a parallel task takes up to 16 consecutive items, keeping at least 16
// tasks: `items` is how many there are. With `parallel` false, the items run in order (bands in
// parallel: per_band_output).
// `tile_tail` is how a block's last tiles are taken. A RoundUp split alone computes whole blocks of `tiles`,
// but Halide computes V (and Macc's zeros) only for the tiles M needs, so the tiles past them were whatever
// the heap held (row_in_whole_blocks says why that matters). So with RoundUp, M's extent is aligned to
// whole blocks: M computes them, and V, computed outside M, is computed for every tile M's blocks read;
// stages that round tiles up themselves must take blocks that divide `tiles` (Winograd's transforms).
// GuardWithIf reads no tile past M's. FFT takes GuardWithIf (paired, 2 threads, new / old time: 9x9 C32
// 1.05x, 11x11 C16 1.00x, 15x15 C16 0.91x, 7x7 C32 1.03x, ResNet-50 res3 3x3 1.03x), Winograd RoundUp:
// guarded (with its transforms' tile blocks), its F(4,3) and F(6,3) took 1.1-1.4x the time on VGG-16's
// and ResNet-50's 3x3 layers, aligned 0.99-1.05x. The tiles per block: filter_block.h's kTileBlock.
inline void tile_block_product(Func M, Func Macc, const Var& p, const Var& q, const Var& t, const Var& k, const Var& n,
                               const RDom& rc, int vec, int vectors, int tiles, Expr items, TailStrategy tile_tail,
                               LoopLevel at = LoopLevel::root(), bool parallel = true) {
  Var kb("kb"), kf("kf"), tb("tb"), ti("ti"), pq("pq"), item("item"), tc("tc"), tj("tj"), kv("kv"), kl("kl");
  Var task("task"), in_task("in_task");
  M.reorder_storage(k, t, p, q, n)
      .compute_at(at)
      .split(k, kb, kf, kFilterBlock, TailStrategy::RoundUp)
      .split(t, tb, ti, kTileBlock, TailStrategy::GuardWithIf)
      .reorder(kf, ti, tb, kb, p, q, n)
      .fuse(p, q, pq)
      .fuse(kb, pq, item)
      .vectorize(kf, vec);
  if (parallel) M.split(item, task, in_task, clamp(items / 16, 1, 16), TailStrategy::GuardWithIf).parallel(task);
  if (tile_tail == TailStrategy::RoundUp) M.align_extent(t, tiles);
  // Macc on the stack: its size is a runtime value (the block's tiles, and all alpha positions, as Halide
  // bounds a fused position loosely), so Halide put it on the heap, one malloc and free per item and tile
  // block (360 per call on ResNet-50 res2 at F(4,3); Halide's profiler put 10% of the time in
  // halide_free). Paired, 2 threads, new / old time: Winograd res2 and res3 F(4,3) 1.00x, 0.99x, VGG-16
  // conv2_2 F(6,3) 0.97x; FFT 15x15 C16 and 9x9 C32 0.98x, 0.95x.
  Macc.compute_at(M, tb)
      .store_in(MemoryType::Stack)
      .reorder_storage(k, t, p, q, n)
      .reorder(k, t)
      .vectorize(k, vec)
      .unroll(k);
  Stage update = Macc.update();
  update.split(t, tc, tj, tiles, tile_tail).split(k, kv, kl, vec).vectorize(kl).unroll(tj);
  if (vectors == 2) {
    update.reorder(kl, kv, tj, rc, tc).unroll(kv);
  } else {
    update.reorder(kl, tj, rc, kv, tc);
  }
}

// The tiled pipelines' output columns: output column x (input column x1 = x * stride) is column x1 % m of
// tile column x1 / m, m (the outputs per tile) a runtime value. As tables over x, computed once
// (schedule()), they keep two integer divisions per lane out of the output's gather. The clamps bound the
// lookups for Halide's bounds inference; the values are in range already.
struct TileColumns {
  Func in_tile{"col_in_tile"}, tile{"tile_col"};
  Expr m, tiles_x;
  void define(const Var& x, Expr x1, Expr m_, Expr tiles_x_) {
    m = m_, tiles_x = tiles_x_;
    in_tile(x) = x1 % m;
    tile(x) = x1 / m;
  }
  Expr column(const Var& x) const { return clamp(in_tile(x), 0, m - 1); }
  Expr tile_column(const Var& x) const { return clamp(tile(x), 0, tiles_x - 1); }
  void schedule() {
    in_tile.compute_root();
    tile.compute_root();
  }
};

// The tiled pipelines' outer loop: the output in bands of `band` rows, filters parallel and x in vectors
// inside a band. Every other stage is computed per band (the returned level), so a band's transformed
// tiles and products stay in cache between the phases. With `parallel_bands`, the bands are the parallel
// loop instead, each band's stages running in order on its thread (their items per task kBandThread),
// so that a band's data stays in one core's cache (winograd_bands.h says when that pays).
// With `filters_first` (the output before bias with the filter index first, [k, x, y, n]: the layout of
// the filters-in-lanes schedules' tiles), the output is written in blocks of vec columns x vec filters:
// the block is loaded as vec vectors of filters and written as vec rows, LLVM turning the strided reads of
// the 8 x 8 block into register shuffles. Without it, each output vector gathered one float per lane,
// each from another cache line of the tiles.
inline LoopLevel per_band_output(Func output, const Var& x, const Var& y, const Var& k, const Var& n, Expr band, int vec,
                                 Func filters_first = Func(), bool parallel_bands = false) {
  Var yb("yb"), yi("yi");
  output.split(y, yb, yi, band, TailStrategy::GuardWithIf);
  if (parallel_bands) output.parallel(yb);
  if (!filters_first.defined()) {
    output.reorder(x, yi, k, yb, n).vectorize(x, vec, TailStrategy::GuardWithIf);
    if (!parallel_bands) output.parallel(k);
    return LoopLevel(output, yb);
  }
  Var xo("xo"), xi("xi"), ko("ko"), ki("ki");
  output.split(x, xo, xi, vec, TailStrategy::GuardWithIf)
      .split(k, ko, ki, vec, TailStrategy::GuardWithIf)
      .reorder(xi, ki, xo, yi, ko, yb, n)
      .vectorize(xi)
      .unroll(ki);
  if (!parallel_bands) output.parallel(ko);
  // A whole block always, past the output's edge too (the tiles' filters and tile columns round up).
  const Var fk = filters_first.args()[0], fx = filters_first.args()[1];
  filters_first.compute_at(output, xo).bound_extent(fk, vec).bound_extent(fx, vec).vectorize(fk).unroll(fx);
  return LoopLevel(output, yb);
}

// A transform stage's parallel loop over `item`, `per_task` consecutive items per task. Halide's thread pool
// takes its lock once per task, and a Winograd item (4 tiles and one vector of lanes) is a few microseconds
// of work: one item per task, VGG-16 conv2_2 at F(6,3) spent 15% of its time in halide_mutex_lock (perf).
// An FFT item (a whole tile's DFT pass) is long enough alone. The inner loop keeps the name `item`, the
// level the stages' first passes are computed at. kBandThread: no parallel loop, the bands are
// (per_band_output's parallel_bands).
constexpr int kBandThread = 0;
template <typename StageOrFunc>
void parallel_items(StageOrFunc s, const Var& item, int per_task) {
  if (per_task == kBandThread) return;
  if (per_task == 1) return (void)s.parallel(item);
  Var task("task");
  s.split(item, task, item, per_task, TailStrategy::GuardWithIf).parallel(task);
}

// A tiled pipeline's stage f(p, q, t, lane, n), computed at `at`: `lane` (channels or filters) in the vector
// lanes, rounded up to whole vectors; an item ("item") per tile and vector of lanes, `per_task` items per
// parallel task.
inline void lanes_per_tile(Func f, LoopLevel at, const Var& p, const Var& q, const Var& t, const Var& lane, const Var& n,
                           int vec, int per_task) {
  Var lo("lo"), ll("ll"), item("item");
  f.compute_at(at)
      .split(lane, lo, ll, vec, TailStrategy::RoundUp)
      .reorder(ll, p, q, t, lo, n)
      .fuse(t, lo, item)
      .vectorize(ll);
  parallel_items(f, item, per_task);
}

// An update of a tiled pipeline's transform pass, f(p, q, t, lane, n) += coefficient * g(.., r, t, lane, n)
// summed over r: `lane` in vectors, an item ("item") per block of `tiles` tiles (the transform sizes are
// runtime values, so the tiles are the block that is always whole) and vector of lanes, `per_task` items per
// parallel task. The sum over r is innermost, one output vector's sum at a time, so that it stays in a
// register and f is stored once per output. f's tiles lie a runtime stride apart, so LLVM cannot tell their
// stores apart: with the tiles' sums interleaved (r outside the tiles), every term reloaded and stored each
// tile's partial sum. Paired, 2 threads, 12 pairs, new / old time: Halide Winograd 7x7 C32 F(2,7) 0.85x,
// 0.88x; F(4,3) and F(6,3) on ResNet-50 res2 and VGG-16 conv1_2 and conv2_1 0.96-1.03x (the constant
// coefficients' zero terms left those passes shorter chains).
inline void tile_blocked_transform(Stage s, const Var& p, const Var& q, const Var& t, const Var& lane, const Var& n,
                                   const RVar& r, int vec, int tiles, int per_task) {
  Var lo("lo"), ll("ll"), to("to"), tj("tj"), item("item");
  s.split(lane, lo, ll, vec, TailStrategy::RoundUp)
      .split(t, to, tj, tiles, TailStrategy::RoundUp)
      .reorder(ll, r, tj, p, q, to, lo, n)
      .fuse(to, lo, item)
      .vectorize(ll)
      .unroll(tj);
  parallel_items(s, item, per_task);
}

// A transform pass whose sum `r` runs over a runtime tile size: `pass` (its schedule) is applied to each of
// f's update specializations for the given tile sizes, where `r` has a constant trip count and is unrolled,
// then to the general update, which keeps the loop.
// `pass` may take the tail strategy for blocks of outputs that divide the specialized sizes but maybe not
// others: RoundUp where the size is one of `sizes`, GuardWithIf in the general update (a rounded-up block
// there read the DFT matrices past their end: Halide FFT's tile7).
inline void per_tile_size(Func f, const std::vector<Expr>& sizes, const RVar& r,
                          const std::function<void(Stage, TailStrategy)>& pass) {
  for (const Expr& size : sizes) pass(f.update().specialize(size).unroll(r), TailStrategy::RoundUp);
  pass(f.update(), TailStrategy::GuardWithIf);
}
inline void per_tile_size(Func f, const std::vector<Expr>& sizes, const RVar& r, const std::function<void(Stage)>& pass) {
  per_tile_size(f, sizes, r, [&](Stage s, TailStrategy) { pass(s); });
}

}  // namespace convlab_halide
