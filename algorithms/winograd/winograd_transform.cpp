#include "winograd_transform.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "winograd_fixed.h"

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
  // The compile-time transforms, where this tile's matrices are theirs (both directions the same).
  const winograd_fixed::Tile* f = winograd_fixed::tile(mh, rh);
  auto is = [](const std::vector<float>& v, const float* table, int n) {
    return v.size() == size_t(n) && std::equal(v.begin(), v.end(), table);
  };
  if (f && bth_ == btw_ && ath_ == atw_ && is(bth_, f->bt, f->alpha * f->alpha) && is(ath_, f->at, f->m * f->alpha))
    fixed_input_ = f->input, fixed_output_ = f->output;
}

// out[i][*] = sum_l m[i][l] * in[l][*] over rows of kLanes floats (one AVX vector: GCC's vector type
// makes it explicit; aligned(4) allows the unaligned rows strides produce). Each input row is loaded
// once and feeds every output row's accumulator: ROWS independent FMA chains, held in registers, instead of
// one dependent chain per row (which waited on FMA latency and cost ~10x).
typedef float Lanes __attribute__((vector_size(4 * TileTransform::kLanes), aligned(4)));

template <int ROWS>
static void lane_matmul_rows(const float* m, int inner, const float* in, size_t in_row, float* out, size_t out_row) {
  Lanes acc[ROWS] = {};
  for (int l = 0; l < inner; ++l) {
    const Lanes src = *reinterpret_cast<const Lanes*>(in + size_t(l) * in_row);
    for (int i = 0; i < ROWS; ++i) acc[i] += m[i * inner + l] * src;
  }
  for (int i = 0; i < ROWS; ++i) *reinterpret_cast<Lanes*>(out + size_t(i) * out_row) = acc[i];
}

static void lane_matmul(const float* m, int rows, int inner, const float* in, size_t in_row, float* out, size_t out_row) {
  switch (rows) {  // tiles are at most 8 (WinogradConv::kMaxAlpha)
    case 1: return lane_matmul_rows<1>(m, inner, in, in_row, out, out_row);
    case 2: return lane_matmul_rows<2>(m, inner, in, in_row, out, out_row);
    case 3: return lane_matmul_rows<3>(m, inner, in, in_row, out, out_row);
    case 4: return lane_matmul_rows<4>(m, inner, in, in_row, out, out_row);
    case 5: return lane_matmul_rows<5>(m, inner, in, in_row, out, out_row);
    case 6: return lane_matmul_rows<6>(m, inner, in, in_row, out, out_row);
    case 7: return lane_matmul_rows<7>(m, inner, in, in_row, out, out_row);
    case 8: return lane_matmul_rows<8>(m, inner, in, in_row, out, out_row);
    default: throw std::logic_error("Winograd transform with " + std::to_string(rows) + " rows: tiles are at most 8");
  }
}

void WinogradTransform::input(const float* d, float* out, size_t stride, int, float* tmp) const {
  if (fixed_input_) return fixed_input_(d, out, stride, tmp);
  const int ah = in_h, aw = in_w;
  constexpr int L = kLanes;
  // tmp[i][j] = sum_l B_h^T[i][l] d[l][j]: per column j, rows of lanes.
  for (int j = 0; j < aw; ++j) lane_matmul(bth_.data(), ah, ah, d + j * L, size_t(aw) * L, tmp + j * L, size_t(aw) * L);
  // V[i][j] = sum_l tmp[i][l] B_w^T[j][l]: per row i, straight into the positions.
  for (int i = 0; i < ah; ++i) lane_matmul(btw_.data(), aw, aw, tmp + size_t(i) * aw * L, L, out + size_t(i * aw) * stride, stride);
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

void WinogradTransform::output(const float* in, size_t stride, float* y, int, float* tmp) const {
  if (fixed_output_) return fixed_output_(in, stride, y, tmp);
  const int ah = in_h, aw = in_w, mh = out_h, mw = out_w;
  constexpr int L = kLanes;
  // tmp[i][j] = sum_l A_h^T[i][l] M[l][j]  (mh x aw), reading positions (l, j) at in[(l * aw + j) * stride].
  for (int j = 0; j < aw; ++j) lane_matmul(ath_.data(), mh, ah, in + size_t(j) * stride, size_t(aw) * stride, tmp + j * L, size_t(aw) * L);
  // Y[i][j] = sum_l tmp[i][l] A_w^T[j][l]  (mh x mw).
  for (int i = 0; i < mh; ++i) lane_matmul(atw_.data(), mw, aw, tmp + size_t(i) * aw * L, L, y + size_t(i * mw) * L, L);
}

// Per tile. The generic products multiply by every coefficient; the fixed ones skip zeros, and a 1 or -1
// is an add (or, as a row's first term, free).
static double matmul_flops(const std::vector<float>& m, int inner, bool fixed) {
  if (!fixed) return 2.0 * double(m.size());
  double flops = 0;
  for (size_t row = 0; row < m.size(); row += size_t(inner)) {
    bool first = true;
    for (size_t l = row; l < row + size_t(inner); ++l) {
      if (m[l] == 0.0f) continue;
      const bool unit = m[l] == 1.0f || m[l] == -1.0f;
      flops += first ? (unit ? 0 : 1) : (unit ? 1 : 2);
      first = false;
    }
  }
  return flops;
}
double WinogradTransform::input_flops() const {
  return matmul_flops(bth_, in_h, fixed()) * in_w + matmul_flops(btw_, in_w, fixed()) * in_h;
}
double WinogradTransform::output_flops() const {
  return matmul_flops(ath_, in_h, fixed()) * in_w + matmul_flops(atw_, in_w, fixed()) * out_h;
}

}  // namespace convlab
