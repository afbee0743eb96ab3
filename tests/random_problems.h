// Randomized problems for the method-vs-reference tests: odd sizes, C != K, R != S, stride 1-3,
// dilation 1-2 (half of them stride 1 and undilated), batch 1-3, every padding mode and both modes. Deterministic per seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "problem.h"

namespace convlab::testing {

inline ConvProblem random_problem(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (;;) {
    ConvProblem p;
    p.n = pick(1, 3);
    p.c = pick(1, 9);
    p.k = pick(1, 11);
    p.h = pick(3, 23);
    p.w = pick(3, 23);
    // Small kernels and stride 1 are common (real networks; Winograd's domain), the rest still covered.
    static const int kernels[] = {1, 2, 3, 3, 3, 4, 5, 5, 6, 7};
    p.r = kernels[pick(0, 9)];
    p.s = pick(0, 2) ? p.r : kernels[pick(0, 9)];
    const bool unit = pick(0, 1) == 0;  // half the problems: stride 1, no dilation
    p.sh = unit ? 1 : pick(1, 3);
    p.sw = unit ? 1 : pick(1, 3);
    p.dh = !unit && pick(0, 2) == 0 ? 2 : 1;
    p.dw = !unit && pick(0, 2) == 0 ? 2 : 1;
    p.bias = pick(0, 4) != 0;
    p.mode = pick(0, 1) ? ConvMode::Conv : ConvMode::Xcorr;
    switch (pick(0, 3)) {
      case 0: p.pad_mode = PadMode::Valid; break;
      case 1: p.pad_mode = PadMode::Same; break;
      case 2: p.pad_mode = PadMode::Full; break;
      default:
        p.pad_mode = PadMode::Explicit;
        p.pt = pick(0, 3), p.pb = pick(0, 3), p.pl = pick(0, 3), p.pr = pick(0, 3);
    }
    p.resolve_padding();
    if (p.eff_r() <= p.h + p.pt + p.pb && p.eff_s() <= p.w + p.pl + p.pr) return p;
  }
}

// Layer-sized problems (channels 8-32, images 14-32, kernels 1-5, stride 1-2): the shapes autoscheduled
// Halide pipelines are tiled for, so that every implementation meets many of them.
inline ConvProblem random_layer(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  static const int64_t chans[] = {8, 16, 24, 32};
  ConvProblem p;
  p.n = pick(1, 2);
  p.c = chans[pick(0, 3)];
  p.k = chans[pick(0, 3)];
  p.h = pick(14, 32);
  p.w = pick(0, 1) ? p.h : pick(14, 32);
  p.r = p.s = 2 * pick(0, 2) + 1;
  p.sh = p.sw = pick(0, 3) == 0 ? 2 : 1;
  p.mode = pick(0, 1) ? ConvMode::Conv : ConvMode::Xcorr;
  p.pad_mode = pick(0, 2) == 0 ? PadMode::Valid : (pick(0, 3) == 0 ? PadMode::Full : PadMode::Same);
  p.resolve_padding();
  return p;
}

// Fully connected layers: the kernel covers the whole input (method "fc" applies to nothing else).
inline ConvProblem random_fc(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return int64_t(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  ConvProblem p;
  p.n = pick(1, 3);
  p.c = pick(1, 40);
  p.h = pick(1, 5);
  p.w = pick(0, 1) ? p.h : pick(1, 5);
  p.r = p.h, p.s = p.w;
  p.k = pick(1, 70);
  p.mode = pick(0, 1) ? ConvMode::Conv : ConvMode::Xcorr;
  p.bias = pick(0, 3) != 0;
  return p;
}

// `count` problems from `seed`, 90 layer-sized ones, 25 fully connected ones, and the fixed corner cases
// every method must get right.
inline std::vector<ConvProblem> random_problems(int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<ConvProblem> v;
  for (int i = 0; i < count; ++i) v.push_back(random_problem(rng));
  for (int i = 0; i < 90; ++i) v.push_back(random_layer(rng));
  for (int i = 0; i < 25; ++i) v.push_back(random_fc(rng));
  ConvProblem one;  // 1x1x1x1
  v.push_back(one);
  ConvProblem pw;  // pointwise: im2col's no-copy path
  pw.n = 2, pw.c = 5, pw.k = 7, pw.h = 9, pw.w = 6;
  v.push_back(pw);
  for (int64_t w : {7, 17}) {  // deep pointwise: more channels than one pass of the 1x1 kernels (128), a tail
    ConvProblem deep;
    deep.n = 2, deep.c = 131, deep.k = 20, deep.h = 5, deep.w = w;
    v.push_back(deep);
  }
  ConvProblem columns;  // direct 1x1: two passes of 150 channels, two columns of 336 + 331 positions, K % 4 = 2
  columns.n = 2, columns.c = 300, columns.k = 10, columns.h = 23, columns.w = 29;
  v.push_back(columns);
  ConvProblem even;  // direct 1x1: two columns of 392 positions (49 vectors of 8: blocks of 3, then 2 + 2)
  even.n = 1, even.c = 300, even.k = 10, even.h = 28, even.w = 28;
  v.push_back(even);
  // Halide's positions-in-lanes builds: whole items (96 positions per image: 4 of 24 with AVX2, 2 of 48 with
  // AVX-512), a tail pass, a partial filter block, on an 8x12 plane and a 4x24 one (direct takes planes at
  // most 15 wide flat: halide_conv.cpp); the second has two groups of filters (common.h's kGroupBlocks, for
  // planes of few items), the last one partial.
  for (int64_t w : {12, 24}) {
    ConvProblem planes;
    planes.n = 2, planes.c = 131, planes.k = w == 24 ? 137 : 37, planes.h = 96 / w, planes.w = w;
    v.push_back(planes);
  }
  // Strided 1x1 layers (one padded) that Halide direct and im2col run dense on gathered positions
  // (halide_conv.cpp), in their positions-in-lanes builds: an 8x12 plane (direct's flat) and a 4x24 one.
  for (int64_t w : {23, 47}) {
    ConvProblem shortcut;
    shortcut.n = 2, shortcut.c = 37, shortcut.k = 21, shortcut.h = w == 23 ? 15 : 7, shortcut.w = w;
    shortcut.sh = shortcut.sw = 2;
    shortcut.pl = w == 23 ? 1 : 0;
    v.push_back(shortcut);
  }
  ConvProblem large;  // im2col lowers it in panels (more than 4 MB of lowered matrix), the last one shorter
  large.n = 2, large.c = 16, large.k = 5, large.h = 121, large.w = 119, large.r = 3, large.s = 3;
  large.pad_mode = PadMode::Same;
  large.resolve_padding();
  v.push_back(large);
  // Winograd's three-phase path (U too large to fuse): lane_product with an odd number of tile blocks and
  // K % 6 != 0 (F4: 40 tiles, F6: 18), and dnnl_sgemm (F2: 144 tiles of 140 channels, too wide for it)
  ConvProblem deep3x3;
  deep3x3.n = 2, deep3x3.c = 140, deep3x3.k = 131, deep3x3.h = 15, deep3x3.w = 17, deep3x3.r = 3, deep3x3.s = 3;
  deep3x3.pad_mode = PadMode::Same;
  deep3x3.resolve_padding();
  v.push_back(deep3x3);
  ConvProblem deep_c;  // lane_product's channel sum in two blocks (more than 256 channels), three-phase
  deep_c.n = 1, deep_c.c = 300, deep_c.k = 100, deep_c.h = 7, deep_c.w = 6, deep_c.r = 3, deep_c.s = 3;
  deep_c.pad_mode = PadMode::Same;
  deep_c.resolve_padding();
  v.push_back(deep_c);
  ConvProblem late;  // Halide Winograd with tiles in lanes: 16 tiles at F(4,3), 9 at F(6,3), a partial group of 48
  late.n = 2, late.c = 70, late.k = 100, late.h = 13, late.w = 13, late.r = 3, late.s = 3;  // filters, K % 6 != 0
  late.pad_mode = PadMode::Same;
  late.resolve_padding();
  v.push_back(late);
  ConvProblem wide;  // wider than one register block, more filters than one block
  wide.n = 1, wide.c = 3, wide.k = 13, wide.h = 5, wide.w = 61, wide.r = 3, wide.s = 2;
  wide.pad_mode = PadMode::Same;
  wide.resolve_padding();
  v.push_back(wide);
  return v;
}

}  // namespace convlab::testing
