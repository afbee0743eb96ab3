// Batch normalization, training and inference, against float64; folding into conv and FC layers.
#include <catch2/catch.hpp>

#include "../../method_runner.h"
#include "norm/batch_norm.h"
#include "ref/batch_norm_reference.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

BatchNorm random_bn(int64_t c, uint64_t seed) {
  BatchNorm bn(c);
  auto g = random_vector(size_t(c), seed), b = random_vector(size_t(c), seed + 1), m = random_vector(size_t(c), seed + 2),
       v = random_vector(size_t(c), seed + 3);
  for (int64_t i = 0; i < c; ++i) {
    bn.gamma[size_t(i)] = 1.0f + 0.5f * g[size_t(i)];
    bn.beta[size_t(i)] = b[size_t(i)];
    bn.running_mean[size_t(i)] = 0.3f * m[size_t(i)];
    bn.running_var[size_t(i)] = 0.5f + 0.4f * (v[size_t(i)] + 1.0f);  // positive
  }
  return bn;
}

double max_rel(const std::vector<double>& ref, const std::vector<float>& y) { return compare_to_reference(ref, y.data()).max_rel; }

}  // namespace

TEST_CASE("training-mode batch norm: batch statistics, biased variance, running stats by momentum", "[batchnorm]") {
  for (auto [n, c, spatial] : {std::tuple<int64_t, int64_t, int64_t>{4, 3, 25}, {16, 10, 1}, {2, 5, 7}}) {
    INFO("N=" << n << " C=" << c << " spatial=" << spatial << (spatial == 1 ? " (FC outputs)" : " (conv outputs)"));
    BatchNorm bn = random_bn(c, 10);
    auto x = random_vector(size_t(n * c * spatial), 20);
    for (float& v : x) v = 3.0f * v + 1.5f;  // a mean and scale far from 0 and 1
    const auto ref = batch_norm_reference_train(x, n, c, spatial, bn.gamma, bn.beta, bn.running_mean, bn.running_var,
                                                bn.eps, bn.momentum);
    std::vector<float> y(x.size());
    batch_norm_train(bn, x.data(), y.data(), n, spatial);
    CHECK(max_rel(ref.y, y) < 1e-6);
    CHECK(max_rel(ref.running_mean, bn.running_mean) < 1e-6);
    CHECK(max_rel(ref.running_var, bn.running_var) < 1e-6);
    // The normalized batch has mean beta and (biased) standard deviation |gamma| per channel.
    for (int64_t ch = 0; ch < c; ++ch) {
      double mean = 0, sq = 0;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t s = 0; s < spatial; ++s) mean += y[size_t((i * c + ch) * spatial + s)];
      mean /= double(n * spatial);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t s = 0; s < spatial; ++s) sq += std::pow(y[size_t((i * c + ch) * spatial + s)] - mean, 2);
      CHECK(mean == Approx(bn.beta[size_t(ch)]).margin(1e-5));
      CHECK(std::sqrt(sq / double(n * spatial)) == Approx(std::fabs(bn.gamma[size_t(ch)])).epsilon(1e-3));
    }
  }
  BatchNorm one(2);
  std::vector<float> single(2), out(2);
  CHECK_THROWS(batch_norm_train(one, single.data(), out.data(), 1, 1));
}

TEST_CASE("inference-mode batch norm uses the running statistics", "[batchnorm]") {
  BatchNorm bn = random_bn(6, 30);
  auto x = random_vector(size_t(3 * 6 * 10), 31);
  std::vector<float> y(x.size());
  batch_norm_infer(bn, x.data(), y.data(), 3, 10);
  CHECK(max_rel(batch_norm_reference_infer(x, 3, 6, 10, bn.gamma, bn.beta, bn.running_mean, bn.running_var, bn.eps), y) < 1e-6);
}

TEST_CASE("folding batch norm into the convolution equals convolution followed by batch norm", "[batchnorm]") {
  ConvProblem p;
  p.n = 2, p.c = 4, p.k = 5, p.h = 9, p.w = 7, p.r = p.s = 3, p.pt = p.pb = p.pl = p.pr = 1;
  BatchNorm bn = random_bn(p.k, 40);
  auto x = random_vector(size_t(p.input_elems()), 41), w = random_vector(size_t(p.weight_elems()), 42),
       b = random_vector(size_t(p.k), 43);
  std::vector<float> y = run_method(*make_method({"direct"}), p, x, w, b), then(y.size());
  batch_norm_infer(bn, y.data(), then.data(), p.n, p.oh() * p.ow());
  std::vector<float> wf = w, bf = b;
  fold_batch_norm(bn, wf, bf);
  std::vector<double> folded = conv_reference(p, x.data(), wf.data(), bf.data());
  CHECK(max_rel(folded, then) < 1e-5);
  // A layer without bias gains one.
  std::vector<float> wn = w, none;
  fold_batch_norm(bn, wn, none);
  CHECK(none.size() == size_t(p.k));
}

TEST_CASE("folding batch norm into an FC layer equals FC followed by batch norm", "[batchnorm]") {
  ConvProblem p;
  p.n = 8, p.c = 40, p.k = 12;  // ip:mb8ic40oc12
  BatchNorm bn = random_bn(p.k, 50);
  auto x = random_vector(size_t(p.input_elems()), 51), w = random_vector(size_t(p.weight_elems()), 52),
       b = random_vector(size_t(p.k), 53);
  std::vector<float> y = run_method(*make_method({"fc"}), p, x, w, b), then(y.size());
  batch_norm_infer(bn, y.data(), then.data(), p.n, 1);
  std::vector<float> wf = w, bf = b;
  fold_batch_norm(bn, wf, bf);
  CHECK(max_rel(conv_reference(p, x.data(), wf.data(), bf.data()), then) < 1e-5);
}
