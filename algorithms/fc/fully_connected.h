// The fully connected (dense, inner-product) layer, y = W x + b over a batch: one sgemm.
//
// A fully connected layer is the convolution whose kernel covers its whole (unpadded) input: R = H,
// S = W, output 1 x 1. convlab represents it that way (a benchdnn inner-product descriptor such as
// ip:mb8ic4096oc1000 parses to such a problem), so every method and the float64 reference apply to it, and
// method "fc" applies exactly to those shapes: Y[N][K] = X[N][C*H*W] * W[K][C*H*W]^T + b, with KCRS weights
// already laid out as W[K][C*H*W] (PyTorch's Linear keeps W[out][in] the same way).
#pragma once

#include "../buffer.h"
#include "../method.h"

namespace convlab {

class FullyConnected : public ConvMethod {
 public:
  std::string method() const override { return "fc"; }
  std::string not_applicable(const ConvProblem& p) const override;
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return w_.bytes() + bias_.bytes(); }
  double actual_flops() const override { return p_.flops(); }
  PhaseTimes phases() const override { return phases_; }

 private:
  ConvProblem p_;
  Buffer<float> w_, bias_;  // [K][C*H*W] in cross-correlation orientation; [K]
  PhaseTimes phases_;
};

}  // namespace convlab
