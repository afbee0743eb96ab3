#include "reference_method.h"

#include "conv_reference.h"

namespace convlab {

void ReferenceConv::set_weights(const float* w, const float* bias) {
  w_.assign(w, w + p_.weight_elems());
  bias_.assign(size_t(p_.k), 0.0f);
  if (bias && p_.bias) bias_.assign(bias, bias + p_.k);
}

void ReferenceConv::execute(const float* input, float* output) {
  std::vector<double> y = conv_reference(p_, input, w_.data(), bias_.data());
  for (size_t i = 0; i < y.size(); ++i) output[i] = float(y[i]);
}

}  // namespace convlab
