#include "pointwise.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "../kernel_layout.h"
#include "../phase_timer.h"
#include "positions_block.h"

namespace convlab {
namespace {

using namespace positions_in_lanes;  // the register block: kMR filters x kNV vectors of positions
// Input channels per pass: a filter block's packed weights (256 x MR floats, 4 or 8 KB) stay in L1.
constexpr int64_t kMaxChunk = 256;
// Input floats of one column of blocks in one pass (256 KB, half of a Zen 3 core's 512 KB L2): read once per
// filter block.
constexpr int64_t kColumnFloats = 65536;

}  // namespace

void PointwiseDirect::plan(const ConvProblem& p, int threads) {
  p_ = p;
  positions_ = p.oh() * p.ow();
  kblocks_ = (p.k + kMR - 1) / kMR;
  const int64_t passes = (p.c + kMaxChunk - 1) / kMaxChunk;
  chunk_ = (p.c + passes - 1) / passes;  // equal passes
  // Columns of positions: as many as fit kColumnFloats at this pass depth, equal to a vector (a column
  // ends in 2 + 2 vectors where 3 + 1 would be left). Rounded up to whole register blocks instead, the
  // columns were unequal and so were the threads' shares: ResNet-50 res3_1x1c's 4 columns of 216, 216,
  // 216 and 136 positions gave the threads 432 and 352; now 200, 200, 200 and 184.
  const int64_t width = kNV * kLanes;
  const int64_t max_column = std::max<int64_t>(width, kColumnFloats / chunk_ / width * width);
  pblocks_ = (positions_ + max_column - 1) / max_column;
  column_ = ((positions_ + pblocks_ - 1) / pblocks_ + kLanes - 1) / kLanes * kLanes;
  // Filter-block groups: enough work items to give every thread the same number, if the filters allow it.
  const int64_t columns = p.n * pblocks_;
  groups_ = 1;
  while (groups_ < kblocks_ && (columns * groups_ < threads || columns * groups_ % threads != 0)) ++groups_;
  planned_threads_ = threads;
  gathered_.resize(p.dense_pointwise() ? 0 : size_t(p.n * p.c * positions_));
  packed_w_.resize(size_t(kblocks_ * p.c * kMR));
  bias_.resize(size_t(kblocks_ * kMR));
  panels_.resize(size_t(threads * chunk_ * column_));
}

void PointwiseDirect::set_weights(const float* w, const float* bias) {
  const ConvProblem& p = p_;
  packed_w_.zero();
  bias_.zero();
  for (int64_t k = 0; k < p.k; ++k) {
    for (int64_t c = 0; c < p.c; ++c) {
      // Pass-major: one pass's filter blocks are one stream, [passes][K/MR][chunk][MR].
      const int64_t c0 = c / chunk_ * chunk_, cn = std::min(chunk_, p.c - c0);
      packed_w_[size_t((c0 * kblocks_ + (k / kMR) * cn + (c - c0)) * kMR + k % kMR)] = xcorr_weight(p, w, k, c, 0, 0);
    }
    if (bias && p.bias) bias_[size_t(k)] = bias[k];
  }
}

ConvProblem unit_stride_pointwise(const ConvProblem& p) {
  ConvProblem d = p;
  d.h = p.oh(), d.w = p.ow();
  d.sh = d.sw = d.dh = d.dw = 1;
  d.pad_mode = PadMode::Explicit;
  d.pt = d.pb = d.pl = d.pr = 0;
  return d;
}

void gather_pointwise_plane(const ConvProblem& p, const float* in, float* gathered, int64_t nc) {
  const int64_t OH = p.oh(), OW = p.ow();
  for (int64_t oy = 0; oy < OH; ++oy) {
    float* dst = gathered + (nc * OH + oy) * OW;
    const int64_t y = oy * p.sh - p.pt;
    if (y < 0 || y >= p.h) {
      std::fill(dst, dst + OW, 0.0f);
      continue;
    }
    const float* row = in + (nc * p.h + y) * p.w;
    for (int64_t ox = 0; ox < OW; ++ox) {
      const int64_t x = ox * p.sw - p.pl;
      dst[ox] = (x >= 0 && x < p.w) ? row[x] : 0.0f;
    }
  }
}

PhaseTimes PointwiseDirect::execute(const float* input, float* out) {
  const ConvProblem& p = p_;
  PhaseTimer t;
  const bool dense = p.dense_pointwise();  // the input planes are read in place
  if (!dense) {
#pragma omp parallel for schedule(static)
    for (int64_t nc = 0; nc < p.n * p.c; ++nc) gather_pointwise_plane(p, input, gathered_.data(), nc);
  }
  const double gather_ms = t.lap();
  const float* src = dense ? input : gathered_.data();
  const int64_t P = positions_;
  const int64_t passes = (p.c + chunk_ - 1) / chunk_;
  const int64_t items = p.n * pblocks_ * groups_;
  const int threads = std::min(omp_get_max_threads(), planned_threads_);  // panels_ has room for these
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t item = 0; item < items; ++item) {
    const int64_t n = item / (pblocks_ * groups_), pb = item / groups_ % pblocks_, g = item % groups_;
    const int64_t kb0 = g * kblocks_ / groups_, kb1 = (g + 1) * kblocks_ / groups_;
    const int64_t x0 = std::min(P, pb * column_), x1 = std::min(P, x0 + column_);
    // The column's register blocks, in order: fn(first vector, vectors, first position, width, real positions).
    auto for_each_block = [&, vecs = (x1 - x0 + kLanes - 1) / kLanes](auto&& fn) {
      for (int64_t v = 0; v < vecs;) {
        const int nv = block_vectors(vecs - v);
        const int64_t xs = x0 + v * kLanes, width = nv * kLanes;
        fn(v, nv, xs, width, std::min(width, x1 - xs));
        v += nv;
      }
    };
    float* panel = panels_.data() + size_t(omp_get_thread_num() * chunk_ * column_);
    BlockArgs a{};
    a.out_stride = P;
    for (int64_t pass = 0; pass < passes; ++pass) {
      const int64_t c0 = pass * chunk_, cn = std::min(chunk_, p.c - c0);
      a.steps = cn;
      // The column's input, one register block at a time: [channels][lanes x nv] from vector v, zero past x1.
      for_each_block([&](int64_t v, int nv, int64_t xs, int64_t width, int64_t len) {
        float* dst = panel + v * kLanes * cn;
        const float* row = src + (n * p.c + c0) * P + xs;
        if (nv == kNV && len == width) {
          for (int64_t c = 0; c < cn; ++c, dst += width, row += P)
            for (int j = 0; j < kNV; ++j) store(dst + kLanes * j, load(row + kLanes * j));
        } else {
          for (int64_t c = 0; c < cn; ++c, dst += width, row += P) {
            std::memcpy(dst, row, size_t(len) * sizeof(float));
            std::fill(dst + len, dst + width, 0.0f);
          }
        }
      });
      for (int64_t kb = kb0; kb < kb1; ++kb) {
        const int mr = int(std::min<int64_t>(kMR, p.k - kb * kMR));
        float* o = out + (n * p.k + kb * kMR) * P;
        a.w = packed_w_.data() + (c0 * kblocks_ + kb * cn) * kMR;
        a.init = pass == 0 ? bias_.data() + kb * kMR : nullptr;
        for_each_block([&](int64_t v, int nv, int64_t xs, int64_t width, int64_t len) {
          a.in = panel + v * kLanes * cn;
          a.in_stride = width;
          a.out = o + xs;
          run_block<false>(a, mr, nv, len);
        });
      }
    }
  }
  return {{"input_transform", gather_ms}, {"multiply", t.lap()}};
}

double PointwiseDirect::actual_flops() const {
  // The tail's vector computes all its lanes.
  const ConvProblem& p = p_;
  const int64_t computed = (positions_ + kLanes - 1) / kLanes * kLanes;
  return 2.0 * double(p.n) * double(p.k) * double(p.c) * double(computed);
}

}  // namespace convlab
