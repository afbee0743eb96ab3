// FFT convolution through the shared tiled driver. Variants:
//   whole     one tile per image: the padded image rounded up to an FFTW-friendly size (2^a 3^b 5^c 7^d);
//             memory and transform size grow with the image
//   tile<T>   overlap-save tiles of T x T (tile8, tile16, tile32 as in NNPACK / Zlateski et al.): the
//             transform size no longer grows with the image; needs T >= kernel extent + 1
// Stride > 1 is computed at stride 1 and subsampled (the wasted work shows in actual_flops); dilation
// dilates the kernel; true convolution flips it before the transform.
#pragma once

#include "../tiled/tiled_conv.h"

namespace convlab {

class FftConv : public TiledConv {
 public:
  explicit FftConv(const std::string& variant);  // throws ProblemError for a malformed variant

  std::string method() const override { return "fft"; }
  std::string variant() const override { return variant_; }
  std::string not_applicable(const ConvProblem& p) const override;
  std::string remark(const ConvProblem& p) const override;
  double tolerance(const ConvProblem& p) const override;
  // Transform size for `p`: tile x tile, or the padded image rounded up to FFTW-friendly sizes.
  std::pair<int, int> transform_size(const ConvProblem& p) const;

 protected:
  std::unique_ptr<TileTransform> make_transform(const ConvProblem& p) override;

 private:
  std::string variant_;
  int tile_ = 0;  // 0: whole image
};

}  // namespace convlab
