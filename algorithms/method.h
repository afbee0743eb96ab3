// The interface every convolution method implements, plain or Halide: FFTW's "plan once, execute many".
//   plan(problem)          allocate workspace, make transform plans (may be slow; never timed with execute)
//   set_weights(w, bias)   pack or transform the weights once (inference reuses them)
//   execute(input, output) the timed part
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "problem.h"
#include "tolerance.h"

namespace convlab {

// Named phase times of the last execute() (and "weight_transform" for set_weights), in milliseconds.
using PhaseTimes = std::vector<std::pair<std::string, double>>;

class ConvMethod {
 public:
  virtual ~ConvMethod() = default;
  virtual std::string method() const = 0;  // direct, im2col, fft, winograd, reference
  virtual std::string impl() const { return "plain"; }
  virtual std::string variant() const { return ""; }
  virtual std::string schedule() const { return ""; }  // Halide schedule (manual, mullapudi2016, ...)

  // Empty if this method computes the problem; otherwise why not ("stride 2: Winograd needs stride 1").
  virtual std::string not_applicable(const ConvProblem& p) const = 0;
  // For an applicable problem, anything a reader of the results should know ("computed at stride 1 and
  // subsampled"); empty if nothing.
  virtual std::string remark(const ConvProblem&) const { return ""; }

  // The relative error this method may show on `p` against the float64 reference (tolerance.h).
  virtual double tolerance(const ConvProblem& p) const { return fp32_sum_tolerance(p); }

  virtual void plan(const ConvProblem& p) = 0;
  virtual void set_weights(const float* weights, const float* bias) = 0;  // bias may be null if !p.bias
  virtual void execute(const float* input, float* output) = 0;

  // Memory the method holds beside the input and output: packed weights, transformed data, buffers.
  // Complete after the first execute() (Halide's pipelines measure the heap they take there).
  virtual size_t workspace_bytes() const = 0;
  // Floating-point operations really performed by execute() (multiplies and adds); the direct-equivalent
  // count is ConvProblem::flops().
  virtual double actual_flops() const = 0;
  virtual PhaseTimes phases() const { return {}; }
  // Part of the last execute() that benchmarks leave out of the timed figure, in ms: only a peer
  // library's reorders between NCHW and its preferred layout (benchdnn times the primitive alone). Our
  // methods' own layout work is always timed.
  virtual double untimed_ms() const { return 0; }

 protected:
  double weight_ms_ = 0;  // time of the last set_weights(), reported as phase "weight_transform"
};

}  // namespace convlab
