// oneDNN (libdnnl 2.6) as a peer, not a contender: convolution_auto, fp32 forward inference, memory
// layouts of its own choice ("any"). Its chosen kernel (impl_info_str, e.g. "jit:avx2") is the variant.
// Reorders between NCHW/KCRS and its layouts: weights once in set_weights; input and output in execute(),
// timed as phases and reported as untimed_ms() so a benchmark times the primitive alone, as benchdnn does.
// True convolution flips the kernel before the weight reorder.
#pragma once

#include <memory>

#include "../method.h"

namespace convlab {

class OneDnnConv : public ConvMethod {
 public:
  OneDnnConv();
  ~OneDnnConv() override;

  std::string method() const override { return "onednn"; }
  std::string impl() const override { return "onednn"; }
  std::string variant() const override;
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override;
  double actual_flops() const override { return p_.flops(); }  // unknown inside the library: direct-equivalent
  PhaseTimes phases() const override { return phases_; }
  double untimed_ms() const override { return untimed_ms_; }

 private:
  struct State;  // oneDNN objects, kept out of this header
  std::unique_ptr<State> s_;
  ConvProblem p_;
  PhaseTimes phases_;
  double untimed_ms_ = 0;
};

// "2.6.0 (commit ...)": for run.json.
std::string onednn_version();

}  // namespace convlab
