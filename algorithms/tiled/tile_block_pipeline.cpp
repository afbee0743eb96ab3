// The fused path of the tiled driver for real transforms (Winograd): NNPACK's tuple-GEMM scheme, after
// Zlateski et al. (ICS'19), who show the three-phase form is memory-bound. Instead of transforming every
// tile into a V that outgrows L2 (1.6 MB on ResNet-50 res2 with F(6,3)), then multiplying, then
// inverse-transforming, each thread takes one batch of kLanes tiles (8 with AVX2, 16 with AVX-512) through
// all three phases while the batch's data stays in its cache:
//   input transform: all C channels of the batch -> Vb[position][C][lane]        (P * C * kLanes floats)
//   multiply:        per block of up to 12 filters (24 with AVX-512) and per position, a register-blocked
//                    product
//                    Mb[position][filter][lane] = sum_c U[position][c][filter] * Vb[position][c][lane]
//   output transform: the block's filters -> output tiles, bias, crop, scatter
// U is stored per filter block as [position][C][filters], so a block's product reads it in order (whole
// cache lines, prefetched) and broadcasts adjacent values; each Vb vector feeds up to 12 (24) FMAs
// held in registers. Phases are timed per thread and reported as their mean over threads.
#include <omp.h>

#include <algorithm>
#include <utility>

#include "../phase_timer.h"
#include "lane_product.h"
#include "tiled_conv.h"

namespace convlab {
namespace {

constexpr int L = TileTransform::kLanes;
constexpr int kMaxFilters = kLaneProductFilters[1];  // accumulators per block: 12 of 16 (24 of 32) registers

}  // namespace

size_t TiledConv::fused_floats_per_thread() const {
  auto lines = [](size_t floats) { return (floats + 15) / 16 * 16; };
  const size_t P = size_t(t_->positions);
  return lines(t_->scratch_floats()) + lines(size_t(t_->in_h * t_->in_w) * L) + lines(P * size_t(p_.c) * L) +
         lines(P * kMaxFilters * L);
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
    float* Vb = tiles + lines(size_t(t_->in_h * t_->in_w) * L);     // [P][C][L]
    float* Mb = Vb + lines(size_t(P * C) * L);                       // [P][filters][L]
#pragma omp for schedule(dynamic, 1)
    for (int64_t b = 0; b < tile_blocks_; ++b) {
      const int64_t t0 = b * L;
      const TileBatch batch = tile_batch(t0, int(std::min<int64_t>(L, tiles_ - t0)));
      PhaseTimer timer;
      for (int64_t c = 0; c < C; ++c) {
        if (c + 1 < C) prefetch_tiles(input, c + 1, batch);
        gather_tiles(input, c, batch, tiles);
        t_->input(tiles, Vb + c * L, size_t(C * L), L, scratch);
      }
      in_ms += timer.lap();
      for (const auto& [k0, nk] : filter_blocks_) {
        const LaneProductFn product = lane_product_fn(nk, 1, false);
        for (int64_t pos = 0; pos < P; ++pos)
          product(U_.data() + u_block(k0, nk, pos), nk, Vb + pos * C * L, 0, C, Mb + pos * nk * L, 0, false);
        mul_ms += timer.lap();
        for (int i = 0; i < nk; ++i) {
          if (k0 + i + 1 < p.k) prefetch_output(output, k0 + i + 1, batch);
          t_->output(Mb + i * L, size_t(nk * L), tiles, batch.lanes, scratch);
          scatter_tiles(tiles, k0 + i, batch, output);
        }
        out_ms += timer.lap();
      }
    }
  }
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", in_ms / threads}, {"multiply", mul_ms / threads},
             {"output_transform", out_ms / threads}};
}

}  // namespace convlab
