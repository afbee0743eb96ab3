// This machine, measured: peak FP32 GFLOP/s (register-only FMA loop: 12 independent accumulators of the
// widest vector the build targets, 256 or 512 bits, enough to cover FMA latency x throughput) and memory
// bandwidth (STREAM-like triad over arrays far larger than the last-level cache). Every figure a run
// reports sits beside these.
#pragma once

#include <string>

namespace convlab {

struct MachineInfo {
  std::string cpu_model;
  int logical_cpus = 0;
  int threads = 0;
  double peak_gflops = 0;     // FP32, at `threads`; a sweep keeps the larger of its two measurements:
  double peak_gflops_start = 0, peak_gflops_end = 0;  // a sweep's, before and after its run (0: not measured)
  double bandwidth_gbs = 0;   // triad, at `threads`
  int peak_vector_bits = 0;   // the FMA width the peak was measured with (512 on AVX-512 hosts; 0: unknown)
};

int peak_vector_bits();
std::string cpu_model();
// Debian's OpenBLAS picks its kernels at run time by CPU model, and on a model newer than it knows it falls
// back to its Prescott (SSE3) kernels: on an Intel Xeon of family 6 model 207 (OpenBLAS 0.3.21), VGG-16
// conv2_2's im2col took 73 ms, 22 ms with OPENBLAS_CORETYPE=SkylakeX. One line saying so, or "".
std::string blas_core_warning();
double measure_peak_gflops(int threads);
double measure_bandwidth_gbs(int threads);
MachineInfo measure_machine(int threads);

}  // namespace convlab
