// What distinguishes Winograd from tiled FFT convolution (NNPACK's split): the transforms of one tile.
// The driver (tiled_conv.h) does everything else: tiling, gathering, the per-position matrix products over
// channels, bias and scattering.
//
// A transform maps an in_h x in_w input tile to `positions` values (real, or complex = 2 floats), the
// kernel to the same positions, and `positions` products back to an out_h x out_w output tile of the
// stride-1 cross-correlation. Values of position p are read/written at base[p * stride] (complex: base[p *
// stride] and base[p * stride + 1]), so the driver chooses the layout. Methods may be called concurrently
// with distinct scratch buffers of scratch_floats() floats (64-byte aligned).
#pragma once

#include <cstddef>

namespace convlab {

class TileTransform {
 public:
  virtual ~TileTransform() = default;
  int in_h = 0, in_w = 0;    // input tile
  int out_h = 0, out_w = 0;  // output tile (in_h - kernel_h + 1)
  int positions = 0;         // transform-domain points per tile
  bool complex = false;      // positions hold complex values

  virtual size_t scratch_floats() const = 0;
  virtual void input(const float* tile, float* out, size_t stride, float* scratch) const = 0;
  // Kernel (kh x kw, cross-correlation orientation, already dilated), scaled so output() needs no extra
  // normalization. Done once per weight set, in double where it helps accuracy.
  virtual void kernel(const float* g, int kh, int kw, float* out, size_t stride, float* scratch) const = 0;
  virtual void output(const float* in, size_t stride, float* tile, float* scratch) const = 0;

  // Floating-point operations each call really performs (for the actual-arithmetic column).
  virtual double input_flops() const = 0;
  virtual double output_flops() const = 0;
};

}  // namespace convlab
