#include "im2col_gemm.h"

#include <cblas.h>
#include <dnnl.h>

#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

Im2colGemmConv::Im2colGemmConv(std::string variant) : variant_(std::move(variant)) {
  if (!variant_.empty() && variant_ != "dnnl" && variant_ != "convlab")
    throw ProblemError("variant: im2col's GEMM is OpenBLAS's (no variant), oneDNN's (dnnl) or convlab's own (convlab), not '" +
                       variant_ + "'");
}

void Im2colGemmConv::plan(const ConvProblem& p) {
  p_ = p;
  pointwise_ = p.dense_pointwise();
  threads_ = omp_get_max_threads();
  const int64_t crs = p.c * p.r * p.s, OH = p.oh(), OW = p.ow();
  // Where the lowered matrix is made in panels (below), each thread lowers panels of its own share of the
  // output rows into its own cache and multiplies them there with a one-thread GEMM. Shared panels, lowered
  // by all threads and multiplied by the GEMM library's threads, cross between the cores' caches by half
  // (same-run A/B, 2 threads, dnnl: VGG-16 conv1_2 0.74x the time, conv2_1 0.79x, ResNet-50 res2 3x3 0.78x).
  // A matrix that stays whole is still shared: one panel per thread was no faster on res3 (1.03x).
  own_panels_ = !pointwise_ && threads_ > 1 && OH >= threads_ && crs * OH * OW > 4 * kPanelFloats;
  // Rows to lower and multiply: all of them, or (own_panels_) one thread's share, in equal panels.
  const int64_t rows = own_panels_ ? (OH + threads_ - 1) / threads_ : OH;
  // Panels of whole output rows whose lowered matrix fits in about kPanelFloats (1 MB: two 512 KB L2s), or
  // half that per thread, at least one row; a matrix of at most 4 panels stays whole: it stays in the
  // last-level cache anyway, and one GEMM call packs W once (same-run A/B, 1 thread: ResNet-50's res3 and
  // res4 3x3 took 1.02-1.09x the time in 2-4 panels).
  const int64_t budget = own_panels_ ? kPanelFloats / 2 : kPanelFloats;
  const int64_t panels = crs * rows * OW <= 4 * budget ? 1 : (crs * rows * OW + budget - 1) / budget;
  panel_rows_ = std::min(rows, (rows + panels - 1) / panels);  // equal panels, so the last is not a sliver
  panel_floats_ = pointwise_ ? 0 : crs * panel_rows_ * OW;
  col_.resize(size_t(panel_floats_ * (own_panels_ ? threads_ : 1)));
  const bool blas = !own_gemm();
  w_.resize(blas ? size_t(p.k * crs) : 0);
  bias_.resize(blas ? size_t(p.k) : 0);
  if (!blas) own_gemm_.plan(p.k, crs, pointwise_ ? OH * OW : panel_rows_ * OW, threads_);
  phases_.clear();
}

void Im2colGemmConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  if (own_gemm()) {
    std::vector<float> xw(size_t(p_.k * p_.c * p_.r * p_.s));
    xcorr_weights(p_, w, xw.data());
    own_gemm_.set_weights(xw.data(), p_.bias ? bias : nullptr);
  } else {
    xcorr_weights(p_, w, w_.data());
    bias_or_zero(p_, bias, bias_.data());
  }
  weight_ms_ = t.ms();
}

void Im2colGemmConv::lower(const float* image, int64_t c, int64_t y, int64_t oy0, int64_t oy1, float* col) const {
  const ConvProblem& p = p_;
  const int64_t OW = p.ow(), cols = (oy1 - oy0) * OW;
  const float* plane = image + c * p.h * p.w;
  for (int64_t x = 0; x < p.s; ++x) {
    float* dst = col + ((c * p.r + y) * p.s + x) * cols;
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
  const int64_t OH = p.oh(), OW = p.ow(), OHW = OH * OW;
  double copy_ms = 0, gemm_ms = 0;
  int threads = 1;
  for (int64_t n = 0; n < p.n; ++n) {
    const float* image = input + n * p.c * p.h * p.w;
    float* y = output + n * p.k * OHW;
    if (own_panels_) {
      // Each thread: bias into its panel's output rows, lower, multiply (one thread: the GEMM libraries
      // run serially inside a parallel region), all in its own cache. Phases: the mean over threads.
#pragma omp parallel num_threads(threads_) reduction(+ : copy_ms, gemm_ms)
      {
#pragma omp single
        threads = omp_get_num_threads();
        const int64_t tid = omp_get_thread_num(), end = OH * (tid + 1) / threads;  // a balanced share of rows
        float* col = col_.data() + panel_floats_ * tid;  // tid < threads_ (num_threads above)
        PhaseTimer t;
        for (int64_t oy0 = OH * tid / threads; oy0 < end; oy0 += panel_rows_) {
          const int64_t oy1 = std::min(end, oy0 + panel_rows_);
          if (!own_gemm())
            for (int64_t k = 0; k < p.k; ++k) std::fill(y + k * OHW + oy0 * OW, y + k * OHW + oy1 * OW, bias_[size_t(k)]);
          for (int64_t c = 0; c < p.c; ++c)
            for (int64_t ky = 0; ky < p.r; ++ky) lower(image, c, ky, oy0, oy1, col);
          copy_ms += t.lap();
          gemm(col, (oy1 - oy0) * OW, y + oy0 * OW, int(tid));
          gemm_ms += t.lap();
        }
      }
      continue;
    }
    PhaseTimer t;
    if (!own_gemm()) {
#pragma omp parallel for schedule(static)
      for (int64_t k = 0; k < p.k; ++k) std::fill(y + k * OHW, y + (k + 1) * OHW, bias_[size_t(k)]);
    }
    copy_ms += t.lap();
    if (pointwise_) {
      gemm(image, OHW, y, -1);
      gemm_ms += t.lap();
      continue;
    }
    // Panel by panel: the lowered panel is written to cache and multiplied from it, rather than the
    // whole R*S-fold copy of the image going to memory and coming back.
    for (int64_t oy0 = 0; oy0 < OH; oy0 += panel_rows_) {
      const int64_t oy1 = std::min(OH, oy0 + panel_rows_);
#pragma omp parallel for collapse(2) schedule(static)
      for (int64_t c = 0; c < p.c; ++c)
        for (int64_t ky = 0; ky < p.r; ++ky) lower(image, c, ky, oy0, oy1, col_.data());
      copy_ms += t.lap();
      gemm(col_.data(), (oy1 - oy0) * OW, y + oy0 * OW, -1);
      gemm_ms += t.lap();
    }
  }
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", copy_ms / threads}, {"multiply", gemm_ms / threads}};
}

// Y[K][cols] += W[K][C*R*S] * col[C*R*S][cols] (convlab's GEMM: = bias + W * col), row-major; Y's rows are
// OH*OW apart (a panel of the output).
void Im2colGemmConv::gemm(const float* col, int64_t cols, float* y, int slot) {
  const ConvProblem& p = p_;
  const int64_t OHW = p.oh() * p.ow(), CRS = p.c * p.r * p.s;
  if (own_gemm()) {
    if (slot >= 0) own_gemm_.run_serial(col, cols, y, OHW, cols, slot);
    else own_gemm_.run(col, cols, 0, y, OHW, 0, 1, cols);
    return;
  }
  if (variant_ == "dnnl") {
    if (dnnl_sgemm('N', 'N', p.k, cols, CRS, 1.0f, w_.data(), CRS, col, cols, 1.0f, y, OHW) != dnnl_success)
      throw std::runtime_error("im2col/dnnl: dnnl_sgemm failed on " + p.descriptor());
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(p.k), int(cols), int(CRS), 1.0f, w_.data(), int(CRS),
              col, int(cols), 1.0f, y, int(OHW));
}

double Im2colGemmConv::actual_flops() const {
  if (!own_gemm()) return p_.flops();
  // convlab's GEMM computes whole vectors: each call's columns, rounded up to one.
  const ConvProblem& p = p_;
  const int64_t OH = p.oh(), OW = p.ow();
  int64_t cols = 0;  // per image
  if (pointwise_) {
    cols = BlockedGemm::computed_cols(OH * OW);
  } else {
    const int64_t shares = own_panels_ ? threads_ : 1;
    for (int64_t t = 0; t < shares; ++t)
      for (int64_t oy0 = OH * t / shares, end = OH * (t + 1) / shares; oy0 < end; oy0 += panel_rows_)
        cols += BlockedGemm::computed_cols((std::min(end, oy0 + panel_rows_) - oy0) * OW);
  }
  return 2.0 * double(p.n) * double(p.k) * double(p.c * p.r * p.s) * double(cols);
}

}  // namespace convlab
