// The float64 reference as a ConvMethod, so `convlab conv --method reference` and tests can treat it like
// any other method. It is the textbook loop nest: never benchmarked as a contender.
#pragma once

#include <vector>

#include "../method.h"

namespace convlab {

class ReferenceConv : public ConvMethod {
 public:
  std::string method() const override { return "reference"; }
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  double tolerance(const ConvProblem&) const override { return 1e-6; }  // float64 rounded once to float32
  void plan(const ConvProblem& p) override { p_ = p; }
  void set_weights(const float* w, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return size_t(p_.output_elems()) * sizeof(double); }
  double actual_flops() const override { return p_.flops(); }

 private:
  ConvProblem p_;
  std::vector<float> w_, bias_;
};

}  // namespace convlab
