// Relative tolerances against the float64 reference, stated per method (max |y - ref| / max |ref|).
//
// Every method sums L = C*R*S products per output in fp32; for random data that error grows like
// sqrt(L) * u (u = 2^-24). The bound below is 8x that, which leaves room for unlucky draws and blocked
// summation orders. Fast algorithms multiply it:
//   Winograd  2^(alpha - 3), alpha = m + r - 1 the tile: the transforms' error grows exponentially with the
//             tile (Barabasz et al. 2020): F(2,3) 2x, F(4,3) 8x, F(6,3) 32x; and the transforms round on
//             their own whatever C*R*S is, so 16u is added before amplifying (F(6,1) on one channel
//             measured 95u);
//   FFT       max(1, log2(T_h T_w) / 4): an FFT's rounding error grows like log of its size.
#pragma once

#include <algorithm>
#include <cmath>

#include "problem.h"

namespace convlab {

inline double fp32_sum_tolerance(const ConvProblem& p) {
  const double u = 5.960464477539063e-08;  // 2^-24
  return 8.0 * u * std::sqrt(double(p.c * p.r * p.s)) + 4.0 * u;
}

inline double winograd_tolerance(const ConvProblem& p, int alpha) {
  const double u = 5.960464477539063e-08;
  return std::ldexp(1.0, alpha - 3) * (fp32_sum_tolerance(p) + 16.0 * u);
}

inline double fft_amplification(int th, int tw) { return std::max(1.0, std::log2(double(th) * double(tw)) / 4.0); }

}  // namespace convlab
