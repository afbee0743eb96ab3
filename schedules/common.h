// Shared by every generator: the tensor layout and the scalar parameters a convolution layer needs.
// Halide orders dimensions innermost first, so PyTorch's NCHW is [x, y, c, n] here and KCRS is [s, r, c, k].
// Weights arrive in cross-correlation orientation (the host flips them for true convolution, as the plain
// methods do), and padding is applied by a zero boundary condition, so bottom/right padding follows from the
// output's extent.
#pragma once

#include "Halide.h"

namespace convlab_halide {

using namespace Halide;

// Estimates for the autoschedulers: a ResNet-50 res2 3x3 layer, batch 1 (what the project measures most).
constexpr int kEstW = 56, kEstH = 56, kEstC = 64, kEstK = 64, kEstR = 3, kEstS = 3;

}  // namespace convlab_halide
