// Batch normalization (Ioffe & Szegedy 2015) for fully connected outputs (per feature: N x F, spatial 1)
// and convolution outputs (per channel: N x C x H x W), with PyTorch's conventions:
//   training   y = gamma (x - mean_B) / sqrt(var_B + eps) + beta, with the batch mean and *biased* batch
//              variance; then running_mean <- (1 - momentum) running_mean + momentum mean_B, and
//              running_var <- (1 - momentum) running_var + momentum var_B * m / (m - 1) (unbiased), m = N*H*W
//   inference  the same with running statistics
// and folding an inference-mode batch norm into the preceding convolution or FC layer:
//   w' = w * s, b' = (b - running_mean) * s + beta, with s = gamma / sqrt(running_var + eps) per channel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace convlab {

struct BatchNorm {
  std::vector<float> gamma, beta, running_mean, running_var;  // per channel
  float eps = 1e-5f, momentum = 0.1f;

  explicit BatchNorm(int64_t channels)
      : gamma(size_t(channels), 1.0f), beta(size_t(channels), 0.0f), running_mean(size_t(channels), 0.0f),
        running_var(size_t(channels), 1.0f) {}
  int64_t channels() const { return int64_t(gamma.size()); }
};

// x and y are N x C x spatial (spatial = H*W; 1 for FC outputs). y may equal x.
void batch_norm_train(BatchNorm& bn, const float* x, float* y, int64_t n, int64_t spatial);
void batch_norm_infer(const BatchNorm& bn, const float* x, float* y, int64_t n, int64_t spatial);

// Folds an inference-mode batch norm over the K outputs into weights (K x per_output, e.g. KCRS with
// per_output = C*R*S, or FC's K x F) and bias (K; created as zeros if the layer had none).
void fold_batch_norm(const BatchNorm& bn, std::vector<float>& weights, std::vector<float>& bias);

}  // namespace convlab
