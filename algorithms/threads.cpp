#include "threads.h"

#include <cblas.h>
#include <fftw3.h>
#include <omp.h>

extern "C" void openblas_set_num_threads(int);

namespace convlab {

void set_threads(int n) {
  static bool fftw_ready = (fftwf_init_threads() != 0);
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
  if (fftw_ready) fftwf_plan_with_nthreads(n);
}

}  // namespace convlab
