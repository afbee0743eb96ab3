// Shared by every generator: the tensor layout and the scalar parameters a convolution layer needs.
// Halide orders dimensions innermost first, so PyTorch's NCHW is [x, y, c, n] here and KCRS is [s, r, c, k].
// Weights arrive in cross-correlation orientation (the host flips them for true convolution, as the plain
// methods do), and padding is applied by a zero boundary condition, so bottom/right padding follows from the
// output's extent.
#pragma once

#include "Halide.h"
#include "filter_block.h"

namespace convlab_halide {

using namespace Halide;

// Estimates for the autoschedulers: a ResNet-50 res2 3x3 layer, batch 1 (what the project measures most).
constexpr int kEstW = 56, kEstH = 56, kEstC = 64, kEstK = 64, kEstR = 3, kEstS = 3;

// The estimates of the layer-shaped pipelines (direct, im2col): every input and output around one
// ResNet-50 res2 3x3 layer.
template <typename Gen>
void set_layer_estimates(Gen& g) {
  g.input.set_estimates({{0, kEstW + 2}, {0, kEstH + 2}, {0, kEstC}, {0, 1}});
  g.weights.set_estimates({{0, kFilterBlock}, {0, kEstS}, {0, kEstR}, {0, kEstC}, {0, kEstK / kFilterBlock}});
  g.bias.set_estimates({{0, kEstK}});
  g.stride_x.set_estimate(1), g.stride_y.set_estimate(1), g.dil_x.set_estimate(1), g.dil_y.set_estimate(1);
  g.pad_left.set_estimate(1), g.pad_top.set_estimate(1);
  g.output.set_estimates({{0, kEstW}, {0, kEstH}, {0, kEstK}, {0, 1}});
}

}  // namespace convlab_halide
