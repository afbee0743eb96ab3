// How Halide Winograd's filters-in-lanes builds cut the output into bands of whole tile rows, the level
// every stage is computed at (common.h's per_band_output), and which of the two builds runs them. The host
// computes it (halide_conv.cpp) and passes the rows per band to the pipeline (winograd_generator.cpp's
// band_rows), so that the rule is written once, in integers.
#pragma once

#include <algorithm>
#include <cstdint>

#include "filter_block.h"

namespace convlab_halide {

// A band's transformed input and products (V and M: alpha^2 positions x the channels and filters, each
// rounded to whole vectors, per tile) fill at most kBandFloats per thread (1.5 MB, three quarters of this
// Xeon's L2), so that they stay in cache between the phases (VGG-16 conv1_2's whole V at F(6,3) is 24 MB).
// Paired A/B of this budget, new / old time, 2 threads (1 thread), against bands of 48 tiles: VGG-16 conv1_1
// F(6,3) 0.89x (1.03x), conv1_2 0.89x (0.99x), conv2_1 0.94x, ResNet-50 res2 3x3 F(6,3) 0.89x, F(4,3)
// 0.90x, 5x5 C64 F(4,5) 0.86x (0.98x), 7x7 C32 F(2,7) 0.85x (0.90x); a fixed budget of 3 MB instead (both
// cores' L2 at 2 threads) took conv1_1 at 1 thread 1.29x the time.
constexpr int64_t kBandFloats = 3 << 17;

struct WinogradBands {
  bool in_parallel = false;  // run the parallel_bands build: each band on one thread
  int64_t rows = 1;          // output rows per band
};

// A layer of tiles_x x tiles_y tiles of alpha2 positions and m_h output rows each, out_h rows in all, C
// channels and K filters, on `threads` threads.
// The phases' parallel loops (the build without parallel_bands) split each phase of a band over the
// threads, each phase by its own items (tiles and channels, then positions and filters, then tiles and
// filters), so about half of what a phase reads the other core wrote: ResNet-50 res2 3x3 at F(4,3) took
// the same time on 2 threads as on 1, its transforms 2.3-2.6x the cycles (perf). Bands in parallel keep
// a band's phases on one core, as the plain method keeps a tile block's (algorithms/tiled/
// tile_block_pipeline.cpp), but each band then reads all of U (alpha^2 x C x K) where the phases' split
// read a share of it: they pay where a band's V and M, what the split moves between cores, outweigh U,
// tiles x (C + K) >= C x K. A band per thread, smaller where the cache budget says; otherwise bands of at
// least kTileBlock tiles, and more where `threads` budgets hold them (fewer bands, fewer of the five
// parallel loops a band starts). `may_parallel`: the build with bands in parallel exists for this layer.
// Paired A/B against the split phases everywhere, new / old time, 2 threads: res2 3x3 F(2,3) 0.73x, F(4,3)
// 0.93x, F(6,3) 0.92x; VGG-16 conv1_1 0.49-0.63x, conv1_2 0.55-0.72x, conv2_1 F(2,3) and F(4,3) 0.72x,
// 0.70x; 7x7 C32 F(2,7) 0.62x; ResNet-50 res3 3x3 F(2,3) 0.80x; layers the rule leaves split 0.91-1.08x
// (unchanged code: noise). 1 thread, where both builds run one band at a time: 1.00-1.01x on five layers.
inline WinogradBands winograd_bands(int64_t tiles_x, int64_t tiles_y, int64_t m_h, int64_t out_h, int64_t alpha2, int64_t c,
                                    int64_t k, int threads, bool may_parallel) {
  const int64_t lanes = round_up(c, kVectorLanes) + round_up(k, kVectorLanes);
  const int64_t fit = kBandFloats / (alpha2 * lanes);  // tiles one thread's budget holds
  // A band of at most `tiles` tiles, in whole tile rows (one at least), and in output rows.
  auto tile_rows = [&](int64_t tiles) { return std::max<int64_t>(1, tiles / tiles_x); };
  auto rows_of = [&](int64_t tiles) { return std::min(m_h * tile_rows(tiles), out_h); };
  const int64_t own = std::min(fit, (tiles_x * tiles_y + threads - 1) / threads);
  if (may_parallel && tile_rows(own) * tiles_x * (c + k) >= c * k) return {true, rows_of(own)};
  return {false, rows_of(std::max<int64_t>(kTileBlock, fit * threads))};
}

}  // namespace convlab_halide
