#include "im2col_gemm.h"

#include <cblas.h>
#include <dnnl.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

Im2colGemmConv::Im2colGemmConv(std::string variant) : variant_(std::move(variant)) {
  if (!variant_.empty() && variant_ != "dnnl")
    throw ProblemError("variant: im2col's GEMM is OpenBLAS's (no variant) or oneDNN's (dnnl), not '" + variant_ + "'");
}

void Im2colGemmConv::plan(const ConvProblem& p) {
  p_ = p;
  pointwise_ = p.dense_pointwise();
  // Panels of whole output rows whose lowered matrix fits in about kPanelFloats (1 MB: two 512 KB L2s), at
  // least one row; equal panels, so the last is not a sliver. A matrix of at most 4 panels stays whole: it
  // stays in L3 anyway, and one GEMM call packs W once (same-run A/B, 1 thread: ResNet-50's res3 and res4 3x3
  // took 1.02-1.09x the time in 2-4 panels).
  const int64_t crs = p.c * p.r * p.s, OH = p.oh(), OW = p.ow();
  const int64_t max_rows = crs * OH * OW <= 4 * kPanelFloats
                               ? OH
                               : std::clamp<int64_t>(kPanelFloats / std::max<int64_t>(1, crs * OW), 1, OH);
  const int64_t panels = (OH + max_rows - 1) / max_rows;
  panel_rows_ = (OH + panels - 1) / panels;
  col_.resize(pointwise_ ? 0 : size_t(crs * panel_rows_ * OW));
  w_.resize(size_t(p.k * p.c * p.r * p.s));
  bias_.resize(size_t(p.k));
  phases_.clear();
}

void Im2colGemmConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  xcorr_weights(p_, w, w_.data());
  bias_or_zero(p_, bias, bias_.data());
  weight_ms_ = t.ms();
}

void Im2colGemmConv::im2col(const float* image, int64_t oy0, int64_t oy1) {
  const ConvProblem& p = p_;
  const int64_t OW = p.ow(), cols = (oy1 - oy0) * OW;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t c = 0; c < p.c; ++c)
    for (int64_t y = 0; y < p.r; ++y)
      for (int64_t x = 0; x < p.s; ++x) {
        float* dst = col_.data() + ((c * p.r + y) * p.s + x) * cols;
        const float* plane = image + c * p.h * p.w;
        for (int64_t oy = oy0; oy < oy1; ++oy) {
          const int64_t iy = oy * p.sh + y * p.dh - p.pt;
          float* d = dst + (oy - oy0) * OW;
          if (iy < 0 || iy >= p.h) {
            std::fill(d, d + OW, 0.0f);
            continue;
          }
          const float* srow = plane + iy * p.w;
          const int64_t x0 = x * p.dw - p.pl;  // input column of output column 0
          // Output columns whose input column lies inside the row, found once per row (not per element).
          const int64_t lo = std::min<int64_t>(OW, x0 >= 0 ? 0 : (-x0 + p.sw - 1) / p.sw);
          const int64_t hi = std::max<int64_t>(lo, std::min<int64_t>(OW, x0 < p.w ? (p.w - 1 - x0) / p.sw + 1 : 0));
          std::fill(d, d + lo, 0.0f);
          if (p.sw == 1) {
            std::copy(srow + (x0 + lo), srow + (x0 + hi), d + lo);  // offsets summed first: never before the row
          } else {
            for (int64_t ox = lo; ox < hi; ++ox) d[ox] = srow[x0 + ox * p.sw];
          }
          std::fill(d + hi, d + OW, 0.0f);
        }
      }
}

void Im2colGemmConv::execute(const float* input, float* output) {
  const ConvProblem& p = p_;
  const int64_t OHW = p.oh() * p.ow();
  double copy_ms = 0, gemm_ms = 0;
  PhaseTimer t;
  for (int64_t n = 0; n < p.n; ++n) {
    const float* image = input + n * p.c * p.h * p.w;
    float* y = output + n * p.k * OHW;
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < p.k; ++k) std::fill(y + k * OHW, y + (k + 1) * OHW, bias_[size_t(k)]);
    copy_ms += t.lap();
    if (pointwise_) {
      gemm(image, OHW, y);
      gemm_ms += t.lap();
      continue;
    }
    // Panel by panel: the lowered panel is written to cache and multiplied from it, rather than the
    // whole R*S-fold copy of the image going to memory and coming back.
    for (int64_t oy0 = 0; oy0 < p.oh(); oy0 += panel_rows_) {
      const int64_t oy1 = std::min(p.oh(), oy0 + panel_rows_);
      im2col(image, oy0, oy1);
      copy_ms += t.lap();
      gemm(col_.data(), (oy1 - oy0) * p.ow(), y + oy0 * p.ow());
      gemm_ms += t.lap();
    }
  }
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", copy_ms}, {"multiply", gemm_ms}};
}

// Y[K][cols] += W[K][C*R*S] * col[C*R*S][cols], row-major; Y's rows are OH*OW apart (a panel of the output).
void Im2colGemmConv::gemm(const float* col, int64_t cols, float* y) const {
  const ConvProblem& p = p_;
  const int64_t OHW = p.oh() * p.ow(), CRS = p.c * p.r * p.s;
  if (variant_ == "dnnl") {
    if (dnnl_sgemm('N', 'N', p.k, cols, CRS, 1.0f, w_.data(), CRS, col, cols, 1.0f, y, OHW) != dnnl_success)
      throw std::runtime_error("im2col/dnnl: dnnl_sgemm failed on " + p.descriptor());
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(p.k), int(cols), int(CRS), 1.0f, w_.data(), int(CRS),
              col, int(cols), 1.0f, y, int(OHW));
}

double Im2colGemmConv::actual_flops() const { return p_.flops(); }

}  // namespace convlab
