// The fused path of the tiled driver for real transforms (Winograd): NNPACK's tuple-GEMM scheme, after
// Zlateski et al. (ICS'19), who show the three-phase form is memory-bound. Instead of transforming every
// tile into a V that outgrows L2 (1.6 MB on ResNet-50 res2 with F(6,3)), then multiplying, then
// inverse-transforming, each thread takes one batch of kProductLanes tiles (8 with AVX2; 16 with AVX-512,
// two of the transforms' batches of 8 side by side) through all three phases while the batch's data stays
// in its cache:
//   input transform: all C channels of the batch -> Vb[position][C][lane]        (P * C * lanes floats)
//   multiply:        per block of up to 12 filters (24 with AVX-512) and per position, a register-blocked product
//                    Mb[position][filter][lane] = sum_c U[position][c][filter] * Vb[position][c][lane]
//   output transform: the block's filters -> output tiles, bias, crop, scatter
// U is stored per filter block as [position][C][filters], so a block's product reads it in order (whole
// cache lines, prefetched) and broadcasts adjacent values; each Vb vector feeds up to 12 FMAs held in
// registers. With AVX-512 the 16-tile batch also halves how often U is re-read. Phases are timed per thread and reported as their mean over threads.
#include <omp.h>

#include <algorithm>
#include <utility>

#include "../phase_timer.h"
#include "lane_product.h"
#include "tiled_conv.h"

namespace convlab {
namespace {

constexpr int L = TileTransform::kLanes;        // tiles per transform call
constexpr int B = kProductLanes;                 // tiles per batch: B / L transform calls side by side
constexpr int kMaxFilters = kLaneProductFilters[1];  // accumulators per block: 12 of 16 (24 of 32) registers

}  // namespace

size_t TiledConv::fused_floats_per_thread() const {
  auto lines = [](size_t floats) { return (floats + 15) / 16 * 16; };
  const size_t P = size_t(t_->positions);
  return lines(t_->scratch_floats()) + lines(size_t(t_->in_h * t_->in_w) * L) + lines(P * size_t(p_.c) * B) +
         lines(P * kMaxFilters * B);
}

void TiledConv::execute_fused(const float* input, float* output) {
  const ConvProblem& p = p_;
  const int64_t C = p.c, P = t_->positions;
  double in_ms = 0, mul_ms = 0, out_ms = 0;
  int threads = 1;
#pragma omp parallel reduction(+ : in_ms, mul_ms, out_ms)
  {
#pragma omp single
    threads = omp_get_num_threads();
    auto lines = [](size_t floats) { return (floats + 15) / 16 * 16; };
    float* scratch = scratch_.data() + fused_floats_per_thread() * size_t(omp_get_thread_num());
    float* tiles = scratch + lines(t_->scratch_floats());           // [in_h * in_w][L], reused for output tiles
    float* Vb = tiles + lines(size_t(t_->in_h * t_->in_w) * L);     // [P][C][B]
    float* Mb = Vb + lines(size_t(P * C) * B);                       // [P][filters][B]
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < product_blocks_; ++b) {
      // The batch's transform calls: tiles [t0 + h * L, + lanes[h]); a call past the last tile (the last
      // batch's) transforms zeros, so the product's missing lanes are zeros.
      const int64_t t0 = b * B;
      int lanes[B / L];
      for (int h = 0; h < B / L; ++h) lanes[h] = int(std::clamp<int64_t>(tiles_ - t0 - h * L, 0, L));
      PhaseTimer timer;
      for (int64_t c = 0; c < C; ++c)
        for (int h = 0; h < B / L; ++h) {
          if (c + 1 < C) prefetch_tiles(input, c + 1, t0 + h * L, lanes[h]);
          gather_tiles(input, c, t0 + h * L, lanes[h], tiles);
          t_->input(tiles, Vb + c * B + h * L, size_t(C * B), L, scratch);
        }
      in_ms += timer.lap();
      for (const auto& [k0, nk] : filter_blocks_) {
        const LaneProductFn product = lane_product_fn(nk, 1, false);
        for (int64_t pos = 0; pos < P; ++pos)
          product(U_.data() + u_block(k0, nk, pos), nk, Vb + pos * C * B, 0, C, Mb + pos * nk * B, 0, false);
        mul_ms += timer.lap();
        for (int i = 0; i < nk; ++i)
          for (int h = 0; h < B / L && lanes[h] > 0; ++h) {
            if (k0 + i + 1 < p.k) prefetch_output(output, k0 + i + 1, t0 + h * L, lanes[h]);
            t_->output(Mb + i * B + h * L, size_t(nk * B), tiles, lanes[h], scratch);
            scatter_tiles(tiles, k0 + i, t0 + h * L, lanes[h], output);
          }
        out_ms += timer.lap();
      }
    }
  }
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", in_ms / threads}, {"multiply", mul_ms / threads},
             {"output_transform", out_ms / threads}};
}

}  // namespace convlab
