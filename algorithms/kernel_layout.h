// Weight repacking shared by the plain methods: true convolution is cross-correlation with the kernel rotated
// 180 degrees, so every method flips once at set_weights() and computes cross-correlation afterwards.
#pragma once

#include <cstdint>

#include "problem.h"

namespace convlab {

// Weight (k, c, y, x) as cross-correlation sees it, read from KCRS `w` (flipped in ConvMode::Conv).
inline float xcorr_weight(const ConvProblem& p, const float* w, int64_t k, int64_t c, int64_t y, int64_t x) {
  if (p.mode == ConvMode::Conv) {
    y = p.r - 1 - y;
    x = p.s - 1 - x;
  }
  return w[((k * p.c + c) * p.r + y) * p.s + x];
}

// All weights (KCRS) as cross-correlation sees them, into `out` (K*C*R*S floats); the bias, or zeros when
// the problem has none, into `bias_out` (K floats).
inline void xcorr_weights(const ConvProblem& p, const float* w, float* out) {
  for (int64_t k = 0; k < p.k; ++k)
    for (int64_t c = 0; c < p.c; ++c)
      for (int64_t y = 0; y < p.r; ++y)
        for (int64_t x = 0; x < p.s; ++x) out[((k * p.c + c) * p.r + y) * p.s + x] = xcorr_weight(p, w, k, c, y, x);
}

inline void bias_or_zero(const ConvProblem& p, const float* bias, float* out) {
  for (int64_t k = 0; k < p.k; ++k) out[k] = (bias && p.bias) ? bias[k] : 0.0f;
}

}  // namespace convlab
