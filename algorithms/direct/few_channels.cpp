#include "few_channels.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "../kernel_layout.h"
#include "../phase_timer.h"
#include "positions_block.h"

namespace convlab {

using namespace positions_in_lanes;

void FewChannelsDirect::plan(const ConvProblem& p, int /*threads: it keeps no per-thread buffers*/) {
  p_ = p;
  hp_ = p.h + p.pt + p.pb;
  wp_ = p.w + p.pl + p.pr;
  kblocks_ = (p.k + kMR - 1) / kMR;
  taps_.clear();
  for (int64_t c = 0; c < p.c; ++c)
    for (int64_t y = 0; y < p.r; ++y)
      for (int64_t x = 0; x < p.s; ++x) taps_.push_back((c * hp_ + y * p.dh) * wp_ + x * p.dw);
  // The slack: a row's partial last vectors read up to kNV vectors past its end.
  padded_.resize(size_t(p.n * p.c * hp_ * wp_ + kNV * kLanes));
  padded_.zero();  // the border and the slack stay zero: execute() rewrites only the interior
  packed_w_.resize(size_t(kblocks_ * p.c * p.r * p.s * kMR));
  bias_.resize(size_t(kblocks_ * kMR));
}

void FewChannelsDirect::set_weights(const float* w, const float* bias) {
  const ConvProblem& p = p_;
  packed_w_.zero();
  const int64_t steps = p.c * p.r * p.s;
  for (int64_t k = 0; k < p.k; ++k)
    for (int64_t c = 0; c < p.c; ++c)
      for (int64_t y = 0; y < p.r; ++y)
        for (int64_t x = 0; x < p.s; ++x)
          packed_w_[size_t(((k / kMR) * steps + (c * p.r + y) * p.s + x) * kMR + k % kMR)] =
              xcorr_weight(p, w, k, c, y, x);
  bias_.zero();
  bias_or_zero(p, bias, bias_.data());
}

PhaseTimes FewChannelsDirect::execute(const float* input, float* out) {
  const ConvProblem& p = p_;
  PhaseTimer t;
#pragma omp parallel for schedule(static)
  for (int64_t nc = 0; nc < p.n * p.c; ++nc)
    for (int64_t y = 0; y < p.h; ++y)
      std::memcpy(padded_.data() + (nc * hp_ + y + p.pt) * wp_ + p.pl, input + (nc * p.h + y) * p.w,
                  size_t(p.w) * sizeof(float));
  const double pad_ms = t.lap();
  const int64_t OH = p.oh(), OW = p.ow(), steps = p.c * p.r * p.s;
  const int64_t vecs = (OW + kLanes - 1) / kLanes;
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < p.n * OH; ++row) {
    const int64_t n = row / OH, oy = row % OH;
    BlockArgs a{};
    a.taps = taps_.data();
    a.steps = steps;
    a.out_stride = OH * OW;
    const float* in = padded_.data() + (n * p.c * hp_ + oy * p.sh) * wp_;
    for (int64_t kb = 0; kb < kblocks_; ++kb) {
      const int mr = int(std::min<int64_t>(kMR, p.k - kb * kMR));
      float* o = out + ((n * p.k + kb * kMR) * OH + oy) * OW;
      a.w = packed_w_.data() + kb * steps * kMR;
      a.init = bias_.data() + kb * kMR;
      for (int64_t v = 0; v < vecs;) {
        const int nv = block_vectors(vecs - v);
        const int64_t xs = v * kLanes, len = std::min<int64_t>(nv * kLanes, OW - xs);
        a.in = in + xs;
        a.out = o + xs;
        run_block<true>(a, mr, nv, len);
        v += nv;
      }
    }
  }
  return {{"input_transform", pad_ms}, {"multiply", t.lap()}};
}

double FewChannelsDirect::actual_flops() const {
  // A row's last vector computes all its lanes.
  const ConvProblem& p = p_;
  const int64_t computed = (p.ow() + kLanes - 1) / kLanes * kLanes;
  return 2.0 * double(p.n) * double(p.k) * double(p.oh()) * double(computed) * double(p.c * p.r * p.s);
}

}  // namespace convlab
