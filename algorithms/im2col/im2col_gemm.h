// im2col + GEMM (Caffe; Chellapilla et al. 2006): lower each image to a (C*R*S) x (OH*OW) matrix whose
// column j holds the receptive field of output pixel j, then one sgemm per image:
//   Y[K][OH*OW] = W[K][C*R*S] * col[C*R*S][OH*OW]  (+ bias, preloaded into Y).
// The lowering costs R*S times the input in memory; a 1x1, stride-1, unpadded, undilated problem needs no
// copy (the input already is the matrix). The GEMM is OpenBLAS's (OpenMP build: same thread pool as ours);
// variant `dnnl` takes oneDNN's dnnl_sgemm instead, so a run can tell how much of im2col's gap to a peer is
// the GEMM library's (at K = 64, OpenBLAS's packing costs it 20-40%) rather than the lowering's.
#pragma once

#include "../buffer.h"
#include "../method.h"

namespace convlab {

class Im2colGemmConv : public ConvMethod {
 public:
  // variant: "" (OpenBLAS sgemm) or "dnnl" (oneDNN's dnnl_sgemm). Throws ProblemError on anything else.
  explicit Im2colGemmConv(std::string variant = "");
  std::string method() const override { return "im2col"; }
  std::string variant() const override { return variant_; }
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return col_.bytes() + w_.bytes(); }
  double actual_flops() const override;
  PhaseTimes phases() const override { return phases_; }

  bool copies_input() const { return !pointwise_; }

 private:
  void im2col(const float* image);

  void gemm(const float* col, float* y) const;

  std::string variant_;
  ConvProblem p_;
  bool pointwise_ = false;  // 1x1, stride 1, no padding: the input is already the col matrix
  Buffer<float> col_;       // [C*R*S][OH*OW], one image at a time
  Buffer<float> w_;         // [K][C*R*S], flipped for true convolution
  Buffer<float> bias_;
  PhaseTimes phases_;
};

}  // namespace convlab
