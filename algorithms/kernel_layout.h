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

}  // namespace convlab
