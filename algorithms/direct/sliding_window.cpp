#include "sliding_window.h"

#include <omp.h>

#include <algorithm>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

void SlidingWindowConv::plan(const ConvProblem& p) {
  p_ = p;
  hp_ = p.h + p.pt + p.pb;
  const int64_t ow_blocks = (p.ow() + OXB - 1) / OXB;
  // A block of OXB outputs at tap x reads phase (x*dw) % sw from column ox + (x*dw)/sw: cover the last block.
  wph_ = ow_blocks * OXB + ((p.s - 1) * p.dw) / p.sw;
  wph_ = std::max(wph_, (p.w + p.pl + p.pr + p.sw - 1) / p.sw);
  row_ = p.sw * wph_;
  kblocks_ = (p.k + KB - 1) / KB;
  padded_.resize(size_t(p.n * p.c * hp_ * row_));
  padded_.zero();
  packed_w_.resize(size_t(kblocks_ * p.c * p.r * p.s * KB));
  bias_.resize(size_t(kblocks_ * KB));
  phases_.clear();
}

void SlidingWindowConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  packed_w_.zero();
  bias_.zero();
  const ConvProblem& p = p_;
  for (int64_t k = 0; k < p.k; ++k) {
    const int64_t kb = k / KB, kk = k % KB;
    for (int64_t c = 0; c < p.c; ++c)
      for (int64_t y = 0; y < p.r; ++y)
        for (int64_t x = 0; x < p.s; ++x)
          packed_w_[size_t((((kb * p.c + c) * p.r + y) * p.s + x) * KB + kk)] = xcorr_weight(p, w, k, c, y, x);
    if (bias && p.bias) bias_[size_t(k)] = bias[k];
  }
  weight_ms_ = t.ms();
}

void SlidingWindowConv::pad_input(const float* in) {
  const ConvProblem& p = p_;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t nc = 0; nc < p.n * p.c; ++nc)
    for (int64_t y = 0; y < p.h; ++y) {
      const float* src = in + (nc * p.h + y) * p.w;
      float* dst = padded_.data() + (nc * hp_ + y + p.pt) * row_;
      for (int64_t x = 0; x < p.w; ++x) {
        const int64_t xp = x + p.pl;  // column in the padded row
        dst[(xp % p.sw) * wph_ + xp / p.sw] = src[x];
      }
    }
}

void SlidingWindowConv::compute(float* out) const {
  const ConvProblem& p = p_;
  const int64_t OH = p.oh(), OW = p.ow();
  const int64_t C = p.c, R = p.r, S = p.s;
#pragma omp parallel for collapse(3) schedule(static)
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t kb = 0; kb < kblocks_; ++kb)
      for (int64_t oy = 0; oy < OH; ++oy) {
        const float* wblk = packed_w_.data() + kb * C * R * S * KB;
        const int64_t kvalid = std::min<int64_t>(KB, p.k - kb * KB);
        for (int64_t ox0 = 0; ox0 < OW; ox0 += OXB) {
          float acc[KB][OXB];
          for (int kk = 0; kk < KB; ++kk)
            for (int j = 0; j < OXB; ++j) acc[kk][j] = bias_[size_t(kb * KB + kk)];
          for (int64_t c = 0; c < C; ++c) {
            const float* plane = padded_.data() + (n * C + c) * hp_ * row_;
            const float* wc = wblk + c * R * S * KB;
            for (int64_t y = 0; y < R; ++y) {
              const float* irow = plane + (oy * p.sh + y * p.dh) * row_;
              for (int64_t x = 0; x < S; ++x) {
                const int64_t off = x * p.dw;
                const float* src = irow + (off % p.sw) * wph_ + ox0 + off / p.sw;
                const float* wv = wc + (y * S + x) * KB;
                for (int kk = 0; kk < KB; ++kk) {
                  const float wk = wv[kk];
#pragma omp simd
                  for (int j = 0; j < OXB; ++j) acc[kk][j] += wk * src[j];
                }
              }
            }
          }
          const int64_t nx = std::min<int64_t>(OXB, OW - ox0);
          for (int64_t kk = 0; kk < kvalid; ++kk) {
            float* dst = out + ((n * p.k + kb * KB + kk) * OH + oy) * OW + ox0;
            for (int64_t j = 0; j < nx; ++j) dst[j] = acc[kk][j];
          }
        }
      }
}

void SlidingWindowConv::execute(const float* input, float* output) {
  PhaseTimer t;
  pad_input(input);
  const double pad_ms = t.lap();
  compute(output);
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", pad_ms}, {"multiply", t.lap()}};
}

double SlidingWindowConv::actual_flops() const {
  // Register blocks compute full KB x OXB tiles: count the padded work the code really does.
  const ConvProblem& p = p_;
  const double ow_pad = double((p.ow() + OXB - 1) / OXB * OXB);
  return 2.0 * double(p.n) * double(kblocks_ * KB) * double(p.oh()) * ow_pad * double(p.c * p.r * p.s);
}

}  // namespace convlab
