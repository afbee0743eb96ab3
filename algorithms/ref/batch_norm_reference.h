// Batch normalization in float64, as plainly as it is defined (batch_norm.h states the conventions):
// the ground truth for the batch-norm tests.
#pragma once

#include <cstdint>
#include <vector>

namespace convlab {

struct BatchNormReference {
  std::vector<double> y, running_mean, running_var;
};

BatchNormReference batch_norm_reference_train(const std::vector<float>& x, int64_t n, int64_t c, int64_t spatial,
                                               const std::vector<float>& gamma, const std::vector<float>& beta,
                                               const std::vector<float>& running_mean,
                                               const std::vector<float>& running_var, double eps, double momentum);

std::vector<double> batch_norm_reference_infer(const std::vector<float>& x, int64_t n, int64_t c, int64_t spatial,
                                               const std::vector<float>& gamma, const std::vector<float>& beta,
                                               const std::vector<float>& running_mean,
                                               const std::vector<float>& running_var, double eps);

}  // namespace convlab
