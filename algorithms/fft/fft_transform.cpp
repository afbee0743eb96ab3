#include "fft_transform.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace convlab {

namespace {

// FFTW's planner is not thread-safe; plans are made in plan(), but guard it anyway.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

double plan_flops(fftwf_plan p) {
  double add = 0, mul = 0, fma = 0;
  fftwf_flops(p, &add, &mul, &fma);
  return add + mul + 2 * fma;
}

}  // namespace

int good_fft_size(int n) {
  for (int m = std::max(n, 1);; ++m) {
    int r = m;
    for (int f : {2, 3, 5, 7})
      while (r % f == 0) r /= f;
    if (r == 1) return m;
  }
}

FftTransform::FftTransform(int th, int tw, int kh, int kw) {
  in_h = th, in_w = tw;
  out_h = th - kh + 1, out_w = tw - kw + 1;
  if (out_h < 1 || out_w < 1) throw std::invalid_argument("FftTransform: kernel larger than tile");
  positions = th * (tw / 2 + 1);
  complex = true;
  real_floats_ = (size_t(th * tw) + 15) / 16 * 16;
  float* buf = fftwf_alloc_real(scratch_floats());
  if (!buf) throw std::bad_alloc();
  fftwf_complex* bins = reinterpret_cast<fftwf_complex*>(buf + real_floats_);
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    const int saved = fftwf_planner_nthreads();
    fftwf_plan_with_nthreads(1);
    r2c_ = fftwf_plan_dft_r2c_2d(th, tw, buf, bins, FFTW_MEASURE);
    c2r_ = fftwf_plan_dft_c2r_2d(th, tw, bins, buf, FFTW_MEASURE);
    fftwf_plan_with_nthreads(saved);
  }
  fftwf_free(buf);
  if (!r2c_ || !c2r_) throw std::runtime_error("FFTW could not plan a " + std::to_string(th) + "x" + std::to_string(tw) + " transform");
  r2c_flops_ = plan_flops(r2c_);
  c2r_flops_ = plan_flops(c2r_);
}

FftTransform::~FftTransform() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  if (r2c_) fftwf_destroy_plan(r2c_);
  if (c2r_) fftwf_destroy_plan(c2r_);
}

void FftTransform::input(const float* tile, float* out, size_t stride, float* scratch) const {
  std::copy(tile, tile + in_h * in_w, scratch);
  float* bins = scratch + real_floats_;
  fftwf_execute_dft_r2c(r2c_, scratch, reinterpret_cast<fftwf_complex*>(bins));
  for (int p = 0; p < positions; ++p) {
    out[size_t(p) * stride] = bins[2 * p];
    out[size_t(p) * stride + 1] = bins[2 * p + 1];
  }
}

void FftTransform::kernel(const float* g, int kh, int kw, float* out, size_t stride, float* scratch) const {
  std::fill(scratch, scratch + in_h * in_w, 0.0f);
  for (int i = 0; i < kh; ++i)
    for (int j = 0; j < kw; ++j) scratch[i * in_w + j] = g[i * kw + j];
  float* bins = scratch + real_floats_;
  fftwf_execute_dft_r2c(r2c_, scratch, reinterpret_cast<fftwf_complex*>(bins));
  const float scale = 1.0f / float(in_h * in_w);
  for (int p = 0; p < positions; ++p) {  // correlation: conj(G)
    out[size_t(p) * stride] = bins[2 * p] * scale;
    out[size_t(p) * stride + 1] = -bins[2 * p + 1] * scale;
  }
}

void FftTransform::output(const float* in, size_t stride, float* tile, float* scratch) const {
  float* bins = scratch + real_floats_;
  for (int p = 0; p < positions; ++p) {
    bins[2 * p] = in[size_t(p) * stride];
    bins[2 * p + 1] = in[size_t(p) * stride + 1];
  }
  fftwf_execute_dft_c2r(c2r_, reinterpret_cast<fftwf_complex*>(bins), scratch);
  for (int i = 0; i < out_h; ++i)
    for (int j = 0; j < out_w; ++j) tile[i * out_w + j] = scratch[i * in_w + j];
}

}  // namespace convlab
