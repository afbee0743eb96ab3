// Moving tiles between image rows and the lane layout of the tile transforms (tiles[e * 8 + lane]): an
// 8 x 8 transpose in registers instead of 64 scalar loads and 64 scalar stores per lane. The gather and
// scatter of tiles cost a third of Winograd's time before (perf, ResNet-50 res2, F(6,3)).
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef __AVX__
#include <immintrin.h>
#endif

namespace convlab {

#ifdef __AVX__
inline void transpose8x8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6,
                         __m256& r7) {
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r0 = _mm256_permute2f128_ps(s0, s4, 0x20), r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
  r2 = _mm256_permute2f128_ps(s2, s6, 0x20), r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
  r4 = _mm256_permute2f128_ps(s0, s4, 0x31), r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
  r6 = _mm256_permute2f128_ps(s2, s6, 0x31), r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// dst[j] = v[j] for j < n <= 8, touching nothing else (AMD's masked stores are microcoded and slow).
inline void store_first(float* dst, __m256 v, int n) {
  __m128 part = _mm256_castps256_ps128(v);
  if (n >= 4) {
    _mm_storeu_ps(dst, part);
    if (n == 8) return _mm_storeu_ps(dst + 4, _mm256_extractf128_ps(v, 1));
    dst += 4, n -= 4, part = _mm256_extractf128_ps(v, 1);
  }
  if (n >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(dst), part);
    dst += 2, n -= 2, part = _mm_movehl_ps(part, part);
  }
  if (n) _mm_store_ss(dst, part);
}
#endif

#ifdef __AVX2__
// v[j] = row[x + j] where 0 <= x + j < w, else 0, for j < 8: a piece of a border tile's row, zero-padded, built
// in a register from one load inside the row. Stored whole, it then forwards to the 8-float load that reads
// it back; the same piece written by masked element stores made that load wait for the stores to reach L1
// (a fifth of gather_tiles' samples on ResNet-50 res2, F(6,3), perf).
inline __m256 row_piece(const float* row, int64_t w, int64_t x) {
  if (x + 8 <= 0 || x >= w) return _mm256_setzero_ps();
  if (w < 8) {  // narrower than a vector: element by element (rare: ResNet-50's 7x7 planes)
    alignas(32) float piece[8];
    for (int k = 0; k < 8; ++k) piece[k] = x + k >= 0 && x + k < w ? row[x + k] : 0.0f;
    return _mm256_load_ps(piece);
  }
  const __m256i j = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i pos = _mm256_add_epi32(j, _mm256_set1_epi32(int(x)));  // the row's column of each lane
  const __m256i in_row =
      _mm256_and_si256(_mm256_cmpgt_epi32(pos, _mm256_set1_epi32(-1)), _mm256_cmpgt_epi32(_mm256_set1_epi32(int(w)), pos));
  const int64_t xs = x < 0 ? 0 : x > w - 8 ? w - 8 : x;  // 8 floats inside the row, containing the piece
  const __m256 v = _mm256_loadu_ps(row + xs);
  const __m256i from = _mm256_add_epi32(j, _mm256_set1_epi32(int(x - xs)));  // in [0, 8) where in_row
  return _mm256_and_ps(_mm256_permutevar8x32_ps(v, from), _mm256_castsi256_ps(in_row));
}
#endif

// out[j * stride + l] = src[l][j] for j < n <= 8 (stride: floats per element of the lane layout, 8 or a
// multiple, whose other lanes the call leaves alone). Reads 8 floats from every src[l] (the caller makes
// sure they exist), writes n vectors of 8.
inline void rows_to_lanes(const float* const src[8], int n, float* out, int stride = 8) {
#ifdef __AVX__
  __m256 r[8];
  for (int l = 0; l < 8; ++l) r[l] = _mm256_loadu_ps(src[l]);
  transpose8x8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
  for (int j = 0; j < n; ++j) _mm256_storeu_ps(out + j * stride, r[j]);
#else
  for (int j = 0; j < n; ++j)
    for (int l = 0; l < 8; ++l) out[j * stride + l] = src[l][j];
#endif
}

// dst[l][j] = in[j * stride + l] + bias for j < n <= 8. Reads n vectors of 8, writes exactly n floats per
// lane.
inline void lanes_to_rows(const float* in, int n, float bias, float* const dst[8], int stride = 8) {
#ifdef __AVX__
  __m256 r[8];
  for (int j = 0; j < 8; ++j) r[j] = j < n ? _mm256_loadu_ps(in + j * stride) : _mm256_setzero_ps();
  transpose8x8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
  const __m256 b = _mm256_set1_ps(bias);
  for (int l = 0; l < 8; ++l) store_first(dst[l], _mm256_add_ps(r[l], b), n);
#else
  for (int l = 0; l < 8; ++l)
    for (int j = 0; j < n; ++j) dst[l][j] = in[j * stride + l] + bias;
#endif
}

}  // namespace convlab
