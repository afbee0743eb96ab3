// `convlab machine [--threads 1,2]`: this machine's measured peak FP32 GFLOP/s and memory bandwidth.
#include <omp.h>

#include <cstdio>

#include "cli.h"
#include "commands.h"
#include "machine.h"
#include "problem_sources.h"

namespace convlab {

int cmd_machine(int argc, char** argv) {
  Args a(argc, argv, {"threads"}, {});
  std::string def = "1";
  for (int t = 2; t <= omp_get_num_procs(); ++t) def += "," + std::to_string(t);
  for (int64_t t : parse_int_list("threads", a.get("threads", def))) {
    MachineInfo m = measure_machine(int(t));
    std::printf("cpu=\"%s\" logical_cpus=%d threads=%d peak_gflops=%.1f peak_vector_bits=%d bandwidth_gbs=%.1f\n",
                m.cpu_model.c_str(), m.logical_cpus, m.threads, m.peak_gflops, m.peak_vector_bits, m.bandwidth_gbs);
  }
  if (const std::string w = blas_core_warning(); !w.empty()) std::fprintf(stderr, "convlab machine: warning: %s\n", w.c_str());
  return 0;
}

}  // namespace convlab
