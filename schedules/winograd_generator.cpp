// Winograd F(m x m, r x s) convolution as a Halide pipeline: input transform, one product over channels
// per transform position, output transform. The transform matrices are inputs, generated on the host by
// the same Cook-Toom code as the plain method (algorithms/winograd/cook_toom.cpp), and so are the
// transformed weights U = G g G^T (made once per weight set): any F(m, r) runs through one pipeline.
// Built with fixed_m = 2, 4 or 6, the pipeline is F(m, 3) only, with the transform matrices the plain
// method's compile-time tables (algorithms/winograd/winograd_fixed.h) instead of inputs, so that every
// coefficient is a constant once the transform passes are unrolled: zero terms vanish (B^T of F(6,3) has 44
// non-zeros of 64). The host runs these builds for those tiles; the matrix inputs are then unused.
#include "common.h"
#include "winograd/winograd_fixed.h"

namespace {

using namespace Halide;

class WinogradConv : public Generator<WinogradConv> {
 public:
  GeneratorParam<int> fixed_m{"fixed_m", 0};  // 0: any F(m, r), matrices as inputs; 2, 4, 6: F(m, 3), constants
  // The schedule for images of few tiles (schedule_tiles_in_lanes), fixed builds only.
  GeneratorParam<bool> tiles_in_lanes{"tiles_in_lanes", false};
  // The filters-in-lanes schedule with its bands in parallel, each band's phases on one thread
  // (winograd_bands.h says when the host runs it).
  GeneratorParam<bool> parallel_bands{"parallel_bands", false};
  Input<Buffer<float>> input{"input", 4};  // [x, y, c, n]
  Input<Buffer<float>> U{"U", 5};          // [f, c, a, b, kb]: filter kb * kFilterBlock + f, a along x, b along y
                                           // (tiles_in_lanes: blocks of 6 filters, filter_block.h)
  Input<Buffer<float>> BTw{"BTw", 2};      // B^T for columns, [col, row] (alpha_w x alpha_w)
  Input<Buffer<float>> BTh{"BTh", 2};      // B^T for rows
  Input<Buffer<float>> ATw{"ATw", 2};      // A^T for columns, [col, row] (alpha_w columns, m_w rows)
  Input<Buffer<float>> ATh{"ATh", 2};
  Input<Buffer<float>> bias{"bias", 1};
  Input<int> tiles_x{"tiles_x", 1, 1, 1 << 20};  // tiles per row of the tile grid
  Input<int> pad_left{"pad_left", 0, 0, 1 << 20}, pad_top{"pad_top", 0, 0, 1 << 20};
  Input<int> band_rows{"band_rows", 1, 1, 1 << 20};  // output rows per band (winograd_bands.h, from the host)
  Output<Buffer<float>> output{"output", 4};  // [x, y, k, n]

  void generate() {
    // THE ALGORITHM
    Expr aw = BTw.dim(0).extent(), ah = BTh.dim(0).extent(), mw = ATw.dim(1).extent(), mh = ATh.dim(1).extent();
    // The matrices' coefficients (column, row), from the inputs or, fixed, from the constant tables.
    std::function<Expr(Expr, Expr)> btw = [&](Expr col, Expr row) { return BTw(col, row); };
    std::function<Expr(Expr, Expr)> bth = [&](Expr col, Expr row) { return BTh(col, row); };
    std::function<Expr(Expr, Expr)> atw = [&](Expr col, Expr row) { return ATw(col, row); };
    std::function<Expr(Expr, Expr)> ath = [&](Expr col, Expr row) { return ATh(col, row); };
    if (fixed_m != 0) {
      const convlab::winograd_fixed::Tile* f = convlab::winograd_fixed::tile(fixed_m, 3);
      if (!f) throw std::invalid_argument("winograd_conv: fixed_m must be 0, 2, 4 or 6");
      aw = ah = f->alpha, mw = mh = f->m;
      btw = bth = [f](Expr col, Expr row) { return constant_coefficient(f->bt, f->alpha, f->alpha, col, row); };
      atw = ath = [f](Expr col, Expr row) { return constant_coefficient(f->at, f->alpha, f->m, col, row); };
    }
    // Bounded in all four dimensions, though only x and y have a border: the schedules read channels past
    // C (vectors of channels rounded up) and take zeros there (bounded in x and y only, the pipeline
    // failed: "Input buffer input is accessed at 512, which is beyond the max (511) in dimension 2").
    in = BoundaryConditions::constant_exterior(input, 0.0f);
    // Tile t = tx + tiles_x * ty of alpha_w x alpha_w inputs starts at output (tx * m_w, ty * m_h):
    // overlap-save. One tile index, so a block of the product's tiles is full however few tiles a row of
    // the image has (2 at F(6) on a 7-wide layer).
    in_c(c, x, y, n) = in(x, y, c, n);  // channels innermost: a copy in the filters-in-lanes schedule
    d(i, j, t, c, n) = in_c(c, (t % tiles_x) * mw + i - pad_left, (t / tiles_x) * mh + j - pad_top, n);
    // V = B_h^T d B_w, as two passes of small matrix products.
    ri = RDom(0, aw, "ri"), rj = RDom(0, ah, "rj");
    convlab_halide::sum_over(tmp, {a, j, t, c, n}, ri, {btw(ri, a) * d(ri, j, t, c, n)});
    convlab_halide::sum_over(V, {a, b, t, c, n}, rj, {bth(rj, b) * tmp(a, rj, t, c, n)});
    // M[a, b] = U[a, b] (K x C) times V[a, b] (C x tiles): where the time should go.
    // U comes in blocks of kFilterBlock filters (6 with tiles in lanes), filter innermost (filter_block.h): a block's
    // weights for one position are contiguous over channels.
    const int block = tiles_in_lanes ? convlab_halide::kLaneFilterBlock : convlab_halide::kFilterBlock;
    U.dim(0).set_bounds(0, block);
    auto u = [&](Expr a_, Expr b_, Expr c_, Expr k_) { return U(k_ % block, c_, a_, b_, k_ / block); };
    rc = RDom(0, input.dim(2).extent(), "rc");
    Macc(a, b, t, k, n) = 0.0f;
    Macc(a, b, t, k, n) += u(a, b, rc, k) * V(a, b, t, rc, n);
    M(a, b, t, k, n) = Macc(a, b, t, k, n);
    // Y = A_h^T M A_w, then bias; output pixel (x, y) is element (x mod m, y mod m) of tile (x / m, y / m).
    ra = RDom(0, aw, "ra"), rb = RDom(0, ah, "rb");
    convlab_halide::sum_over(o1, {i, b, t, k, n}, ra, {atw(ra, i) * M(ra, b, t, k, n)});
    convlab_halide::sum_over(Y, {i, j, t, k, n}, rb, {ath(rb, j) * o1(i, rb, t, k, n)});
    cols.define(x, x, mw, tiles_x);
    filters_first(k, x, y, n) = Y(cols.column(x), y % mh, cols.tile_column(x) + tiles_x * (y / mh), k, n);
    output(x, y, k, n) = bias(k) + filters_first(k, x, y, n);

    // THE SCHEDULE
    if (auto_schedule) {
      set_estimates();
    } else if (tiles_in_lanes) {
      if (fixed_m == 0) throw std::invalid_argument("winograd_conv: tiles_in_lanes needs fixed_m");
      if (parallel_bands) throw std::invalid_argument("winograd_conv: parallel_bands is the filters-in-lanes schedule's");
      schedule_tiles_in_lanes();
    } else {
      schedule_transform_then_tile_gemm();
    }
  }

 private:
  Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, c{"c"}, a{"a"}, b{"b"}, i{"i"}, j{"j"}, t{"t"};
  Func in{"in"};  // the zero-padded input
  Func in_c{"in_c"};  // the same, channels innermost ([c, x, y, n])
  Func d{"d"}, tmp{"tmp"}, V{"V"}, Macc{"Macc"}, M{"M"}, o1{"o1"}, Y{"Y"};
  Func filters_first{"filters_first"};  // the output before bias, [k, x, y, n] (common.h's per_band_output)
  convlab_halide::TileColumns cols;  // output column x's tile column and column in it
  RDom ri, rj, rc, ra, rb;  // transform sums, channel sum, inverse-transform sums

  // table[row][col] as an expression: a constant wherever col and row are (the unrolled passes).
  static Expr constant_coefficient(const float* table, int cols, int rows, Expr col, Expr row) {
    Expr e = 0.0f;
    for (int r = 0; r < rows; ++r)
      for (int q = 0; q < cols; ++q)
        if (table[r * cols + q] != 0.0f) e = select(col == q && row == r, table[r * cols + q], e);
    return e;
  }

  // A transform pass f(p, q) += coefficient(r, coef) * g(.., r, ..), scheduled by `pass`. The sum runs over
  // alpha (the tile's side), a runtime value in the general build: the pass is specialized for square tiles
  // of side 4, 6 and 8 (F(2), F(4), F(6) with 3x3 kernels), where the sum's loop has a constant trip count
  // and is unrolled; other tiles run the loop. Fixed, both the sum r and the coefficient's own index `coef`
  // (of constant extent `extent`) are unrolled, so that every coefficient is a constant.
  void transform_pass(Func f, const RVar& r, const Var& coef, int extent, const std::function<void(Stage)>& pass) {
    if (fixed_m == 0) {
      std::vector<Expr> square;
      for (int side : {8, 6, 4}) square.push_back(BTw.dim(0).extent() == side && BTh.dim(0).extent() == side);
      return convlab_halide::per_tile_size(f, square, r, pass);
    }
    f.bound(coef, 0, extent);
    Stage s = f.update();
    pass(s);
    s.unroll(r).unroll(coef);
  }

  // The output in bands of band_rows rows (whole tile rows, at most the output's height: winograd_bands.h),
  // the level every stage is computed at.
  LoopLevel bands(int vec, Func filters_first = Func()) {
    return convlab_halide::per_band_output(output, x, y, k, n, band_rows, vec, filters_first, parallel_bands);
  }

  // Channels (filters) in the vector lanes everywhere, so every vector is full however few tiles an image
  // has: V and M are stored channel (filter) innermost, [c, t, a, b]. Transforms: per kTransformTiles tiles
  // and a vector of channels (filters) an item, kItemsPerTask items a parallel task, each pass a small
  // matrix product, each coefficient a broadcast: the first with kTransformTiles tiles of accumulators over
  // the summed index (on the item's own buffer), the second one output's sum at a time (common.h's
  // tile_blocked_transform says why). The transform sizes are runtime values, so the tiles are the block
  // that is always whole.
  // Products: common.h's tile_block_product, the direct schedule's micro-kernel with tiles for output
  // columns, per position and filter block. The host pads U with zero filters to whole blocks; V and M are
  // internal, so channel, filter and tile blocks round up (the padded input reads zeros). All of it runs
  // per band of output rows (bands()), so a band's V and M stay in cache between the phases on large
  // images; smaller images are one band. Output: the final copy vectorized along x.
  // With parallel_bands, the bands are the parallel loop and each band's stages run on its thread, in order.
  // A band's tiles round up in three places: the products' blocks of kTiles and both transforms' blocks of
  // kTransformTiles. M's tiles are aligned to kTiles and kTransformTiles divides kTiles, so every tile a
  // rounded block reads is one that M's aligned blocks computed (common.h's tile_block_product). Unaligned,
  // with transform blocks of 4, the products and the output transform read tiles nobody wrote
  // (tests/schedules/test_halide_initialized.cpp). Aligned with blocks of 3 against that (paired, 2
  // threads, heap policy fixed: harness/malloc_policy.h): ResNet-50 res2-res5 F(4,3) 1.01x, 0.87x, 0.99x,
  // 0.96x the time, res2 F(6,3) 1.04x, VGG-16 conv2_2 and conv4 F(6,3) 1.05x, 1.04x; blocks of 6 took
  // 1.09x blocks of 3 on res2 F(6,3), blocks of 2 1.00x.
  static constexpr int kTiles = 6, kTransformTiles = 3;
  static_assert(kTiles % kTransformTiles == 0, "a transform's rounded tile block must lie in M's aligned blocks");
  // Transform items per parallel task (common.h's parallel_items), in both schedules.
  static constexpr int kItemsPerTask = 4;
  void schedule_transform_then_tile_gemm() {
    const int vec = convlab_halide::kVectorLanes;
    const TailStrategy up = TailStrategy::RoundUp;
    output.dim(2).set_min(0);  // blocks of kFilterBlock filters: dense vector loads from U
    Var to{"to"}, tj{"tj"}, item{"item"};
    const LoopLevel per_band = bands(vec, filters_first);
    const int per_task = parallel_bands ? convlab_halide::kBandThread : kItemsPerTask;
    d.reorder_storage(c, i, j, t, n);
    tmp.reorder_storage(c, a, j, t, n);
    V.reorder_storage(c, t, a, b, n);
    o1.reorder_storage(k, i, b, t, n);
    Y.reorder_storage(k, i, j, t, n);
    const int alpha = fixed_m + 2, m = fixed_m;  // fixed builds only
    // A first pass, computed per item of the second: kTransformTiles tiles of accumulators, `lane` in vectors.
    auto item_pass = [&](Stage s, const Var& lane, const RVar& r, const Var& p, const Var& q) {
      s.split(t, to, tj, kTransformTiles, up).reorder(lane, tj, r, p, q, to).vectorize(lane, vec, up).unroll(tj);
    };
    // Input transform: V[a, b] = sum_j BTh[b, j] tmp[a, j], tmp[a, j] = sum_i BTw[a, i] d[i, j].
    convlab_halide::lanes_per_tile(V, per_band, a, b, t, c, n, vec, per_task);
    transform_pass(V, rj, b, alpha, [&](Stage s) {
      convlab_halide::tile_blocked_transform(s, a, b, t, c, n, rj, vec, kTransformTiles, per_task);
    });
    d.compute_at(V, item).reorder(c, i, j, t).vectorize(c, vec, up);
    // The band's input, channels innermost, once: the tiles overlap, so d would gather each input value
    // (16 channels a plane apart per vector) (alpha / m)^2 times, 1.8 at F(6,3).
    Var co{"co"}, ci{"ci"};
    in_c.compute_at(per_band).split(c, co, ci, vec, up).reorder(ci, x, co, y).vectorize(ci);
    if (!parallel_bands) in_c.parallel(y);
    tmp.compute_at(V, item);
    transform_pass(tmp, ri, a, alpha, [&](Stage s) { item_pass(s, c, ri, a, j); });
    // Products: 2 filter vectors x kTiles tiles of accumulators.
    const Expr positions = U.dim(2).extent() * U.dim(3).extent();
    convlab_halide::tile_block_product(M, Macc, a, b, t, k, n, rc, vec, 2, kTiles, positions * U.dim(4).extent(),
                                       TailStrategy::RoundUp, per_band, !parallel_bands);
    // Output transform: Y[i, j] = sum_b ATh[j, b] o1[i, b], o1[i, b] = sum_a ATw[i, a] M[a, b].
    convlab_halide::lanes_per_tile(Y, per_band, i, j, t, k, n, vec, per_task);
    transform_pass(Y, rb, j, m, [&](Stage s) {
      convlab_halide::tile_blocked_transform(s, i, j, t, k, n, rb, vec, kTransformTiles, per_task);
    });
    o1.compute_at(Y, item);
    transform_pass(o1, ra, i, m, [&](Stage s) { item_pass(s, k, ra, i, b); });
    cols.schedule();
  }

  // Late layers have few tiles (ResNet-50 res4 3x3 at F(4,3): 16 per image), where filters in lanes
  // (above) read each position's U once per block of kTiles tiles and round 16 tiles up to 18. Here the
  // tiles are in the lanes instead, as in the plain method's lane_product (algorithms/tiled/lane_product.h,
  // NNPACK's tuple GEMM): V, M and the output transform are stored tile innermost, [t, c, a, b]; per position,
  // block of kLaneTiles tiles and kLaneGroup filters a parallel item, whose product keeps kLaneFilters
  // filters x 2 tile vectors of accumulators, each U value a broadcast feeding 2 FMAs, each V vector
  // kLaneFilters. U is read once per block of tiles: once in all where an image has at most 16. Transforms
  // are vectorized over tiles, the input's tile gather a strided load per lane (a small share at few tiles).
  // Tiles round up to whole blocks (the padded input reads zeros), and M's filters are aligned to whole
  // register blocks, which the output transform's blocks of kTransformTiles filters divide.
  static constexpr int kLaneTiles = convlab_halide::kLaneTileBlock, kLaneFilters = convlab_halide::kLaneFilterBlock,
                       kLaneGroup = convlab_halide::kLaneFilterGroup;
  static_assert(kLaneFilters % kTransformTiles == 0, "the output transform's filter blocks lie in M's aligned ones");
  void schedule_tiles_in_lanes() {
    const int vec = convlab_halide::kVectorLanes;
    const TailStrategy up = TailStrategy::RoundUp;
    const int alpha = fixed_m + 2, m = fixed_m;
    output.dim(2).set_min(0);  // register blocks of filters are U's blocks
    Var item{"item"}, tb{"tb"}, ti{"ti"}, tv{"tv"}, tl{"tl"};
    Var kg{"kg"}, kk{"kk"}, kc{"kc"}, kj{"kj"}, ab{"ab"};
    const LoopLevel per_band = bands(vec);
    d.reorder_storage(t, i, j, c, n);
    tmp.reorder_storage(t, a, j, c, n);
    V.reorder_storage(t, c, a, b, n);
    M.reorder_storage(t, k, a, b, n);
    o1.reorder_storage(t, i, b, k, n);
    Y.reorder_storage(t, i, j, k, n);
    // Transforms: common.h's stages with the roles of tiles and channels (filters) swapped, a vector of tiles
    // and a block of kTransformTiles channels (filters) per item.
    convlab_halide::lanes_per_tile(V, per_band, a, b, c, t, n, vec, kItemsPerTask);
    // V's tiles are aligned to the products' blocks of kLaneTiles: Halide computed them only for the tiles
    // M needs, rounded up to a vector, and a block of 16 read tiles 8-15 of images of at most 8 tiles
    // (F(4,3) and F(6,3) on 7x7: 4) where nothing had written them (test_halide_initialized.cpp).
    V.align_bounds(t, kLaneTiles);
    transform_pass(V, rj, b, alpha, [&](Stage s) {
      convlab_halide::tile_blocked_transform(s, a, b, c, t, n, rj, vec, kTransformTiles, kItemsPerTask);
    });
    d.compute_at(V, item).reorder(t, i, j, c).vectorize(t, vec, up);
    // The first pass of each transform, per item of the second, one channel (filter) at a time.
    tmp.compute_at(V, item);
    transform_pass(tmp, ri, a, alpha, [&](Stage s) { s.reorder(t, ri, a, j, c).vectorize(t, vec, up); });
    // Products.
    M.compute_at(per_band)
        .split(t, tb, ti, kLaneTiles, up)
        .split(k, kg, kk, kLaneGroup, TailStrategy::GuardWithIf)
        .reorder(ti, kk, tb, a, b, kg, n)
        .fuse(a, b, ab)
        .fuse(ab, kg, item)
        .parallel(item)
        .vectorize(ti, vec)
        .align_extent(k, kLaneFilters);  // Macc's blocks and the output transform's (kTransformTiles) whole
    Macc.compute_at(M, tb).vectorize(t, vec).unroll(t);
    Macc.update()
        .split(t, tv, tl, vec)
        .split(k, kc, kj, kLaneFilters, up)
        .reorder(tl, tv, kj, rc, kc)
        .vectorize(tl)
        .unroll(tv)
        .unroll(kj);
    convlab_halide::lanes_per_tile(Y, per_band, i, j, k, t, n, vec, kItemsPerTask);
    transform_pass(Y, rb, j, m, [&](Stage s) {
      convlab_halide::tile_blocked_transform(s, i, j, k, t, n, rb, vec, kTransformTiles, kItemsPerTask);
    });
    o1.compute_at(Y, item);
    transform_pass(o1, ra, i, m, [&](Stage s) { s.reorder(t, ra, i, b, k).vectorize(t, vec, up); });
    cols.schedule();
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
    tiles_x.set_estimate(14), pad_left.set_estimate(1), pad_top.set_estimate(1), band_rows.set_estimate(16);
    output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(WinogradConv, winograd_conv)
