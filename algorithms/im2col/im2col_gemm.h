// im2col + GEMM (Caffe; Chellapilla et al. 2006): lower each image to a (C*R*S) x (OH*OW) matrix whose
// column j holds the receptive field of output pixel j, then sgemm:
//   Y[K][OH*OW] = W[K][C*R*S] * col[C*R*S][OH*OW]  (+ bias, preloaded into Y).
// The lowering costs R*S times the input in memory. On large images it is made and multiplied in panels of
// whole output rows (about 1 MB of lowered matrix, the two cores' 512 KB L2s together), so the copy goes to
// cache instead of memory and back: VGG-16 conv1_2, 2 threads, 0.82x (OpenBLAS) and 0.45x (dnnl) the time, its
// copy 29% -> 15% of it. There, each thread takes its own share of the output rows and lowers and multiplies
// its panels (half the size) on its own, so no panel crosses between the cores' caches. A 1x1, stride-1,
// unpadded, undilated problem needs no copy (the input already is the matrix). The GEMM is OpenBLAS's
// (OpenMP build: same thread pool as ours); variant `dnnl` takes oneDNN's dnnl_sgemm instead, so a run can
// tell how much of im2col's gap to a peer is the GEMM library's (at K = 64, OpenBLAS's packing costs it
// 20-40%) rather than the lowering's; variant `convlab` takes convlab's own (gemm/blocked_gemm.h), the one
// plain direct runs on 1x1 layers, so that im2col's difference to direct is the lowering alone.
#pragma once

#include "../buffer.h"
#include "../gemm/blocked_gemm.h"
#include "../method.h"

namespace convlab {

class Im2colGemmConv : public ConvMethod {
 public:
  // variant: "" (OpenBLAS sgemm), "dnnl" (oneDNN's dnnl_sgemm) or "convlab" (BlockedGemm). Throws
  // ProblemError on anything else.
  explicit Im2colGemmConv(std::string variant = "");
  std::string method() const override { return "im2col"; }
  std::string variant() const override { return variant_; }
  std::string not_applicable(const ConvProblem&) const override { return ""; }
  void plan(const ConvProblem& p) override;
  void set_weights(const float* weights, const float* bias) override;
  void execute(const float* input, float* output) override;
  size_t workspace_bytes() const override { return col_.bytes() + w_.bytes() + bias_.bytes() + own_gemm_.workspace_bytes(); }
  double actual_flops() const override;
  PhaseTimes phases() const override { return phases_; }

  bool copies_input() const { return !pointwise_; }

 private:
  // Lowers kernel row y of channel c for output rows [oy0, oy1) of one image: the S rows (c, y, 0..S-1)
  // of the panel col[C*R*S][(oy1 - oy0) * OW].
  void lower(const float* image, int64_t c, int64_t y, int64_t oy0, int64_t oy1, float* col) const;
  // Y[K][cols] += W * col (a BLAS: Y holds the bias) or = bias + W * col (convlab's), Y's rows OH*OW
  // apart; `slot`: the calling thread's, inside a parallel region (own_panels_), else -1.
  void gemm(const float* col, int64_t cols, float* y, int slot);
  bool own_gemm() const { return variant_ == "convlab"; }

  // The lowered panel's budget: 1 MB, so a panel is written to and read from cache, not memory.
  static constexpr int64_t kPanelFloats = 1 << 18;

  std::string variant_;
  ConvProblem p_;
  bool pointwise_ = false;   // 1x1, stride 1, no padding: the input is already the col matrix
  int threads_ = 1;          // omp_get_max_threads() at plan time
  bool own_panels_ = false;  // each thread lowers and multiplies its own panels
  int64_t panel_rows_ = 1;   // output rows lowered and multiplied at a time
  int64_t panel_floats_ = 0;
  Buffer<float> col_;        // [C*R*S][panel_rows_ * OW]: one panel, or one per thread (own_panels_)
  Buffer<float> w_;          // [K][C*R*S], flipped for true convolution (a BLAS's)
  Buffer<float> bias_;       // K floats (a BLAS's: preloaded into Y)
  BlockedGemm own_gemm_;     // variant convlab: W packed, bias, its panels
  PhaseTimes phases_;
};

}  // namespace convlab
