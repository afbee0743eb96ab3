#include "conv_reference.h"

#include <algorithm>
#include <cmath>

namespace convlab {

std::vector<double> conv_reference(const ConvProblem& p, const float* in, const float* w, const float* bias) {
  const int64_t OH = p.oh(), OW = p.ow();
  std::vector<double> out(size_t(p.output_elems()));
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t oy = 0; oy < OH; ++oy)
        for (int64_t ox = 0; ox < OW; ++ox) {
          double acc = (bias && p.bias) ? double(bias[k]) : 0.0;
          for (int64_t c = 0; c < p.c; ++c)
            for (int64_t y = 0; y < p.r; ++y)
              for (int64_t x = 0; x < p.s; ++x) {
                int64_t iy = oy * p.sh + y * p.dh - p.pt;
                int64_t ix = ox * p.sw + x * p.dw - p.pl;
                if (iy < 0 || iy >= p.h || ix < 0 || ix >= p.w) continue;
                // True convolution reads the kernel rotated 180 degrees.
                int64_t ky = p.mode == ConvMode::Conv ? p.r - 1 - y : y;
                int64_t kx = p.mode == ConvMode::Conv ? p.s - 1 - x : x;
                acc += double(in[((n * p.c + c) * p.h + iy) * p.w + ix]) *
                       double(w[((k * p.c + c) * p.r + ky) * p.s + kx]);
              }
          out[size_t(((n * p.k + k) * OH + oy) * OW + ox)] = acc;
        }
  return out;
}

ErrorStats compare_to_reference(const std::vector<double>& ref, const float* y) {
  ErrorStats e;
  double scale = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (!std::isfinite(y[i])) e.finite = false;
    e.max_abs = std::max(e.max_abs, std::fabs(double(y[i]) - ref[i]));
    scale = std::max(scale, std::fabs(ref[i]));
  }
  if (!e.finite) e.max_abs = e.max_rel = INFINITY;
  else e.max_rel = scale > 0 ? e.max_abs / scale : e.max_abs;
  return e;
}

}  // namespace convlab
