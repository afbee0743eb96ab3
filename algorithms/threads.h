// One thread count for every pool in the process: our OpenMP loops, OpenBLAS (OpenMP build, so the same
// libgomp pool) and FFTW's OpenMP planner. Mixed pools oversubscribe 2 cores and make timings meaningless.
#pragma once

namespace convlab {

void set_threads(int n);

}  // namespace convlab
