// A plain direct kernel that SlidingWindowConv hands a whole layer to when the layer suits it better than
// the filters-in-lanes blocks: PointwiseDirect (1x1, pointwise.h), FewChannelsDirect (C < 8, few_channels.h).
#pragma once

#include <cstddef>

#include "../method.h"
#include "../problem.h"

namespace convlab {

class DirectLayerKernel {
 public:
  virtual ~DirectLayerKernel() = default;
  virtual void plan(const ConvProblem& p, int threads) = 0;
  virtual void set_weights(const float* weights, const float* bias) = 0;
  // Returns the phase times of this call (input_transform, multiply).
  virtual PhaseTimes execute(const float* input, float* output) = 0;
  virtual size_t workspace_bytes() const = 0;
  virtual double actual_flops() const = 0;
};

}  // namespace convlab
