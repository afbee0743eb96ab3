#include "blocked_gemm.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "../cache_budget.h"
#include "../direct/positions_block.h"

namespace convlab {
namespace {

using namespace positions_in_lanes;  // the register block: kMR filters x kNV vectors of positions
// Depth per pass: a filter block's packed weights (256 x MR floats, 4 or 8 KB) stay in L1.
constexpr int64_t kMaxChunk = 256;
// Floats of X in one column of one pass (cache_budget.h: half a Zen 3 core's L2): read once per filter
// block.
constexpr int64_t kColumnFloats = kL2BudgetFloats;

}  // namespace

void BlockedGemm::plan(int64_t k, int64_t d, int64_t cols, int threads) {
  k_ = k, d_ = d;
  kblocks_ = (k + kMR - 1) / kMR;
  const int64_t passes = (d + kMaxChunk - 1) / kMaxChunk;
  chunk_ = (d + passes - 1) / passes;  // equal passes
  const int64_t width = kNV * kLanes;
  max_column_ = std::max<int64_t>(width, kColumnFloats / chunk_ / width * width);
  planned_threads_ = threads;
  packed_w_.resize(size_t(kblocks_ * d * kMR));
  bias_.resize(size_t(kblocks_ * kMR));
  panels_.resize(size_t(threads * chunk_ * std::min(max_column_, computed_cols(cols))));
}

void BlockedGemm::set_weights(const float* w, const float* bias) {
  // Pass-major: one pass's filter blocks are one stream, [passes][K/MR][chunk][MR], zero past K.
  float* dst = packed_w_.data();
  for (int64_t c0 = 0; c0 < d_; c0 += chunk_) {
    const int64_t cn = std::min(chunk_, d_ - c0);
    for (int64_t kb = 0; kb < kblocks_; ++kb)
      for (int64_t c = c0; c < c0 + cn; ++c)
        for (int64_t k = kb * kMR; k < (kb + 1) * kMR; ++k) *dst++ = k < k_ ? w[k * d_ + c] : 0.0f;
  }
  for (int64_t k = 0; k < kblocks_ * kMR; ++k) bias_[size_t(k)] = bias && k < k_ ? bias[k] : 0.0f;
}

int64_t BlockedGemm::computed_cols(int64_t cols) { return (cols + kLanes - 1) / kLanes * kLanes; }

BlockedGemm::Columns BlockedGemm::columns(int64_t cols) const {
  // As many columns as fit the budget, equal to a vector (a column ends in 2 + 2 vectors where 3 + 1 would
  // be left). Rounded up to whole register blocks instead, the columns were unequal and so were the threads'
  // shares: ResNet-50 res3_1x1c's 4 columns of 216, 216, 216 and 136 positions gave the threads 432 and
  // 352; now 200, 200, 200 and 184.
  const int64_t count = (cols + max_column_ - 1) / max_column_;
  return {count, computed_cols((cols + count - 1) / count)};
}

void BlockedGemm::run(const float* x, int64_t ldx, int64_t xstride, float* y, int64_t ldy, int64_t ystride,
                      int64_t batch, int64_t cols) {
  const Columns col = columns(cols);
  const int threads = std::min(omp_get_max_threads(), planned_threads_);  // panels_ has room for these
  // Filter-block groups: enough work items to give every thread the same number, if the filters allow it.
  int64_t groups = 1;
  const int64_t pairs = batch * col.count;
  while (groups < kblocks_ && (pairs * groups < threads || pairs * groups % threads != 0)) ++groups;
  const int64_t items = pairs * groups;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t item = 0; item < items; ++item) {
    const int64_t n = item / (col.count * groups), pb = item / groups % col.count, g = item % groups;
    const int64_t x0 = std::min(cols, pb * col.width), x1 = std::min(cols, x0 + col.width);
    column(x + n * xstride, ldx, y + n * ystride, ldy, x0, x1, g * kblocks_ / groups, (g + 1) * kblocks_ / groups,
           panel(omp_get_thread_num()));
  }
}

void BlockedGemm::run_serial(const float* x, int64_t ldx, float* y, int64_t ldy, int64_t cols, int slot) {
  const Columns col = columns(cols);
  for (int64_t pb = 0; pb < col.count; ++pb)
    column(x, ldx, y, ldy, pb * col.width, std::min(cols, (pb + 1) * col.width), 0, kblocks_, panel(slot));
}

void BlockedGemm::column(const float* x, int64_t ldx, float* y, int64_t ldy, int64_t x0, int64_t x1, int64_t kb0,
                         int64_t kb1, float* panel) const {
  // The column's register blocks, in order: fn(first vector, vectors, first position, width, real positions).
  auto for_each_block = [&, vecs = (x1 - x0 + kLanes - 1) / kLanes](auto&& fn) {
    for (int64_t v = 0; v < vecs;) {
      const int nv = block_vectors(vecs - v);
      const int64_t xs = x0 + v * kLanes, width = nv * kLanes;
      fn(v, nv, xs, width, std::min(width, x1 - xs));
      v += nv;
    }
  };
  BlockArgs a{};
  a.out_stride = ldy;
  for (int64_t c0 = 0; c0 < d_; c0 += chunk_) {
    const int64_t cn = std::min(chunk_, d_ - c0);
    a.steps = cn;
    // The column's X, one register block at a time: [depth][lanes x nv] from vector v, zero past x1.
    for_each_block([&](int64_t v, int nv, int64_t xs, int64_t width, int64_t len) {
      float* dst = panel + v * kLanes * cn;
      const float* row = x + c0 * ldx + xs;
      if (nv == kNV && len == width) {
        for (int64_t c = 0; c < cn; ++c, dst += width, row += ldx)
          for (int j = 0; j < kNV; ++j) store(dst + kLanes * j, load(row + kLanes * j));
      } else {
        for (int64_t c = 0; c < cn; ++c, dst += width, row += ldx) {
          std::memcpy(dst, row, size_t(len) * sizeof(float));
          std::fill(dst + len, dst + width, 0.0f);
        }
      }
    });
    for (int64_t kb = kb0; kb < kb1; ++kb) {
      const int mr = int(std::min<int64_t>(kMR, k_ - kb * kMR));
      float* o = y + kb * kMR * ldy;
      a.w = packed_w_.data() + (c0 * kblocks_ + kb * cn) * kMR;
      a.init = c0 == 0 ? bias_.data() + kb * kMR : nullptr;
      for_each_block([&](int64_t v, int nv, int64_t xs, int64_t width, int64_t len) {
        a.in = panel + v * kLanes * cn;
        a.in_stride = width;
        a.out = o + xs;
        run_block<false>(a, mr, nv, len);
      });
    }
  }
}

}  // namespace convlab
