#include "batch_norm.h"

#include <cmath>
#include <stdexcept>

namespace convlab {

void batch_norm_train(BatchNorm& bn, const float* x, float* y, int64_t n, int64_t spatial) {
  const int64_t C = bn.channels(), m = n * spatial;
  if (m < 2) throw std::invalid_argument("batch_norm_train: needs at least 2 values per channel");
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < C; ++c) {
    // Two passes in double: the mean, then the centred sum of squares (no cancellation).
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) sum += x[(i * C + c) * spatial + s];
    const double mean = sum / double(m);
    double sq = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) {
        const double d = x[(i * C + c) * spatial + s] - mean;
        sq += d * d;
      }
    const double var = sq / double(m);  // biased: what normalizes the batch
    const double scale = double(bn.gamma[size_t(c)]) / std::sqrt(var + double(bn.eps));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < spatial; ++s) {
        const int64_t at = (i * C + c) * spatial + s;
        y[at] = float((x[at] - mean) * scale + double(bn.beta[size_t(c)]));
      }
    const float mo = bn.momentum;
    bn.running_mean[size_t(c)] = (1 - mo) * bn.running_mean[size_t(c)] + mo * float(mean);
    bn.running_var[size_t(c)] = (1 - mo) * bn.running_var[size_t(c)] + mo * float(var * double(m) / double(m - 1));
  }
}

void batch_norm_infer(const BatchNorm& bn, const float* x, float* y, int64_t n, int64_t spatial) {
  const int64_t C = bn.channels();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < C; ++c) {
      const float scale = bn.gamma[size_t(c)] / std::sqrt(bn.running_var[size_t(c)] + bn.eps);
      const float shift = bn.beta[size_t(c)] - bn.running_mean[size_t(c)] * scale;
      for (int64_t s = 0; s < spatial; ++s) y[(i * C + c) * spatial + s] = x[(i * C + c) * spatial + s] * scale + shift;
    }
}

void fold_batch_norm(const BatchNorm& bn, std::vector<float>& weights, std::vector<float>& bias) {
  const int64_t K = bn.channels();
  if (K == 0 || weights.size() % size_t(K)) throw std::invalid_argument("fold_batch_norm: weights are not K x something");
  if (bias.empty()) bias.assign(size_t(K), 0.0f);
  if (bias.size() != size_t(K)) throw std::invalid_argument("fold_batch_norm: bias is not K long");
  const size_t per = weights.size() / size_t(K);
  for (int64_t k = 0; k < K; ++k) {
    const double s = double(bn.gamma[size_t(k)]) / std::sqrt(double(bn.running_var[size_t(k)]) + double(bn.eps));
    for (size_t j = 0; j < per; ++j) weights[size_t(k) * per + j] = float(weights[size_t(k) * per + j] * s);
    bias[size_t(k)] = float((double(bias[size_t(k)]) - bn.running_mean[size_t(k)]) * s + bn.beta[size_t(k)]);
  }
}

}  // namespace convlab
