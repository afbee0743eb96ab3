// The float64 ground truth: the textbook seven loops, kept plain so that it is obviously right.
// Every test and every harness run compares methods with this.
#pragma once

#include <vector>

#include "../problem.h"

namespace convlab {

// Output in NKHW, accumulated in double. `bias` may be null.
std::vector<double> conv_reference(const ConvProblem& p, const float* input, const float* weights,
                                   const float* bias);

struct ErrorStats {
  double max_abs = 0;  // max |y - ref|
  double max_rel = 0;  // max |y - ref| / max |ref|: relative to the output's scale, stable where ref ~ 0
  bool finite = true;  // false if y holds NaN or Inf
};

ErrorStats compare_to_reference(const std::vector<double>& ref, const float* y);

}  // namespace convlab
