// Seeded uniform data in [-1, 1): the same bytes for the same seed on every machine and compiler
// (splitmix64, not std::uniform_real_distribution, whose output the standard leaves unspecified).
#pragma once

#include <cstddef>
#include <cstdint>

namespace convlab {

inline void random_fill(float* x, size_t count, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  for (size_t i = 0; i < count; ++i) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    x[i] = float(double(z >> 40) / double(1ull << 24) * 2.0 - 1.0);
  }
}

}  // namespace convlab
