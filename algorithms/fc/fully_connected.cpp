#include "fully_connected.h"

#include <cblas.h>

#include <algorithm>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

std::string FullyConnected::not_applicable(const ConvProblem& p) const {
  if (!p.fully_connected())
    return "not a fully connected layer: the kernel must cover the whole unpadded, undilated input";
  return "";
}

void FullyConnected::plan(const ConvProblem& p) {
  p_ = p;
  w_.resize(size_t(p.weight_elems()));
  bias_.resize(size_t(p.k));
  phases_.clear();
}

void FullyConnected::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  xcorr_weights(p_, w, w_.data());
  bias_or_zero(p_, bias, bias_.data());
  weight_ms_ = t.ms();
}

void FullyConnected::execute(const float* input, float* output) {
  const ConvProblem& p = p_;
  const int N = int(p.n), K = int(p.k), F = int(p.c * p.h * p.w);
  PhaseTimer t;
  for (int n = 0; n < N; ++n) std::copy(bias_.data(), bias_.data() + K, output + size_t(n) * K);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, K, F, 1.0f, input, F, w_.data(), F, 1.0f, output, K);
  phases_ = {{"weight_transform", weight_ms_}, {"multiply", t.ms()}};
}

}  // namespace convlab
