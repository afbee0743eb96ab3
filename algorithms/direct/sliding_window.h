// Sliding-window (direct) convolution, plain C++: no lowering, no transform.
//
// Zhang, Franchetti & Low (ICML 2018) show that direct convolution reaches a large fraction of peak when the
// weights are packed so the innermost loop feeds vector FMAs from registers. Here:
//   * the input is copied once into a zero-padded, stride-phase-split workspace (x = phase + sw * j), so
//     every kernel tap reads a contiguous run of input for consecutive outputs whatever the stride;
//   * weights are packed as [K/KB][C][R][S][KB] (KB output channels adjacent, zero-filled past K);
//   * the micro-kernel keeps a KB x OXB block of accumulators (output channels x output columns) in
//     registers and sweeps C, R, S: one input vector load serves KB FMAs;
//   * OpenMP splits batch x output-channel blocks x output rows.
#pragma once

#include "../buffer.h"
#include "../method.h"

namespace convlab {

class SlidingWindowConv : public ConvMethod {
 public:
  static constexpr int KB = 4;    // output channels per register block
  static constexpr int OXB = 24;  // output columns per register block (3 AVX vectors): 12 accumulators

  std::string method() const override { return "direct"; }
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return padded_.bytes() + packed_w_.bytes() + bias_.bytes(); }
  double actual_flops() const override;
  PhaseTimes phases() const override { return phases_; }

 private:
  void pad_input(const float* input);
  void compute(float* output) const;

  ConvProblem p_;
  int64_t hp_ = 0;     // padded input height
  int64_t wph_ = 0;    // columns per stride phase of a padded row (incl. slack so blocks never read past)
  int64_t row_ = 0;    // floats per padded row = sw * wph
  int64_t kblocks_ = 0;
  Buffer<float> padded_;    // [N][C][HP][SW][WPH]
  Buffer<float> packed_w_;  // [K/KB][C][R][S][KB]
  Buffer<float> bias_;      // [K/KB * KB]
  PhaseTimes phases_;
};

}  // namespace convlab
