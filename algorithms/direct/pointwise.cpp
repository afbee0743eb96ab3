#include "pointwise.h"

#include <algorithm>

#include "../phase_timer.h"

namespace convlab {

void PointwiseDirect::plan(const ConvProblem& p, int threads) {
  p_ = p;
  positions_ = p.oh() * p.ow();
  gathered_.resize(p.dense_pointwise() ? 0 : size_t(p.n * p.c * positions_));
  gemm_.plan(p.k, p.c, positions_, threads);
}

void PointwiseDirect::set_weights(const float* w, const float* bias) {
  // A 1x1 kernel is its own 180-degree flip: true convolution's weights are cross-correlation's.
  gemm_.set_weights(w, p_.bias ? bias : nullptr);
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
  gemm_.run(src, P, p.c * P, out, P, p.k * P, p.n, P);
  return {{"input_transform", gather_ms}, {"multiply", t.lap()}};
}

double PointwiseDirect::actual_flops() const {
  const ConvProblem& p = p_;
  return 2.0 * double(p.n) * double(p.k) * double(p.c) * double(BlockedGemm::computed_cols(positions_));
}

}  // namespace convlab
