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
  fftwf_complex* bins = reinterpret_cast<fftwf_complex*>(buf + real_floats_ * kLanes);
  const int n[2] = {th, tw};
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    const int saved = fftwf_planner_nthreads();
    fftwf_plan_with_nthreads(1);
    r2c_ = fftwf_plan_many_dft_r2c(2, n, kLanes, buf, nullptr, kLanes, 1, bins, nullptr, kLanes, 1, FFTW_MEASURE);
    c2r_ = fftwf_plan_many_dft_c2r(2, n, kLanes, bins, nullptr, kLanes, 1, buf, nullptr, kLanes, 1, FFTW_MEASURE);
    r2c_one_ = fftwf_plan_dft_r2c_2d(th, tw, buf, bins, FFTW_MEASURE);
    // Lane l of a batch starts l floats in: not SIMD-aligned, so these plans must not assume alignment.
    r2c_lane_ = fftwf_plan_many_dft_r2c(2, n, 1, buf, nullptr, kLanes, 1, bins, nullptr, kLanes, 1, FFTW_MEASURE | FFTW_UNALIGNED);
    c2r_lane_ = fftwf_plan_many_dft_c2r(2, n, 1, bins, nullptr, kLanes, 1, buf, nullptr, kLanes, 1, FFTW_MEASURE | FFTW_UNALIGNED);
    fftwf_plan_with_nthreads(saved);
  }
  fftwf_free(buf);
  if (!r2c_ || !c2r_ || !r2c_one_ || !r2c_lane_ || !c2r_lane_)
    throw std::runtime_error("FFTW could not plan a " + std::to_string(th) + "x" + std::to_string(tw) + " transform");
  r2c_flops_ = plan_flops(r2c_) / kLanes;
  c2r_flops_ = plan_flops(c2r_) / kLanes;
}

FftTransform::~FftTransform() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  for (fftwf_plan p : {r2c_, c2r_, r2c_one_, r2c_lane_, c2r_lane_})
    if (p) fftwf_destroy_plan(p);
}

void FftTransform::input(const float* tiles, float* out, size_t stride, int lanes, float* scratch) const {
  constexpr int L = kLanes;
  std::copy(tiles, tiles + in_h * in_w * L, scratch);
  float* bins = scratch + real_floats_ * L;
  if (lanes == L) fftwf_execute_dft_r2c(r2c_, scratch, reinterpret_cast<fftwf_complex*>(bins));
  else
    for (int l = 0; l < lanes; ++l) fftwf_execute_dft_r2c(r2c_lane_, scratch + l, reinterpret_cast<fftwf_complex*>(bins) + l);
  for (int p = 0; p < positions; ++p) std::copy(bins + 2 * L * p, bins + 2 * L * (p + 1), out + size_t(p) * stride);
}

void FftTransform::kernel(const float* g, int kh, int kw, float* out, size_t stride, float* scratch) const {
  std::fill(scratch, scratch + in_h * in_w, 0.0f);
  for (int i = 0; i < kh; ++i)
    for (int j = 0; j < kw; ++j) scratch[i * in_w + j] = g[i * kw + j];
  float* bins = scratch + real_floats_ * kLanes;
  fftwf_execute_dft_r2c(r2c_one_, scratch, reinterpret_cast<fftwf_complex*>(bins));
  const float scale = 1.0f / float(in_h * in_w);
  for (int p = 0; p < positions; ++p) {  // correlation: conj(G)
    out[size_t(p) * stride] = bins[2 * p] * scale;
    out[size_t(p) * stride + 1] = -bins[2 * p + 1] * scale;
  }
}

void FftTransform::output(const float* in, size_t stride, float* tiles, int lanes, float* scratch) const {
  constexpr int L = kLanes;
  float* bins = scratch + real_floats_ * L;
  for (int p = 0; p < positions; ++p) std::copy(in + size_t(p) * stride, in + size_t(p) * stride + 2 * L, bins + 2 * L * p);
  if (lanes == L) fftwf_execute_dft_c2r(c2r_, reinterpret_cast<fftwf_complex*>(bins), scratch);
  else
    for (int l = 0; l < lanes; ++l) fftwf_execute_dft_c2r(c2r_lane_, reinterpret_cast<fftwf_complex*>(bins) + l, scratch + l);
  for (int i = 0; i < out_h; ++i)
    std::copy(scratch + size_t(i * in_w) * L, scratch + size_t(i * in_w + out_w) * L, tiles + size_t(i * out_w) * L);
}

}  // namespace convlab
