#include "winograd_transform.h"

namespace convlab {

namespace {

std::vector<float> to_float(const std::vector<Rational>& v) {
  std::vector<float> f(v.size());
  for (size_t i = 0; i < v.size(); ++i) f[i] = float(v[i].value());
  return f;
}

}  // namespace

WinogradTransform::WinogradTransform(int mh, int mw, int rh, int rw) : h_(cook_toom(mh, rh)), w_(cook_toom(mw, rw)) {
  in_h = h_.alpha, in_w = w_.alpha;
  out_h = mh, out_w = mw;
  positions = in_h * in_w;
  complex = false;
  bth_ = to_float(h_.BT), btw_ = to_float(w_.BT), ath_ = to_float(h_.AT), atw_ = to_float(w_.AT);
  gh_ = to_double(h_.G), gw_ = to_double(w_.G);
}

void WinogradTransform::input(const float* d, float* out, size_t stride, float* tmp) const {
  const int ah = in_h, aw = in_w;
  // tmp = B_h^T d  (ah x aw)
  for (int i = 0; i < ah; ++i)
    for (int j = 0; j < aw; ++j) {
      float s = 0;
      for (int l = 0; l < ah; ++l) s += bth_[size_t(i * ah + l)] * d[l * aw + j];
      tmp[i * aw + j] = s;
    }
  // V = tmp B_w  (B_w = (B_w^T)^T)
  for (int i = 0; i < ah; ++i)
    for (int j = 0; j < aw; ++j) {
      float s = 0;
      for (int l = 0; l < aw; ++l) s += tmp[i * aw + l] * btw_[size_t(j * aw + l)];
      out[size_t(i * aw + j) * stride] = s;
    }
}

void WinogradTransform::kernel(const float* g, int kh, int kw, float* out, size_t stride, float*) const {
  const int ah = in_h, aw = in_w;
  std::vector<double> tmp(size_t(ah * kw));
  for (int i = 0; i < ah; ++i)
    for (int j = 0; j < kw; ++j) {
      double s = 0;
      for (int l = 0; l < kh; ++l) s += gh_[size_t(i * kh + l)] * double(g[l * kw + j]);
      tmp[size_t(i * kw + j)] = s;
    }
  for (int i = 0; i < ah; ++i)
    for (int j = 0; j < aw; ++j) {
      double s = 0;
      for (int l = 0; l < kw; ++l) s += tmp[size_t(i * kw + l)] * gw_[size_t(j * kw + l)];
      out[size_t(i * aw + j) * stride] = float(s);
    }
}

void WinogradTransform::output(const float* in, size_t stride, float* y, float* tmp) const {
  const int ah = in_h, aw = in_w, mh = out_h, mw = out_w;
  // tmp = A_h^T M  (mh x aw)
  for (int i = 0; i < mh; ++i)
    for (int j = 0; j < aw; ++j) {
      float s = 0;
      for (int l = 0; l < ah; ++l) s += ath_[size_t(i * ah + l)] * in[size_t(l * aw + j) * stride];
      tmp[i * aw + j] = s;
    }
  // Y = tmp A_w  (mh x mw)
  for (int i = 0; i < mh; ++i)
    for (int j = 0; j < mw; ++j) {
      float s = 0;
      for (int l = 0; l < aw; ++l) s += tmp[i * aw + l] * atw_[size_t(j * aw + l)];
      y[i * mw + j] = s;
    }
}

double WinogradTransform::input_flops() const { return 2.0 * in_h * in_w * (in_h + in_w); }
double WinogradTransform::output_flops() const { return 2.0 * out_h * in_w * in_h + 2.0 * out_h * out_w * in_w; }

}  // namespace convlab
