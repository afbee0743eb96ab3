// FFT tile transforms (FFTW, single precision): a T_h x T_w real tile -> T_h x (T_w/2 + 1) complex bins by
// r2c; the kernel likewise, conjugated (cross-correlation) and scaled by 1 / (T_h T_w) (FFTW's inverse is
// unnormalized); products back by c2r, whose top-left (T_h - kh + 1) x (T_w - kw + 1) corner is the valid
// part of the circular correlation (overlap-save). Plans are made once (FFTW_MEASURE, one thread each:
// the driver runs tiles in parallel) and executed on per-thread scratch (FFTW's new-array execute). Tiles
// go kLanes at a time through one plan_many over the lane-interleaved batch (stride kLanes, distance 1);
// a partial batch (whole-image FFT at batch 1 has a single tile) transforms only its real tiles.
#pragma once

#include <fftw3.h>

#include "../tiled/tile_transform.h"

namespace convlab {

class FftTransform : public TileTransform {
 public:
  FftTransform(int th, int tw, int kh, int kw);
  ~FftTransform() override;
  FftTransform(const FftTransform&) = delete;
  FftTransform& operator=(const FftTransform&) = delete;

  size_t scratch_floats() const override { return (real_floats_ + size_t(positions) * 2) * kLanes; }
  void input(const float* tiles, float* out, size_t stride, int lanes, float* scratch) const override;
  void kernel(const float* g, int kh, int kw, float* out, size_t stride, float* scratch) const override;
  void output(const float* in, size_t stride, float* tiles, int lanes, float* scratch) const override;
  double input_flops() const override { return r2c_flops_; }
  double output_flops() const override { return c2r_flops_; }

 private:
  size_t real_floats_ = 0;  // real tile, rounded up to 64 bytes so the complex part stays aligned
  fftwf_plan r2c_ = nullptr, c2r_ = nullptr;    // kLanes interleaved tiles
  fftwf_plan r2c_one_ = nullptr;                 // one kernel
  fftwf_plan r2c_lane_ = nullptr, c2r_lane_ = nullptr;  // one tile of a partial batch, at any lane offset
  double r2c_flops_ = 0, c2r_flops_ = 0;
};

// Smallest n' >= n whose only prime factors are 2, 3, 5, 7: sizes FFTW's codelets are fast at.
int good_fft_size(int n);

}  // namespace convlab
