// Halide im2col's manual schedule computes its sums per group of up to kGroupFilters (256) filters, each
// pass of 8 channels over every filter block of the group (im2col_generator.cpp). The randomized problems
// of test_methods_vs_reference.cpp have at most 11 filters, one block: these shapes take several groups
// and a partial last group and block, in each of the schedule's item shapes (wide rows, narrow rows of
// 7 rows x 128 filters, a flattened 1x1 plane in halves capped at a group) and in its build for rows at
// most 8 wide (register blocks wrapping rows: 3x3 kernels, taps unrolled, and others), and channel
// counts that end in a partial pass or are below one pass.
#include <catch2/catch.hpp>

#include "../method_runner.h"

using namespace convlab;
using namespace convlab::testing;

TEST_CASE("Halide im2col: several filter groups, partial groups, blocks and passes agree with the reference",
          "[halide][im2col]") {
  // 19-wide rows (wide items), 300 filters (a group of 256 and one of 44, whose last block is partial),
  // 13 channels (passes of 8 and 5), batch 2, true convolution.
  ConvProblem wide;
  wide.n = 2, wide.c = 13, wide.k = 300, wide.h = 20, wide.w = 19, wide.r = wide.s = 3;
  wide.pt = wide.pb = wide.pl = wide.pr = 1;
  wide.mode = ConvMode::Conv;
  // 12-wide rows (narrow items: 7 rows x 128 filters, the last item 44), stride 2 on a 24-wide input.
  ConvProblem narrow = wide;
  narrow.n = 1, narrow.c = 21, narrow.h = narrow.w = 24, narrow.sh = narrow.sw = 2, narrow.mode = ConvMode::Xcorr;
  // 7-wide rows (the wrapped-rows build's general product, a 3x5 kernel), fewer channels than a pass.
  ConvProblem seven;
  seven.c = 5, seven.k = 70, seven.h = seven.w = 7, seven.r = 3, seven.s = 5, seven.pt = seven.pb = 1, seven.pl = seven.pr = 2;
  // A dense 1x1 7x7 plane, passed flat as one row of 49 (too few positions for the positions-in-lanes
  // build): 600 filters in items of at most a group, the last one partial.
  ConvProblem flat;
  flat.c = 17, flat.k = 600, flat.h = flat.w = 7, flat.r = flat.s = 1;
  // 7x7 output of a 3x3 kernel at stride 2 (the wrapped-rows build's unrolled taps): 300 filters in items of
  // 128 (the last 44, its last block partial), 37 channels (passes of 16 and 5), 49 positions (8 blocks of
  // 6 and a guarded one).
  ConvProblem wrapped = narrow;
  wrapped.c = 37, wrapped.h = wrapped.w = 13;
  for (const ConvProblem& p : {wide, narrow, seven, flat, wrapped}) check_vs_reference(MethodSpec("im2col", "halide", "", "manual"), p);
}
