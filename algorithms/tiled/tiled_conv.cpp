#include "tiled_conv.h"

#include <cblas.h>
#include <dnnl.h>
#include <omp.h>

#include <algorithm>
#include <stdexcept>

#include "../kernel_layout.h"
#include "../phase_timer.h"
#include "lane_product.h"
#include "lane_transpose.h"

namespace convlab {

// Largest tile (rows x 8-rounded columns) that gather_tiles/scatter_tiles move through registers: 32 x 32.
constexpr int64_t kEdgeFloats = 1024;

void TiledConv::plan(const ConvProblem& p) {
  p_ = p;
  t_ = make_transform(p);
  vals_ = t_->complex ? 2 : 1;
  oh1_ = p.h + p.pt + p.pb - p.eff_r() + 1;
  ow1_ = p.w + p.pl + p.pr - p.eff_s() + 1;
  tiles_h_ = (oh1_ + t_->out_h - 1) / t_->out_h;
  tiles_w_ = (ow1_ + t_->out_w - 1) / t_->out_w;
  tiles_ = p.n * tiles_h_ * tiles_w_;
  constexpr int L = TileTransform::kLanes;
  tile_blocks_ = (tiles_ + L - 1) / L;
  const size_t P = size_t(t_->positions);
  // Fused batches re-read all of U once per batch of kLanes tiles, from the last-level cache at best; the
  // three-phase form instead writes and re-reads V and M through memory. Fuse when U is small enough to
  // stay cached and re-reading it costs less than V and M's round trip (L3 taken as ~4x memory's
  // bandwidth): large images with few channels (ResNet-50 res2, VGG-16 conv1-2), not small deep layers.
  const double u_bytes = 4.0 * double(P) * double(p.k * p.c);
  const double vm_bytes = 4.0 * double(P) * double((p.c + p.k) * tiles_);
  fused_ = !t_->complex && u_bytes <= 4e6 && u_bytes * double(tile_blocks_) < 4.0 * 2.0 * vm_bytes;
  // Three-phase and real: lane_product where a position's V is narrow (at most 64 KB: few tiles, the late
  // layers), where a library GEMM's per-call packing of U outweighs the product; dnnl_sgemm on wide ones,
  // where lane_product was no faster and its blocked layout cost the transforms their row order (VGG-16
  // conv3_2 F(6,3), 100 tiles: 1.11-1.15x the time, paired).
  lanes_ = !t_->complex && !fused_ && double(tile_blocks_ * L) * double(p.c) * 4.0 <= 65536.0;
  // Real transforms: filter blocks of near-equal size, none above lane_product's register block (fused,
  // one tile vector: 64 = 11, 11, 11, 11, 10, 10 with AVX2; three-phase, two tile vectors at a time).
  filter_blocks_.clear();
  if (fused_ || lanes_) {
    const int max_filters = kLaneProductFilters[fused_ ? 1 : 2];
    const int64_t nblocks = (p.k + max_filters - 1) / max_filters;
    for (int64_t kb = 0, k0 = 0; kb < nblocks; ++kb) {
      const int nk = int(p.k / nblocks + (kb < p.k % nblocks ? 1 : 0));
      filter_blocks_.push_back({k0, nk});
      k0 += nk;
    }
  }
  U_.resize(P * size_t(p.k * p.c * vals_));
  // lanes_: whole tile blocks (lane_product's layout), the last one's missing lanes computed on zeros.
  V_.resize(fused_ ? 0 : P * size_t(lanes_ ? position_stride(p.c) : p.c * tiles_ * vals_));
  M_.resize(fused_ ? 0 : P * size_t(lanes_ ? position_stride(p.k) : p.k * tiles_ * vals_));
  bias_.resize(size_t(p.k));
  // Per thread: the transform's scratch, one batch of gathered tiles, and the staging of a partial batch
  // (all positions x kLanes values), each rounded to whole cache lines.
  auto lines = [](size_t floats) { return (floats + 15) / 16 * 16; };
  scratch_per_thread_ = lines(t_->scratch_floats()) + lines(size_t(t_->in_h * t_->in_w) * L) + lines(P * L * vals_);
  if (fused_) scratch_per_thread_ = fused_floats_per_thread();
  scratch_.resize(scratch_per_thread_ * size_t(omp_get_max_threads()));
  phases_.clear();
}

void transform_weights(const ConvProblem& p, const TileTransform& t, const float* w, float* out, size_t kc_stride,
                       size_t pos_stride) {
  const int kh = int(p.eff_r()), kw = int(p.eff_s());
#pragma omp parallel
  {
    Buffer<float> scratch(t.scratch_floats());
    std::vector<float> g(size_t(kh * kw));
#pragma omp for collapse(2) schedule(static)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t c = 0; c < p.c; ++c) {
        std::fill(g.begin(), g.end(), 0.0f);  // dilation: taps between the kernel's own stay zero
        for (int64_t y = 0; y < p.r; ++y)
          for (int64_t x = 0; x < p.s; ++x) g[size_t(y * p.dh * kw + x * p.dw)] = xcorr_weight(p, w, k, c, y, x);
        t.kernel(g.data(), kh, kw, out + size_t(k * p.c + c) * kc_stride, pos_stride, scratch.data());
      }
  }
}

void TiledConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  const ConvProblem& p = p_;
  transform_weights(p, *t_, w, U_.data(), size_t(vals_), size_t(p.k * p.c * vals_));
  if (fused_ || lanes_) {  // [P][K][C] -> per filter block and position [C][nk]: lane_product reads U in order
    Buffer<float> pkc(U_.size());
    std::copy(U_.data(), U_.data() + U_.size(), pkc.data());
    const int64_t K = p.k, C = p.c, P = t_->positions;
    for (const auto& [k0, nk] : filter_blocks_)
      for (int64_t pos = 0; pos < P; ++pos) {
        float* blk = U_.data() + u_block(k0, nk, pos);
        for (int64_t c = 0; c < C; ++c)
          for (int i = 0; i < nk; ++i) blk[c * nk + i] = pkc[size_t((pos * K + k0 + i) * C + c)];
      }
  }
  bias_or_zero(p, bias, bias_.data());
  weight_ms_ = t.ms();
}

// A batch of lanes [t0, t0 + lanes) of a P-position row: a full batch is read/written in place, a partial
// one through the staging area, so V and M hold exactly tiles_ columns (no work on missing tiles in GEMM).
struct LaneStage {
  float* stage;  // [P][kLanes * vals]
  size_t P;
  int vals;
  void to_row(float* row, size_t stride, int lanes) const {  // staging -> V
    for (size_t p = 0; p < P; ++p)
      std::copy(stage + p * TileTransform::kLanes * vals, stage + p * TileTransform::kLanes * vals + lanes * vals, row + p * stride);
  }
  void from_row(const float* row, size_t stride, int lanes) const {  // M -> staging, missing lanes zero
    for (size_t p = 0; p < P; ++p) {
      float* dst = stage + p * TileTransform::kLanes * vals;
      std::copy(row + p * stride, row + p * stride + lanes * vals, dst);
      std::fill(dst + lanes * vals, dst + TileTransform::kLanes * vals, 0.0f);
    }
  }
};

// Every cache line of row[x0, x1), for reading (RW 0) or writing (1).
template <int RW>
static void prefetch_span(const float* row, int64_t x0, int64_t x1) {
  for (int64_t x = x0; x < x1; x += 16) __builtin_prefetch(row + x, RW);
  __builtin_prefetch(row + x1 - 1, RW);
}

// Asks for the input rows of the batch's tiles of channel c ahead of their gather_tiles. A batch reads
// a few lines of each of its rows, then moves to the next channel's plane (a whole plane away): streams too
// short for the hardware prefetcher, so each gather waited on L3 or memory (28% of plain Winograd's time on
// VGG-16 conv1_2, perf). Consecutive lanes of one tile row share their lines: each row's span is fetched once.
void TiledConv::prefetch_tiles(const float* input, int64_t c, const TileBatch& batch) const {
  const ConvProblem& p = p_;
  for_each_tile_run(batch, [&](int64_t n, int64_t ty, int64_t tx, int run) {
    const int64_t x0 = std::max<int64_t>(0, tx * t_->out_w - p.pl);
    const int64_t x1 = std::min<int64_t>(p.w, (tx + run - 1) * t_->out_w - p.pl + t_->in_w);
    const int64_t y0 = std::max<int64_t>(0, ty * t_->out_h - p.pt);
    const int64_t y1 = std::min<int64_t>(p.h, ty * t_->out_h - p.pt + t_->in_h);
    const float* plane = input + (n * p.c + c) * p.h * p.w;
    for (int64_t y = y0; y < y1 && x0 < x1; ++y) prefetch_span<0>(plane + y * p.w, x0, x1);
  });
}

// The same for the output rows scatter_tiles writes for filter k (stride 1), fetched for writing.
void TiledConv::prefetch_output(float* output, int64_t k, const TileBatch& batch) const {
  const ConvProblem& p = p_;
  const int64_t OH = p.oh(), OW = p.ow();
  for_each_tile_run(batch, [&](int64_t n, int64_t ty, int64_t tx, int run) {
    const int64_t x0 = tx * t_->out_w, x1 = std::min<int64_t>(OW, (tx + run) * t_->out_w);
    const int64_t y1 = std::min<int64_t>(OH, (ty + 1) * t_->out_h);
    const float* plane = output + (n * p.k + k) * OH * OW;
    for (int64_t y = ty * t_->out_h; y < y1 && x0 < x1; ++y) prefetch_span<1>(plane + y * OW, x0, x1);
  });
}

// The batch's tiles of channel c, one per lane: tiles[e * kLanes + l] = element e of lane l's tile; lanes
// from `lanes` on (past the last tile) are zeros.
void TiledConv::gather_tiles(const float* input, int64_t c, const TileBatch& batch, float* tiles) const {
  const ConvProblem& p = p_;
  const int lanes = batch.lanes;
  constexpr int L = TileTransform::kLanes;
  const int ih = t_->in_h, iw = t_->in_w;
  const int64_t span = (iw + 7) / 8 * 8;  // floats read per tile row
  if (ih * span <= kEdgeFloats) {
    // Row pieces transposed in registers, 8 lanes at a time. A lane whose tile lies inside the image reads
    // it in place; a border tile is first copied, zero-padded, to a small buffer; missing lanes read zeros.
    alignas(32) float edge[L][kEdgeFloats];
    const float* src[L];
    int64_t pitch[L];
    for (int l = 0; l < L; ++l) {
      if (l >= lanes) {
        std::fill(edge[l], edge[l] + span, 0.0f);
        src[l] = edge[l], pitch[l] = 0;
        continue;
      }
      const auto [n, ty, tx] = batch.at[l];
      const int64_t y0 = ty * t_->out_h - p.pt, x0 = tx * t_->out_w - p.pl;
      const float* plane = input + (n * p.c + c) * p.h * p.w;
      if (y0 >= 0 && y0 + ih <= p.h && x0 >= 0 && x0 + span <= p.w) {
        src[l] = plane + y0 * p.w + x0, pitch[l] = p.w;
        continue;
      }
#ifdef __AVX2__
      // Each row piece built in a register and stored whole (row_piece); rows outside the image are zeros.
      for (int i = 0; i < ih; ++i) {
        const int64_t y = y0 + i;
        for (int64_t jb = 0; jb < span; jb += 8)
          _mm256_store_ps(edge[l] + i * span + jb,
                          y >= 0 && y < p.h ? row_piece(plane + y * p.w, p.w, x0 + jb) : _mm256_setzero_ps());
      }
#else
      // Columns [lo, hi) of the tile lie inside the image; rows outside it are zeros.
      const int64_t lo = std::min<int64_t>(iw, std::max<int64_t>(0, -x0));
      const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(iw, p.w - x0));
      for (int i = 0; i < ih; ++i) {
        float* e = edge[l] + i * span;
        const int64_t y = y0 + i;
        const bool row_in = y >= 0 && y < p.h;
        for (int64_t j = 0; j < span; ++j) e[j] = row_in && j >= lo && j < hi ? plane[y * p.w + x0 + j] : 0.0f;
      }
#endif
      src[l] = edge[l], pitch[l] = span;
    }
    for (int i = 0; i < ih; ++i)
      for (int jb = 0; jb < iw; jb += 8)
        for (int g = 0; g < L; g += 8) {  // lanes 8 at a time
          const float* rows[8];
          for (int l = 0; l < 8; ++l) rows[l] = src[g + l] + i * pitch[g + l] + jb;
          rows_to_lanes(rows, std::min(8, iw - jb), tiles + size_t(i * iw + jb) * L + g, L);
        }
    return;
  }
  for (int l = 0; l < L; ++l) {
    if (l >= lanes) {  // lanes past the last tile: zeros
      for (int e = 0; e < ih * iw; ++e) tiles[e * L + l] = 0.0f;
      continue;
    }
    const auto [n, ty, tx] = batch.at[l];
    const float* plane = input + (n * p.c + c) * p.h * p.w;
    // Tile origin in input coordinates (padding makes it negative at the top/left border).
    const int64_t y0 = ty * t_->out_h - p.pt, x0 = tx * t_->out_w - p.pl;
    if (y0 >= 0 && y0 + ih <= p.h && x0 >= 0 && x0 + iw <= p.w) {  // interior: whole rows, no checks
      for (int i = 0; i < ih; ++i) {
        const float* src = plane + (y0 + i) * p.w + x0;
        for (int j = 0; j < iw; ++j) tiles[(i * iw + j) * L + l] = src[j];
      }
      continue;
    }
    for (int i = 0; i < ih; ++i) {
      const int64_t y = y0 + i;
      for (int j = 0; j < iw; ++j) {
        const int64_t x = x0 + j;
        tiles[(i * iw + j) * L + l] = (y >= 0 && y < p.h && x >= 0 && x < p.w) ? plane[y * p.w + x] : 0.0f;
      }
    }
  }
}

void TiledConv::input_transform(const float* input) {
  const ConvProblem& p = p_;
  constexpr int L = TileTransform::kLanes;
  const int ih = t_->in_h, iw = t_->in_w;
  const size_t stride = lanes_ ? size_t(position_stride(p.c)) : size_t(p.c * tiles_ * vals_);
#pragma omp parallel
  {
    float* scratch = scratch_.data() + scratch_per_thread_ * size_t(omp_get_thread_num());
    float* tiles = scratch + (t_->scratch_floats() + 15) / 16 * 16;  // [ih * iw][L]
    const LaneStage stage{tiles + (size_t(ih * iw) * L + 15) / 16 * 16, size_t(t_->positions), vals_};
    // lanes_ ([P][tile block][C][L]): a tile block's channels one after the other, so V is written in whole
    // lines (the fused path's order, with its prefetch of the next channel's rows). The GEMMs' rows
    // ([P][C][tiles]): a channel's tiles one after the other.
    TileBatch batch;  // located again only when the item's tiles change (lanes_: once per tile block)
    int64_t batch_t0 = -1;
#pragma omp for schedule(static)
    for (int64_t item = 0; item < p.c * tile_blocks_; ++item) {
      const int64_t c = lanes_ ? item % p.c : item / tile_blocks_;
      const int64_t t0 = (lanes_ ? item / p.c : item % tile_blocks_) * L;
      const int lanes = int(std::min<int64_t>(L, tiles_ - t0));
      if (t0 != batch_t0) batch = tile_batch(t0, lanes), batch_t0 = t0;
      if (lanes_ && c + 1 < p.c) prefetch_tiles(input, c + 1, batch);
      gather_tiles(input, c, batch, tiles);
      if (lanes_) {  // all lanes: the missing ones hold zeros, so V's padding does too
        t_->input(tiles, V_.data() + t0 / L * block_stride(p.c) + c * L, stride, L, scratch);
        continue;
      }
      float* row = V_.data() + (c * tiles_ + t0) * vals_;
      if (lanes == L) {
        t_->input(tiles, row, stride, L, scratch);
      } else {
        t_->input(tiles, stage.stage, size_t(L * vals_), lanes, scratch);
        stage.to_row(row, stride, lanes);
      }
    }
  }
}

void TiledConv::multiply() {
  const ConvProblem& p = p_;
  const int K = int(p.k), C = int(p.c), T = int(tiles_);
  // One product per position, positions spread over threads. Each BLAS call runs inside our parallel
  // region, where the OpenMP builds of OpenBLAS and oneDNN stay on one thread: no oversubscription.
  int failures = 0;  // an exception must not leave the parallel region
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : failures)
  for (int pos = 0; pos < t_->positions; ++pos) {
    const float* U = U_.data() + size_t(pos) * K * C * vals_;
    const float* V = V_.data() + size_t(pos) * C * T * vals_;
    float* M = M_.data() + size_t(pos) * K * T * vals_;
    if (vals_ == 1) {
      // oneDNN's sgemm: on these products (N = 16-49 tiles, one per thread) it beat OpenBLAS's by 1.1-1.6x
      // (ResNet-50 res3-res5, VGG-16 conv5 in an interleaved A/B run); there is no dnnl cgemm for FFT.
      failures += dnnl_sgemm('N', 'N', K, T, C, 1.0f, U, C, V, T, 0.0f, M, T) != dnnl_success;
    } else {
      const float one[2] = {1.0f, 0.0f}, zero[2] = {0.0f, 0.0f};
      cblas_cgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, T, C, one, U, C, V, T, zero, M, T);
    }
  }
  if (failures) throw std::runtime_error("tiled multiply: dnnl_sgemm failed on " + p.descriptor());
}

// Per position and block of filters, lane_product over the tile blocks two at a time (each broadcast U
// value feeds two FMAs); the block's slice of U stays in L1 meanwhile, and the position's V (at most 64 KB)
// in L1 or L2. Threads take contiguous ranges of positions (U is stored position-major), so U, read once
// per call, streams in order.
void TiledConv::multiply_lanes() {
  const ConvProblem& p = p_;
  constexpr int64_t kSumBlock = 256;
  constexpr int L = TileTransform::kLanes;
  const int64_t C = p.c, P = t_->positions, TB = tile_blocks_;
  const int64_t vb = block_stride(C), vpos = position_stride(C), mb = block_stride(p.k), mpos = position_stride(p.k);
  const int64_t blocks = int64_t(filter_blocks_.size());
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t pos = 0; pos < P; ++pos)
    for (int64_t fb = 0; fb < blocks; ++fb) {
      const auto [k0, nk] = filter_blocks_[size_t(fb)];
      const float* U = U_.data() + u_block(k0, nk, pos);  // [C][nk]
      const float* V = V_.data() + pos * vpos;
      float* M = M_.data() + pos * mpos + k0 * L;
      const LaneProductFn two = lane_product_fn(nk, 2, true), one = lane_product_fn(nk, 1, true);
      // Channels in blocks of kSumBlock, each summed on its own and added to M: one chain of 2048 terms
      // (ResNet-50 res5_1x1c) had 3-5x the rounding error of blocked sums, as a library GEMM's are.
      for (int64_t c0 = 0; c0 < C; c0 += kSumBlock) {
        const int64_t cc = std::min(kSumBlock, C - c0);
        int64_t tb = 0;
        for (; tb + 2 <= TB; tb += 2) two(U + c0 * nk, nk, V + tb * vb + c0 * L, vb, cc, M + tb * mb, mb, c0 > 0);
        if (tb < TB) one(U + c0 * nk, nk, V + tb * vb + c0 * L, vb, cc, M + tb * mb, mb, c0 > 0);
      }
    }
}

// The batch's output tiles of filter k (tiles[e * kLanes + l], stride-1 cross-correlation) plus bias
// into the output: cropped at the edges, every sh-th row / sw-th column kept when stride > 1.
void TiledConv::scatter_tiles(const float* tiles, int64_t k, const TileBatch& batch, float* output) const {
  const ConvProblem& p = p_;
  const int lanes = batch.lanes;
  constexpr int L = TileTransform::kLanes;
  const int64_t OH = p.oh(), OW = p.ow();
  const int oh = t_->out_h, ow = t_->out_w;
  const float b = bias_[size_t(k)];
  const int span = (ow + 7) / 8 * 8;
  if (p.sh == 1 && p.sw == 1 && oh * span <= kEdgeFloats) {
    // Transposed in registers, 8 lanes at a time, straight into the output where the whole tile fits;
    // a tile cut by the edge goes through a small buffer, and only its part inside is copied.
    alignas(32) float edge[L][kEdgeFloats];
    float* dst[L];
    int64_t pitch[L];
    bool cut[L];
    for (int l = 0; l < L; ++l) {
      cut[l] = true;
      dst[l] = edge[l], pitch[l] = span;
      if (l >= lanes) continue;
      const auto [n, ty, tx] = batch.at[l];
      if ((ty + 1) * oh <= OH && (tx + 1) * ow <= OW) {
        cut[l] = false;
        dst[l] = output + ((n * p.k + k) * OH + ty * oh) * OW + tx * ow, pitch[l] = OW;
      }
    }
    for (int i = 0; i < oh; ++i)
      for (int jb = 0; jb < ow; jb += 8)
        for (int g = 0; g < L; g += 8) {  // lanes 8 at a time
          float* rows[8];
          for (int l = 0; l < 8; ++l) rows[l] = dst[g + l] + i * pitch[g + l] + jb;
          lanes_to_rows(tiles + size_t(i * ow + jb) * L + g, std::min(8, ow - jb), b, rows, L);
        }
    for (int l = 0; l < lanes; ++l) {
      if (!cut[l]) continue;
      const auto [n, ty, tx] = batch.at[l];
      float* plane = output + (n * p.k + k) * OH * OW;
      const int64_t nx = std::min<int64_t>(ow, OW - tx * ow);
      for (int i = 0; i < oh && ty * oh + i < OH; ++i)
        std::copy(edge[l] + i * span, edge[l] + i * span + nx, plane + (ty * oh + i) * OW + tx * ow);
    }
    return;
  }
  for (int l = 0; l < lanes; ++l) {
    const auto [n, ty, tx] = batch.at[l];
    float* plane = output + (n * p.k + k) * OH * OW;
    if (p.sh == 1 && p.sw == 1) {  // stride 1: output tile rows land contiguously, crop at the edges
      const int64_t nx = std::min<int64_t>(ow, OW - tx * ow);
      for (int i = 0; i < oh && ty * oh + i < OH; ++i) {
        float* dst = plane + (ty * oh + i) * OW + tx * ow;
        for (int64_t j = 0; j < nx; ++j) dst[j] = tiles[(i * ow + j) * L + l] + b;
      }
      continue;
    }
    for (int i = 0; i < oh; ++i) {
      const int64_t y1 = ty * oh + i;  // row of the stride-1 output
      if (y1 >= oh1_ || y1 % p.sh != 0) continue;
      const int64_t y = y1 / p.sh;
      for (int j = 0; j < ow; ++j) {
        const int64_t x1 = tx * ow + j;
        if (x1 >= ow1_ || x1 % p.sw != 0) continue;
        plane[y * OW + x1 / p.sw] = tiles[(i * ow + j) * L + l] + b;
      }
    }
  }
}

void TiledConv::output_transform(float* output) {
  const ConvProblem& p = p_;
  constexpr int L = TileTransform::kLanes;
  const size_t stride = lanes_ ? size_t(position_stride(p.k)) : size_t(p.k * tiles_ * vals_);
#pragma omp parallel
  {
    float* scratch = scratch_.data() + scratch_per_thread_ * size_t(omp_get_thread_num());
    float* tiles = scratch + (t_->scratch_floats() + 15) / 16 * 16;  // [oh * ow][L]
    const LaneStage stage{tiles + (size_t(t_->in_h * t_->in_w) * L + 15) / 16 * 16, size_t(t_->positions), vals_};
    // lanes_ ([P][tile block][K][L]): a tile block's filters one after the other, so M is read in whole
    // lines. The GEMMs' rows ([P][K][tiles]): a filter's tiles one after the other.
    TileBatch batch;  // located again only when the item's tiles change (lanes_: once per tile block)
    int64_t batch_t0 = -1;
#pragma omp for schedule(static)
    for (int64_t item = 0; item < p.k * tile_blocks_; ++item) {
      const int64_t k = lanes_ ? item % p.k : item / tile_blocks_;
      const int64_t t0 = (lanes_ ? item / p.k : item % tile_blocks_) * L;
      const int lanes = int(std::min<int64_t>(L, tiles_ - t0));
      if (t0 != batch_t0) batch = tile_batch(t0, lanes), batch_t0 = t0;
      if (lanes_) {
        if (k + 1 < p.k) prefetch_output(output, k + 1, batch);
        t_->output(M_.data() + t0 / L * block_stride(p.k) + k * L, stride, tiles, lanes, scratch);
      } else {
        const float* row = M_.data() + (k * tiles_ + t0) * vals_;
        if (lanes == L) {
          t_->output(row, stride, tiles, L, scratch);
        } else {
          stage.from_row(row, stride, lanes);
          t_->output(stage.stage, size_t(L * vals_), tiles, lanes, scratch);
        }
      }
      scatter_tiles(tiles, k, batch, output);
    }
  }
}

void TiledConv::execute(const float* input, float* output) {
  if (fused_) return execute_fused(input, output);
  PhaseTimer t;
  input_transform(input);
  const double in_ms = t.lap();
  if (lanes_)
    multiply_lanes();
  else
    multiply();
  const double mul_ms = t.lap();
  output_transform(output);
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", in_ms}, {"multiply", mul_ms},
             {"output_transform", t.lap()}};
}

size_t TiledConv::workspace_bytes() const {
  return U_.bytes() + V_.bytes() + M_.bytes() + scratch_.bytes() + bias_.bytes();
}

double TiledConv::actual_flops() const {
  const ConvProblem& p = p_;
  const double per_product = t_->complex ? 8.0 : 2.0;  // complex multiply-add: 4 mul + 4 add
  return double(p.c * tiles_) * t_->input_flops() +
         per_product * double(t_->positions) * double(p.k) * double(p.c) * double(tiles_) +
         double(p.k * tiles_) * t_->output_flops();
}

}  // namespace convlab
