// Floats per register of the widest vector the build targets (-march=native: the host's): 16 with AVX-512,
// 8 otherwise (one AVX register, or two SSE ones). One switch for every plain kernel: the direct register
// blocks, the tile transforms' batches and the lane product are whole vectors of it, and their block shapes
// follow it (AVX-512 also has 32 vector registers where AVX2 has 16).
#pragma once

namespace convlab {

#ifdef __AVX512F__
constexpr int kVectorFloats = 16;
#else
constexpr int kVectorFloats = 8;
#endif
constexpr bool kWideVectors = kVectorFloats == 16;  // AVX-512: 32 vector registers

}  // namespace convlab
