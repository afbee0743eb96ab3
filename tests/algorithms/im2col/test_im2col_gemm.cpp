// im2col + GEMM on images large enough that each thread lowers and multiplies panels of its own output
// rows (the randomized shapes of test_methods_vs_reference.cpp are too small to take that path): every
// row share, panel edge and thread count must still give the reference's output.
#include <catch2/catch.hpp>
#include <omp.h>

#include "../../method_runner.h"
#include "threads.h"

using namespace convlab;
using namespace convlab::testing;

TEST_CASE("im2col with a panel per thread: uneven row shares, stride, batch and every GEMM agree with the reference",
          "[im2col]") {
  // 1.75M and 1.8M lowered floats (above the 1M floats that stay one shared panel): 127 and 150 output
  // rows, shared unevenly by 3 threads; R != S, C != K, batch 2, stride 2, true convolution.
  ConvProblem same;
  same.n = 2, same.c = 7, same.k = 5, same.h = 127, same.w = 131, same.r = 3, same.s = 5;
  same.pt = same.pb = 1, same.pl = same.pr = 2;
  ConvProblem strided;
  strided.n = 1, strided.c = 9, strided.k = 4, strided.h = strided.w = 301, strided.r = strided.s = 3;
  strided.sh = strided.sw = 2;
  strided.mode = ConvMode::Conv;
  const int before = omp_get_max_threads();
  for (int threads : {2, 3, 1})
    for (const ConvProblem& p : {same, strided})
      for (const char* variant : {"", "dnnl", "convlab"}) {
        set_threads(threads);
        INFO(threads << " threads, " << p.descriptor() << ", variant '" << variant << "'");
        auto m = make_method({"im2col", "plain", variant});
        CHECK(error_vs_reference(*m, p).max_rel <= m->tolerance(p));
      }
  set_threads(before);
}
