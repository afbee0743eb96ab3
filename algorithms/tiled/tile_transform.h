// What distinguishes Winograd from tiled FFT convolution (NNPACK's split): the transforms of one tile.
// The driver (tiled_conv.h) does everything else: tiling, gathering, the per-position matrix products over
// channels, bias and scattering.
//
// A transform maps an in_h x in_w input tile to `positions` values (real, or complex = 2 floats), the
// kernel to the same positions, and `positions` products back to an out_h x out_w output tile of the
// stride-1 cross-correlation. Tiles travel kLanes at a time, one per SIMD lane (Zlateski et al.: the
// transforms are memory-bound, so each position's values must leave as one contiguous vector): element e
// of lane l sits at tiles[e * kLanes + l], and position p of lane l at base[p * stride + l * vals] (vals =
// 1 real, 2 complex: re, im). The kernel goes one at a time, position p at base[p * stride] (+1 for im).
// Methods may be called concurrently with distinct scratch buffers of scratch_floats() floats (64-byte
// aligned).
#pragma once

#include <cstddef>

#include "../vector_width.h"

namespace convlab {

class TileTransform {
 public:
  // One vector of the widest the build targets: 16 floats with AVX-512, 8 with AVX. With AVX-512 and 8,
  // the transforms used half of each FMA and shuffle (Winograd's input and output phases).
  static constexpr int kLanes = kVectorFloats;
  virtual ~TileTransform() = default;
  int in_h = 0, in_w = 0;    // input tile
  int out_h = 0, out_w = 0;  // output tile (in_h - kernel_h + 1)
  int positions = 0;         // transform-domain points per tile
  bool complex = false;      // positions hold complex values

  virtual size_t scratch_floats() const = 0;
  // `lanes` (1..kLanes) of the batch hold real tiles; a transform may skip the others or compute them.
  virtual void input(const float* tiles, float* out, size_t stride, int lanes, float* scratch) const = 0;
  // Kernel (kh x kw, cross-correlation orientation, already dilated), scaled so output() needs no extra
  // normalization. Done once per weight set, in double where it helps accuracy.
  virtual void kernel(const float* g, int kh, int kw, float* out, size_t stride, float* scratch) const = 0;
  virtual void output(const float* in, size_t stride, float* tiles, int lanes, float* scratch) const = 0;

  // Floating-point operations per tile that input() and output() really perform (actual-arithmetic column).
  virtual double input_flops() const = 0;
  virtual double output_flops() const = 0;
};

}  // namespace convlab
