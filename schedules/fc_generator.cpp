// The fully connected layer as a Halide pipeline: y[k, n] = b[k] + sum_f W[k, f] x[f, n]. The host passes
// W transposed ([f][k], k contiguous) so output filters fill the vector lanes and inputs are broadcast.
#include "common.h"

namespace {

using namespace Halide;

class FcLayer : public Generator<FcLayer> {
 public:
  Input<Buffer<float>> input{"input", 2};      // [f, n]: the flattened C*H*W features of each image
  Input<Buffer<float>> weights_t{"weights_t", 2};  // [k, f]
  Input<Buffer<float>> bias{"bias", 1};        // [k]
  Output<Buffer<float>> output{"output", 2};   // [k, n]

  void generate() {
    // THE ALGORITHM
    rf = RDom(0, input.dim(0).extent(), "rf");
    fc(k, n) = bias(k);
    fc(k, n) += weights_t(k, rf) * input(rf, n);
    output(k, n) = fc(k, n);

    // THE SCHEDULE
    if (auto_schedule) {
      input.set_estimates({{0, 4096}, {0, 1}});
      weights_t.set_estimates({{0, 1000}, {0, 4096}});
      bias.set_estimates({{0, 1000}});
      output.set_estimates({{0, 1000}, {0, 1}});
    } else {
      schedule_filters_in_lanes();
    }
  }

 private:
  Var k{"k"}, n{"n"};
  Func fc{"fc"};
  RDom rf;

  // Matrix-vector at batch 1 is bound by reading W once: 4 vectors of filters accumulate while the
  // features stream by; blocks of filters run in parallel.
  void schedule_filters_in_lanes() {
    const int V = convlab_halide::kVectorLanes, block = convlab_halide::kFcFilterBlock;
    Var ko{"ko"}, ki{"ki"};
    output.split(k, ko, ki, block, TailStrategy::GuardWithIf).reorder(ki, n, ko).parallel(ko).vectorize(ki, V);
    // A whole block of filters always: constant extents to vectorize and unroll (the host pads W and b).
    fc.compute_at(output, ko).bound_extent(k, block).vectorize(k, V).unroll(k);
    fc.update().reorder(k, rf, n).vectorize(k, V).unroll(k);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(FcLayer, fc_layer)
