#pragma once
// The heap a Halide pipeline uses, measured rather than predicted: while a HalideHeapWatch lives, every
// halide_malloc and halide_free of the runtime (its buffers computed at a loop level, per worker thread)
// passes through it, on to the handlers it replaced, and it keeps the most bytes live at once.
// A formula per schedule drifted from the schedules it described (Halide im2col's counted 53 KB where it
// allocated 55 KB, and 55 KB for 108 KB at stride 2; Winograd's and FFT's counted whole-image transforms
// the fused schedules never hold).
#include <cstddef>

namespace convlab {

class HalideHeapWatch {
 public:
  HalideHeapWatch();  // installs the watch; at most one lives at a time
  ~HalideHeapWatch();  // restores the handlers it replaced
  HalideHeapWatch(const HalideHeapWatch&) = delete;
  HalideHeapWatch& operator=(const HalideHeapWatch&) = delete;
  size_t peak_bytes() const;  // most bytes allocated through halide_malloc and not yet freed, so far
};

}  // namespace convlab
