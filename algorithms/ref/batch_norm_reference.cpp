#include "batch_norm_reference.h"

#include <cmath>

namespace convlab {

BatchNormReference batch_norm_reference_train(const std::vector<float>& x, int64_t n, int64_t c, int64_t spatial,
                                               const std::vector<float>& gamma, const std::vector<float>& beta,
                                               const std::vector<float>& running_mean,
                                               const std::vector<float>& running_var, double eps, double momentum) {
  BatchNormReference r;
  r.y.resize(x.size());
  r.running_mean.resize(size_t(c));
  r.running_var.resize(size_t(c));
  const double m = double(n * spatial);
  for (int64_t ch = 0; ch < c; ++ch) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) mean += x[size_t((i * c + ch) * spatial + s)];
    mean /= m;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) var += std::pow(x[size_t((i * c + ch) * spatial + s)] - mean, 2);
    var /= m;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) {
        const size_t at = size_t((i * c + ch) * spatial + s);
        r.y[at] = gamma[size_t(ch)] * (x[at] - mean) / std::sqrt(var + eps) + beta[size_t(ch)];
      }
    r.running_mean[size_t(ch)] = (1 - momentum) * running_mean[size_t(ch)] + momentum * mean;
    r.running_var[size_t(ch)] = (1 - momentum) * running_var[size_t(ch)] + momentum * var * m / (m - 1);
  }
  return r;
}

std::vector<double> batch_norm_reference_infer(const std::vector<float>& x, int64_t n, int64_t c, int64_t spatial,
                                               const std::vector<float>& gamma, const std::vector<float>& beta,
                                               const std::vector<float>& running_mean,
                                               const std::vector<float>& running_var, double eps) {
  std::vector<double> y(x.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t s = 0; s < spatial; ++s) {
        const size_t at = size_t((i * c + ch) * spatial + s);
        y[at] = gamma[size_t(ch)] * (x[at] - running_mean[size_t(ch)]) / std::sqrt(double(running_var[size_t(ch)]) + eps) +
                beta[size_t(ch)];
      }
  return y;
}

}  // namespace convlab
