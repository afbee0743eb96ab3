#include "tiled_conv.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

void TiledConv::plan(const ConvProblem& p) {
  p_ = p;
  t_ = make_transform(p);
  vals_ = t_->complex ? 2 : 1;
  oh1_ = p.h + p.pt + p.pb - p.eff_r() + 1;
  ow1_ = p.w + p.pl + p.pr - p.eff_s() + 1;
  tiles_h_ = (oh1_ + t_->out_h - 1) / t_->out_h;
  tiles_w_ = (ow1_ + t_->out_w - 1) / t_->out_w;
  tiles_ = p.n * tiles_h_ * tiles_w_;
  const size_t P = size_t(t_->positions);
  U_.resize(P * size_t(p.k * p.c * vals_));
  V_.resize(P * size_t(p.c * tiles_ * vals_));
  M_.resize(P * size_t(p.k * tiles_ * vals_));
  bias_.resize(size_t(p.k));
  // Per thread: the transform's scratch plus one gathered tile, rounded to whole cache lines.
  scratch_per_thread_ = (t_->scratch_floats() + size_t(t_->in_h * t_->in_w) + 15) / 16 * 16;
  scratch_.resize(scratch_per_thread_ * size_t(omp_get_max_threads()));
  phases_.clear();
}

void transform_weights(const ConvProblem& p, const TileTransform& t, const float* w, float* out, size_t kc_stride,
                       size_t pos_stride) {
  const int kh = int(p.eff_r()), kw = int(p.eff_s());
#pragma omp parallel
  {
    Buffer<float> scratch(t.scratch_floats());
    std::vector<float> g(size_t(kh * kw));
#pragma omp for collapse(2) schedule(static)
    for (int64_t k = 0; k < p.k; ++k)
      for (int64_t c = 0; c < p.c; ++c) {
        std::fill(g.begin(), g.end(), 0.0f);  // dilation: taps between the kernel's own stay zero
        for (int64_t y = 0; y < p.r; ++y)
          for (int64_t x = 0; x < p.s; ++x) g[size_t(y * p.dh * kw + x * p.dw)] = xcorr_weight(p, w, k, c, y, x);
        t.kernel(g.data(), kh, kw, out + size_t(k * p.c + c) * kc_stride, pos_stride, scratch.data());
      }
  }
}

void TiledConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  const ConvProblem& p = p_;
  transform_weights(p, *t_, w, U_.data(), size_t(vals_), size_t(p.k * p.c * vals_));
  for (int64_t k = 0; k < p.k; ++k) bias_[size_t(k)] = (bias && p.bias) ? bias[k] : 0.0f;
  weight_ms_ = t.ms();
}

void TiledConv::input_transform(const float* input) {
  const ConvProblem& p = p_;
  const int ih = t_->in_h, iw = t_->in_w;
  const size_t stride = size_t(p.c * tiles_ * vals_);
#pragma omp parallel
  {
    float* scratch = scratch_.data() + scratch_per_thread_ * size_t(omp_get_thread_num());
    float* tile = scratch + t_->scratch_floats();
#pragma omp for collapse(3) schedule(static)
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t c = 0; c < p.c; ++c)
        for (int64_t ty = 0; ty < tiles_h_; ++ty) {
          const float* plane = input + (n * p.c + c) * p.h * p.w;
          for (int64_t tx = 0; tx < tiles_w_; ++tx) {
            // Tile origin in input coordinates (padding makes it negative at the top/left border).
            const int64_t y0 = ty * t_->out_h - p.pt, x0 = tx * t_->out_w - p.pl;
            for (int i = 0; i < ih; ++i) {
              const int64_t y = y0 + i;
              float* row = tile + i * iw;
              if (y < 0 || y >= p.h) {
                std::fill(row, row + iw, 0.0f);
                continue;
              }
              for (int j = 0; j < iw; ++j) {
                const int64_t x = x0 + j;
                row[j] = (x >= 0 && x < p.w) ? plane[y * p.w + x] : 0.0f;
              }
            }
            const int64_t t = (n * tiles_h_ + ty) * tiles_w_ + tx;
            t_->input(tile, V_.data() + (c * tiles_ + t) * vals_, stride, scratch);
          }
        }
  }
}

void TiledConv::multiply() {
  const ConvProblem& p = p_;
  const int K = int(p.k), C = int(p.c), T = int(tiles_);
  // One product per position, positions spread over threads. Each BLAS call runs inside our parallel
  // region, where the OpenMP build of OpenBLAS stays on one thread: no oversubscription.
#pragma omp parallel for schedule(dynamic, 1)
  for (int pos = 0; pos < t_->positions; ++pos) {
    const float* U = U_.data() + size_t(pos) * K * C * vals_;
    const float* V = V_.data() + size_t(pos) * C * T * vals_;
    float* M = M_.data() + size_t(pos) * K * T * vals_;
    if (vals_ == 1) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, T, C, 1.0f, U, C, V, T, 0.0f, M, T);
    } else {
      const float one[2] = {1.0f, 0.0f}, zero[2] = {0.0f, 0.0f};
      cblas_cgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, K, T, C, one, U, C, V, T, zero, M, T);
    }
  }
}

void TiledConv::output_transform(float* output) {
  const ConvProblem& p = p_;
  const int64_t OH = p.oh(), OW = p.ow();
  const int oh = t_->out_h, ow = t_->out_w;
  const size_t stride = size_t(p.k * tiles_ * vals_);
#pragma omp parallel
  {
    float* scratch = scratch_.data() + scratch_per_thread_ * size_t(omp_get_thread_num());
    float* tile = scratch + t_->scratch_floats();
#pragma omp for collapse(3) schedule(static)
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t k = 0; k < p.k; ++k)
        for (int64_t ty = 0; ty < tiles_h_; ++ty) {
          float* plane = output + (n * p.k + k) * OH * OW;
          const float b = bias_[size_t(k)];
          for (int64_t tx = 0; tx < tiles_w_; ++tx) {
            const int64_t t = (n * tiles_h_ + ty) * tiles_w_ + tx;
            t_->output(M_.data() + (k * tiles_ + t) * vals_, stride, tile, scratch);
            for (int i = 0; i < oh; ++i) {
              const int64_t y1 = ty * oh + i;  // row of the stride-1 output
              if (y1 >= oh1_ || y1 % p.sh != 0) continue;
              const int64_t y = y1 / p.sh;
              for (int j = 0; j < ow; ++j) {
                const int64_t x1 = tx * ow + j;
                if (x1 >= ow1_ || x1 % p.sw != 0) continue;
                plane[y * OW + x1 / p.sw] = tile[i * ow + j] + b;
              }
            }
          }
        }
  }
}

void TiledConv::execute(const float* input, float* output) {
  PhaseTimer t;
  input_transform(input);
  const double in_ms = t.lap();
  multiply();
  const double mul_ms = t.lap();
  output_transform(output);
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", in_ms}, {"multiply", mul_ms},
             {"output_transform", t.lap()}};
}

size_t TiledConv::workspace_bytes() const {
  return U_.bytes() + V_.bytes() + M_.bytes() + scratch_.bytes() + bias_.bytes();
}

double TiledConv::actual_flops() const {
  const ConvProblem& p = p_;
  const double per_product = t_->complex ? 8.0 : 2.0;  // complex multiply-add: 4 mul + 4 add
  return double(p.c * tiles_) * t_->input_flops() +
         per_product * double(t_->positions) * double(p.k) * double(p.c) * double(tiles_) +
         double(p.k * tiles_) * t_->output_flops();
}

}  // namespace convlab
