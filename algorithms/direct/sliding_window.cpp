#include "sliding_window.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "../kernel_layout.h"
#include "../phase_timer.h"
#include "../tiled/lane_transpose.h"
#include "../unroll.h"
#include "../vector_width.h"
#include "few_channels.h"
#include "pointwise.h"

namespace convlab {
namespace {

// Output channels per vector: one register of the widest vector the build targets. With AVX-512 (16 floats,
// 32 registers) a register block holds twice the filters and more than twice the columns of an AVX2 one
// (8 floats, 16 registers; two SSE registers per vector without AVX). oneDNN runs its avx512_core kernels
// on such hosts; at 8 lanes this method's ceiling was half the machine's peak (the 256-bit FMA loop).
constexpr int kLanes = kVectorFloats;
typedef float Vec __attribute__((vector_size(4 * kLanes)));
// Input channels per block of the padded input, whatever the vector width: they are broadcast one at a
// time, so the block only sets how many adjacent floats one tap reads (8: oneDNN's nChw8c).
constexpr int kChannelBlock = 8;
constexpr int64_t kLineFloats = 16;  // a 64-byte cache line

// Widest column block per output-channel vector count: KV*NX accumulators + KV weights + 1 broadcast must
// fit the vector registers (16 with AVX2; 32 with AVX-512, whose FMAs also take the broadcast from memory).
constexpr int max_cols(int kv) { return kWideVectors ? (kv == 2 ? 14 : 28) : (kv == 2 ? 6 : 12); }
// Packed weights one channel pass may use. Fewer passes re-read fewer running sums and input rows, and L2
// streams the weights: a 2 x 6 block loads a weight vector per 6 FMAs (AVX2), a 2 x 14 block one per 14
// (AVX-512). AVX2: 64 KB, an eighth of Zen 3's L2 (Zen3, 2 threads, paired, 6 rounds, new / old time
// against 16 KB, half of L1: ResNet-50 res2 3x3 0.95x, res4 0.96x; VGG-16 conv1_2 0.94x, conv3_1 0.95x,
// conv4_1 0.89x, conv5_1 0.99x; AlexNet conv2 0.98x; 32 KB and 128 KB 0.98-1.06x on conv1_2). AVX-512:
// 512 KB, half of the smallest AVX-512 server L2 (1 MB) (Xeon, 2 threads, paired: 0.94-0.97x the time of
// 32 KB passes on ResNet-50 res3-res5 3x3).
constexpr int64_t kPassWeightFloats = kWideVectors ? 131072 : 16384;
// All packed weights small enough to stay in L2 (256 KB, half of Zen 3's) while input rows stream past.
constexpr int64_t kL2WeightFloats = 65536;

// What one register block computes: output channels [kLanes*KV) at NX consecutive output positions (row-major
// over the output plane, so a block may wrap to the next row), summed over `channels` input channels.
struct BlockArgs {
  const float* in;       // the first position's input, first channel block of this pass
  int64_t sw;            // column stride in floats (when the kernel's SW is 0)
  const int64_t* col;    // per-position input offsets (when SW < 0)
  const int64_t* taps;   // per (y, x) tap: input offset
  int ntaps;
  int cb;                // channels per block (the innermost dimension of the padded input)
  int64_t plane;         // floats per padded plane of a channel block
  int64_t blocks;        // channel blocks summed in this pass
  const float* w;        // packed weights of this pass: [blocks][taps][cb][kLanes * KV]
  const float* bias;     // kLanes * KV
  float* partial;        // [NX][kLanes * KV] running sums; nullptr if this pass is the only one
  bool first, last;      // first pass starts from the bias; the last writes the output
  float* out;            // first position of the first output channel (NKHW)
  int64_t out_plane;
  int kvalid;            // output channels that exist (the rest of the block is K padding)
};

// SW: the column stride when known at compile time (1); 0 reads it from args.sw; -1: the block wraps rows,
// position j reads through args.col[j]. CB: the channels per block when known at compile time (SW > 0:
// whole blocks), else 0. Fewer than 8 channels at unit column stride go to FewChannelsDirect.
template <int KV, int NX, int SW, int CB>
void conv_block(const BlockArgs& a) {
  static_assert(SW <= 0 || CB > 0, "constant column offsets need a constant channel count");
  int64_t off[NX];
  CONVLAB_UNROLL
  for (int j = 0; j < NX; ++j) off[j] = SW < 0 ? a.col[j] : j * (SW > 0 ? SW * CB : a.sw);
  // SW > 0: the column offsets and the channel loop's trip count are constants.
  const int cb = CB > 0 ? CB : a.cb;
  // The loops over KV and NX are unrolled whole (unroll.h): GCC's own limit kept AVX-512's 1 x 28 block's
  // accumulators on the stack.
  Vec acc[KV][NX];
  CONVLAB_UNROLL
  for (int v = 0; v < KV; ++v)
    CONVLAB_UNROLL
    for (int j = 0; j < NX; ++j)
      acc[v][j] = *reinterpret_cast<const Vec*>(a.first ? a.bias + kLanes * v : a.partial + (j * KV + v) * kLanes);
  const float* in = a.in;
  const float* w = a.w;
  for (int64_t b = 0; b < a.blocks; ++b, in += a.plane)
    for (int t = 0; t < a.ntaps; ++t) {
      const float* src = in + a.taps[t];
      // Two channels per trip: a tap's 8 channels were a loop of 8 short trips (2 weight loads, 6
      // broadcasts, 12 FMAs each), its overhead a tenth of the block's. Paired, 2 threads, 8 rounds, new /
      // old time: ResNet-50 res2, res4 3x3 0.90x, res3 3x3 stride 2 0.95x, res5 3x3 0.97x; VGG-16 conv1_2
      // 0.90x, conv2_1 0.94x, conv4_1 0.92x; AlexNet conv2 0.94x. Whole (8 per trip): 0.89-1.01x.
#pragma GCC unroll 2
      for (int i = 0; i < cb; ++i, w += kLanes * KV) {
        Vec wv[KV];
        CONVLAB_UNROLL
        for (int v = 0; v < KV; ++v) wv[v] = *reinterpret_cast<const Vec*>(w + kLanes * v);
        CONVLAB_UNROLL
        for (int j = 0; j < NX; ++j) {
          const float x = src[off[j] + i];
          CONVLAB_UNROLL
          for (int v = 0; v < KV; ++v) acc[v][j] += wv[v] * x;
        }
      }
    }
  if (!a.last) {
    CONVLAB_UNROLL
    for (int v = 0; v < KV; ++v)
      CONVLAB_UNROLL
      for (int j = 0; j < NX; ++j) *reinterpret_cast<Vec*>(a.partial + (j * KV + v) * kLanes) = acc[v][j];
    return;
  }
  // Lane l of acc[v][j] is output channel kLanes*v+l at position j: to NKHW rows through a tile in that lane
  // layout, 8 channels x 8 positions per register transpose (lane_transpose.h). Element by element, the
  // 2 x 14 block's 448 values were 10 KB of GCC's code through the stack (about 1,500 instructions), about as
  // long as the block's FMAs at C = 3 (VGG-16 conv1_1) and several percent of them at C = 64.
  // Whole groups of 8 positions: lanes_to_rows reads only the first n, but GCC (ASan build) cannot tell.
  alignas(64) float tile[(NX + 7) / 8 * 8][KV * kLanes];
  CONVLAB_UNROLL
  for (int v = 0; v < KV; ++v)
    CONVLAB_UNROLL
    for (int j = 0; j < NX; ++j) *reinterpret_cast<Vec*>(&tile[j][kLanes * v]) = acc[v][j];
  float* dst[8];
  int k0 = 0;
  for (; k0 + 8 <= a.kvalid; k0 += 8)
    for (int j0 = 0; j0 < NX; j0 += 8) {
      for (int l = 0; l < 8; ++l) dst[l] = a.out + (k0 + l) * a.out_plane + j0;
      lanes_to_rows(&tile[j0][k0], std::min(8, NX - j0), 0.0f, dst, KV * kLanes);
    }
  for (int k = k0; k < a.kvalid; ++k)  // K not a multiple of 8: the last channels one at a time
    for (int j = 0; j < NX; ++j) a.out[k * a.out_plane + j] = tile[j][k];
}

using BlockFn = void (*)(const BlockArgs&);

template <int KV, int SW, int CB, int... I>
constexpr std::array<BlockFn, sizeof...(I)> block_table(std::integer_sequence<int, I...>) {
  return {&conv_block<KV, I + 1, SW, CB>...};
}

// block_fn<KV>(nx, sw): the instantiation for a block of nx positions (sw as in conv_block's SW; unit-stride
// blocks take whole channel blocks).
template <int KV>
BlockFn block_fn(int nx, int sw) {
  static constexpr auto unit = block_table<KV, 1, kChannelBlock>(std::make_integer_sequence<int, max_cols(KV)>{});
  static constexpr auto strided = block_table<KV, 0, 0>(std::make_integer_sequence<int, max_cols(KV)>{});
  static constexpr auto wrapping = block_table<KV, -1, 0>(std::make_integer_sequence<int, max_cols(KV)>{});
  return (sw < 0 ? wrapping : sw == 1 ? unit : strided)[size_t(nx - 1)];
}

}  // namespace

void SlidingWindowConv::plan(const ConvProblem& p) {
  p_ = p;
  phases_.clear();
  layer_kernel_.reset();
  if (PointwiseDirect::applies(p))  // 1x1, whatever the channels
    layer_kernel_ = std::make_unique<PointwiseDirect>();
  else if (FewChannelsDirect::applies(p))
    layer_kernel_ = std::make_unique<FewChannelsDirect>();
  if (layer_kernel_) {
    layer_kernel_->plan(p, omp_get_max_threads());
    for (Buffer<float>* b : {&padded_, &packed_w_, &bias_, &partial_}) b->resize(0);
    return;
  }
  // Two channel vectors per block halve the broadcasts per FMA; one is better where 16 would pad K more.
  const int64_t two = 2 * kLanes;
  kv_ = ((p.k + two - 1) / two * two == (p.k + kLanes - 1) / kLanes * kLanes || p.k >= 64) ? 2 : 1;
  const int64_t kblk = kLanes * kv_;
  kblocks_ = (p.k + kblk - 1) / kblk;
  hp_ = p.h + p.pt + p.pb;
  wp_ = p.w + p.pl + p.pr;
  cb_ = int(std::min<int64_t>(kChannelBlock, p.c));
  cblocks_ = (p.c + cb_ - 1) / cb_;
  tap_off_.clear();
  for (int64_t y = 0; y < p.r; ++y)
    for (int64_t x = 0; x < p.s; ++x) tap_off_.push_back((y * p.dh * wp_ + x * p.dw) * cb_);
  // Register blocks of near-equal size, never padded to the register block. Where a row splits into blocks
  // nearly as wide as the registers allow (56 = 6 x 6 + 4 x 5), each row is split on its own; narrow late
  // layers instead split the whole plane row-major (7x7 = 49 = 4 x 6 + 5 x 5), blocks wrapping to the next
  // row reading through per-position offsets, so they fill the registers as wide ones do.
  const int64_t ow = p.ow(), widest = max_cols(kv_);
  const bool by_row = ow / ((ow + widest - 1) / widest) >= widest - 1;
  const int64_t span = by_row ? ow : p.oh() * ow;  // positions split at a time
  const int64_t nblocks = (span + widest - 1) / widest;
  blocks_.clear();
  cols_.clear();
  spans_.clear();
  span_max_ = span;
  for (int64_t pos = 0; pos < p.oh() * ow;) {
    spans_.push_back({blocks_.size(), blocks_.size() + size_t(nblocks)});
    for (int64_t b = 0; b < nblocks; ++b) {
      Block blk;
      blk.pos = pos;
      blk.nx = int(span / nblocks + (b < span % nblocks ? 1 : 0));
      const int64_t oy = pos / ow, ox = pos % ow;
      blk.in_off = (oy * p.sh * wp_ + ox * p.sw) * cb_;
      if (ox + blk.nx <= ow) {
        blk.sw = p.sw == 1 && cb_ == kChannelBlock ? 1 : 0;
      } else {
        blk.sw = -1;
        blk.cols = cols_.size();
        for (int64_t q = pos; q < pos + blk.nx; ++q)
          cols_.push_back(((q / ow) * p.sh * wp_ + (q % ow) * p.sw) * cb_ - blk.in_off);
      }
      blocks_.push_back(blk);
      pos += blk.nx;
    }
  }
  // Channel blocks per pass: the pass's packed weights (chunk x cb x R x S x KBLK floats) fit the budget.
  // Equal passes: C = 128 at 3x3 (AVX2) is 3 passes of 6, 5 and 5 blocks, not 3 + 3 + 3 + 3 + 3 + 1.
  const int64_t max_chunk = std::max<int64_t>(1, kPassWeightFloats / (p.r * p.s * kblk * cb_));
  const int64_t passes = (cblocks_ + max_chunk - 1) / max_chunk;
  chunk_ = (cblocks_ + passes - 1) / passes;
  span_major_ = kblocks_ * kblk * cblocks_ * cb_ * p.r * p.s <= kL2WeightFloats;
  planned_threads_ = omp_get_max_threads();
  partial_.resize(size_t(planned_threads_ * span_max_ * kblk));
  padded_.resize(size_t(p.n * cblocks_ * hp_ * wp_ * cb_));
  padded_.zero();  // the border and missing channels stay zero: execute() rewrites only the interior
  // compute() reads the next row ahead on spans of one row (a whole-plane span has no next row) where a
  // thread's share of the padded input is more than its L2 holds: below that the rows it sweeps again
  // stay there (VGG-16 conv4_1, 0.9 MB over 2 threads, took 1.04x the time with it, 12 rounds).
  const long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);  // 0 or -1 where glibc cannot tell: Zen 3's 512 KB
  prefetch_rows_ = by_row && padded_.bytes() / size_t(planned_threads_) > size_t(l2 > 0 ? l2 : 524288);
  packed_w_.resize(size_t(kblocks_ * kblk * cblocks_ * cb_ * p.r * p.s));
  bias_.resize(size_t(kblocks_ * kblk));
  phases_.clear();
}

void SlidingWindowConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  if (layer_kernel_) {
    layer_kernel_->set_weights(w, bias);
    weight_ms_ = t.ms();
    return;
  }
  packed_w_.zero();
  bias_.zero();
  const ConvProblem& p = p_;
  const int64_t kblk = kLanes * kv_;
  for (int64_t k = 0; k < p.k; ++k) {
    const int64_t kb = k / kblk, kk = k % kblk;
    for (int64_t c = 0; c < p.c; ++c)
      for (int64_t y = 0; y < p.r; ++y)
        for (int64_t x = 0; x < p.s; ++x) {
          const int64_t tap = y * p.s + x, cblk = c / cb_, i = c % cb_;  // [kb][cblk][tap][i][kk]
          packed_w_[size_t((((kb * cblocks_ + cblk) * p.r * p.s + tap) * cb_ + i) * kblk + kk)] =
              xcorr_weight(p, w, k, c, y, x);
        }
    if (bias && p.bias) bias_[size_t(k)] = bias[k];
  }
  weight_ms_ = t.ms();
}

void SlidingWindowConv::pad_input(const float* in) {
  const ConvProblem& p = p_;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t nb = 0; nb < p.n * cblocks_; ++nb)
    for (int64_t y = 0; y < p.h; ++y) {
      const int64_t n = nb / cblocks_, c0 = nb % cblocks_ * cb_, cn = std::min<int64_t>(cb_, p.c - c0);
      float* dst = padded_.data() + ((nb * hp_ + y + p.pt) * wp_ + p.pl) * cb_;
      const float* src = in + ((n * p.c + c0) * p.h + y) * p.w;  // channel i's row at + i * H * W
      int64_t x = 0;
      static_assert(kChannelBlock == 8, "rows_to_lanes moves 8 x 8 blocks");
      if (cn == kChannelBlock)  // 8 columns of 8 channels at a time, transposed in registers
        for (const float* rows[kChannelBlock]; x + kChannelBlock <= p.w; x += kChannelBlock) {
          for (int i = 0; i < kChannelBlock; ++i) rows[i] = src + i * p.h * p.w + x;
          rows_to_lanes(rows, kChannelBlock, dst + x * kChannelBlock);
        }
      for (; x < p.w; ++x)
        for (int64_t i = 0; i < cn; ++i) dst[x * cb_ + i] = src[i * p.h * p.w + x];
    }
}

template <int KV>
void SlidingWindowConv::compute(float* out) {
  const ConvProblem& p = p_;
  const int64_t OH = p.oh(), OW = p.ow(), kblk = kLanes * KV;
  const int64_t plane = hp_ * wp_ * cb_, taps = p.r * p.s, wblock = kblk * cblocks_ * cb_ * taps;
  const int64_t nspans = int64_t(spans_.size()), passes = (cblocks_ + chunk_ - 1) / chunk_;
  // partial_ holds one span per thread planned for: never run wider than that.
  const int threads = std::min(omp_get_max_threads(), planned_threads_);
  // Rows the next span adds, from pf_row0 rows below a block's first input row: the last sh of the
  // next output row's taps (where plan() set prefetch_rows_).
  const int64_t pf_rows = std::min(p.sh, p.eff_r()), pf_row0 = p.eff_r() + p.sh - pf_rows;
  auto row_floats = [&](int64_t nx) { return ((nx - 1) * p.sw + p.eff_s()) * cb_; };  // a block's input row
#pragma omp parallel num_threads(threads)
  {
    float* partial = partial_.data() + size_t(omp_get_thread_num() * span_max_ * kblk);  // this thread's sums
    BlockArgs a{};
    a.sw = p.sw * cb_;
    a.taps = tap_off_.data();
    a.ntaps = int(taps);
    a.cb = cb_;
    a.plane = plane;
    a.out_plane = OH * OW;
    // Work items in the order that keeps the larger operand cached: all of one channel block's spans
    // (its packed weights stay in L2), or all channel blocks of one span (its input rows stay cached) when
    // every packed weight fits in L2 anyway.
#pragma omp for collapse(2) schedule(static)
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t item = 0; item < kblocks_ * nspans; ++item) {
        const int64_t kb = span_major_ ? item % kblocks_ : item / nspans;
        const Span& span = spans_[size_t(span_major_ ? item / kblocks_ : item % nspans)];
          a.bias = bias_.data() + kb * kblk;
          a.kvalid = int(std::min<int64_t>(kblk, p.k - kb * kblk));
          // Channel passes: one pass's packed weights (chunk_ channels) stay in L1 across the span's blocks.
          for (int64_t pass = 0; pass < passes; ++pass) {
            const int64_t c0 = pass * chunk_;
            a.blocks = std::min(chunk_, cblocks_ - c0);
            a.w = packed_w_.data() + kb * wblock + c0 * taps * cb_ * kblk;
            a.first = pass == 0;
            a.last = pass == passes - 1;
            for (size_t b = span.first; b < span.end; ++b) {
              const Block& blk = blocks_[b];
              a.in = padded_.data() + (n * cblocks_ + c0) * plane + blk.in_off;
              // The input rows the next span reads and this one does not, under this block's columns, for
              // this pass's channel blocks: the block's accesses jump a plane between channel blocks and a
              // row between taps, a pattern the hardware prefetchers miss, and the padded image of a large
              // layer is beyond L2. Once per span: in span-major order on its last filter block, the
              // closest to the next span.
              if (prefetch_rows_ && blk.pos / OW + 1 < OH && (!span_major_ || kb == kblocks_ - 1))
                for (int64_t b2 = 0; b2 < a.blocks; ++b2)
                  for (int64_t q = 0; q < pf_rows; ++q) {
                    const float* row = a.in + b2 * plane + (pf_row0 + q) * wp_ * cb_;
                    for (int64_t x = 0; x < row_floats(blk.nx); x += kLineFloats) __builtin_prefetch(row + x);
                  }
              a.col = cols_.data() + blk.cols;
              a.partial = partial + (blk.pos - blocks_[span.first].pos) * kblk;
              a.out = out + (n * p.k + kb * kblk) * OH * OW + blk.pos;
              block_fn<KV>(blk.nx, blk.sw)(a);
            }
          }
        }
  }
}

void SlidingWindowConv::execute(const float* input, float* output) {
  if (layer_kernel_) {
    phases_ = layer_kernel_->execute(input, output);
    phases_.insert(phases_.begin(), {"weight_transform", weight_ms_});
    return;
  }
  PhaseTimer t;
  pad_input(input);
  const double pad_ms = t.lap();
  if (kv_ == 2)
    compute<2>(output);
  else
    compute<1>(output);
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", pad_ms}, {"multiply", t.lap()}};
}

double SlidingWindowConv::actual_flops() const {
  // Register blocks compute whole channel vectors and whole channel blocks: count the padded output and
  // input channels the code really computes.
  if (layer_kernel_) return layer_kernel_->actual_flops();
  const ConvProblem& p = p_;
  return 2.0 * double(p.n) * double(kblocks_ * kLanes * kv_) * double(p.oh()) * double(p.ow()) *
         double(cblocks_ * cb_ * p.r * p.s);
}

}  // namespace convlab
