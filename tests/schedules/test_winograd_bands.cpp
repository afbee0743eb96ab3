// The bands of Halide Winograd's filters-in-lanes builds (schedules/winograd_bands.h): which build runs a
// layer, and that its bands are whole tile rows that give every thread one.
#include <catch2/catch.hpp>

#include "winograd_bands.h"

namespace {

using convlab_halide::winograd_bands;

// F(m, 3) on a `size` x `size` layer with `same` padding: the host's tile counts.
convlab_halide::WinogradBands f3x3(int64_t m, int64_t size, int64_t c, int64_t k, int threads, bool may_parallel = true) {
  const int64_t tiles = (size + m - 1) / m, alpha = m + 2;
  return winograd_bands(tiles, tiles, m, size, alpha * alpha, c, k, threads, may_parallel);
}

}  // namespace

TEST_CASE("Winograd bands run in parallel where a band's data outweighs U", "[halide][winograd]") {
  // ResNet-50 res2 3x3 (C = K = 64, 14 x 14 tiles at F(4,3)): half the image would be 98 tiles, one
  // thread's budget holds 85 (1.5 MB / (36 positions x 128 lanes x 4 bytes)): bands of 6 tile rows.
  const auto res2 = f3x3(4, 56, 64, 64, 2);
  CHECK(res2.in_parallel);
  CHECK(res2.rows == 24);
  // VGG-16 conv4 (C = K = 512, 7 x 7 tiles): U (9.4 MB) outweighs any band, so the phases split; bands of
  // at least kTileBlock (48) tiles, 6 tile rows.
  const auto conv4 = f3x3(4, 28, 512, 512, 2);
  CHECK_FALSE(conv4.in_parallel);
  CHECK(conv4.rows == 24);
  // VGG-16 conv1_1 (3 channels): bands in parallel, each within one thread's budget (fewer rows than half).
  const auto conv1_1 = f3x3(6, 224, 3, 64, 2);
  CHECK(conv1_1.in_parallel);
  CHECK(conv1_1.rows < 112);
  // Without a parallel-bands build (tiles in lanes, the autoscheduled pipelines), never.
  CHECK_FALSE(f3x3(4, 56, 64, 64, 2, false).in_parallel);
}

TEST_CASE("Winograd bands are whole tile rows, and every thread has one", "[halide][winograd]") {
  for (int threads : {1, 2, 3, 8})
    for (int64_t m : {2, 4, 6})
      for (int64_t size : {5, 13, 28, 56, 57, 224})
        for (int64_t c : {3, 64, 256})
          for (int64_t k : {16, 64, 512}) {
            INFO("F(" << m << ",3) " << size << "x" << size << " C" << c << " K" << k << " threads " << threads);
            const auto b = f3x3(m, size, c, k, threads);
            REQUIRE(b.rows >= 1);
            CHECK(b.rows <= size);
            CHECK((b.rows % m == 0 || b.rows == size));
            const int64_t tile_rows = (size + m - 1) / m, bands = (size + b.rows - 1) / b.rows;
            if (b.in_parallel) CHECK(bands >= std::min<int64_t>(threads, tile_rows));
          }
}
