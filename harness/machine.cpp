#include "machine.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <vector>

#include "buffer.h"

extern "C" char* openblas_get_corename(void);

namespace convlab {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The widest FMA this build targets (-march=native: the host's). On an AVX-512 host the peak is then the
// 512-bit one, about twice the AVX2 one, the width convlab's own kernels then use too (vector_width.h).
#if defined(__AVX512F__)
#define CONVLAB_WIDEST_FMA 1
struct WidestFma {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static float first(V v) { return _mm512_cvtss_f32(v); }
};
#elif defined(__AVX2__) && defined(__FMA__)
#define CONVLAB_WIDEST_FMA 1
struct WidestFma {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static float first(V v) { return _mm256_cvtss_f32(v); }
};
#endif

// 12 accumulators x the widest vector x 2 flops per FMA, `iters` times; returns flops done. The result
// feeds a sink so the compiler cannot drop the loop.
double fma_kernel(long iters, float* sink) {
#ifdef CONVLAB_WIDEST_FMA
  using F = WidestFma;
  F::V a[12];
  for (int i = 0; i < 12; ++i) a[i] = F::set1(1.0f + 1e-7f * float(i));
  const F::V m = F::set1(0.9999999f), c = F::set1(1e-7f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) a[i] = F::fma(a[i], m, c);
  F::V s = a[0];
  for (int i = 1; i < 12; ++i) s = F::add(s, a[i]);
  *sink = F::first(s);
  return double(iters) * 12 * F::kLanes * 2;
#else
  float a[12][8];
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 8; ++j) a[i][j] = 1.0f;
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i)
      for (int j = 0; j < 8; ++j) a[i][j] = a[i][j] * 0.9999999f + 1e-7f;
  *sink = a[0][0];
  return double(iters) * 12 * 8 * 2;
#endif
}

}  // namespace

int peak_vector_bits() {
#ifdef CONVLAB_WIDEST_FMA
  return WidestFma::kLanes * 32;
#else
  return 32;
#endif
}

std::string blas_core_warning() {
  const std::string core = openblas_get_corename();
  if (core != "Prescott" || !__builtin_cpu_supports("avx2")) return "";
  const char* better = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") ? "SkylakeX" : "Haswell";
  return std::string("OpenBLAS runs its Prescott (SSE3) kernels on this CPU, a model it does not know; im2col's "
                     "OpenBLAS variant is then several times slower than it can be. Set OPENBLAS_CORETYPE=") +
         better + " before running convlab.";
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

double measure_peak_gflops(int threads) {
  double best = 0;
  for (int trial = 0; trial < 3; ++trial) {
    double flops = 0;
    const double t0 = now_s();
#pragma omp parallel num_threads(threads) reduction(+ : flops)
    {
      float sink;
      flops += fma_kernel(20'000'000, &sink);
      if (sink == 12345.0f) flops += 1;  // never true; keeps `sink` alive
    }
    best = std::max(best, flops / (now_s() - t0) / 1e9);
  }
  return best;
}

double measure_bandwidth_gbs(int threads) {
  const size_t n = size_t(32) << 20;  // 3 arrays x 128 MiB: far beyond any last-level cache
  Buffer<float> a(n), b(n), c(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t i = 0; i < n; ++i) a[i] = 0, b[i] = 1, c[i] = 2;
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    const double t0 = now_s();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; ++i) a[i] = b[i] + 0.5f * c[i];
    best = std::max(best, 3.0 * 4.0 * double(n) / (now_s() - t0) / 1e9);
  }
  return best;
}

MachineInfo measure_machine(int threads) {
  MachineInfo m;
  m.cpu_model = cpu_model();
  m.logical_cpus = omp_get_num_procs();
  m.threads = threads;
  m.peak_gflops = measure_peak_gflops(threads);
  m.peak_vector_bits = peak_vector_bits();
  m.bandwidth_gbs = measure_bandwidth_gbs(threads);
  return m;
}

}  // namespace convlab
