// Winograd convolution F(m x m, r x s): the shared tiled driver with Cook-Toom transforms. Variants:
//   F<m>      output tiles m x m for whatever kernel the problem has (F(m x m, r x s), non-square too)
//   F<m>x<r>  the literature's name: as F<m>, and the kernel must be r x r (e.g. F2x3, F4x3, F6x3, F2x5)
// Only stride 1 and no dilation; tiles larger than 8 (m + r - 1 > 8) are refused as numerically unusable
// in fp32. Anything else is "not applicable", never computed another way.
#pragma once

#include "../tiled/tiled_conv.h"

namespace convlab {

class WinogradConv : public TiledConv {
 public:
  static constexpr int kMaxAlpha = 8;
  explicit WinogradConv(const std::string& variant);  // throws ProblemError for a malformed variant

  std::string method() const override { return "winograd"; }
  std::string variant() const override { return variant_; }
  std::string not_applicable(const ConvProblem& p) const override;
  double tolerance(const ConvProblem& p) const override;
  int output_tile() const { return m_; }  // m of F(m x m, r x s)

 protected:
  std::unique_ptr<TileTransform> make_transform(const ConvProblem& p) override;

 private:
  std::string variant_;
  int m_ = 0, r_ = 0;  // r_ = 0: any kernel (set while parsing the variant)
};

}  // namespace convlab
