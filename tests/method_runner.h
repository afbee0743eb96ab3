// Runs one method on one problem with given tensors (plan, set_weights, execute), and checks it against the
// float64 reference.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "random_fill.h"
#include "ref/conv_reference.h"
#include "registry.h"

namespace convlab::testing {

inline std::vector<float> run_method(ConvMethod& m, const ConvProblem& p, const std::vector<float>& x,
                                     const std::vector<float>& w, const std::vector<float>& b) {
  std::vector<float> y(size_t(p.output_elems()), -12345.0f);  // poison: every element must be written
  m.plan(p);
  m.set_weights(w.data(), b.data());
  m.execute(x.data(), y.data());
  return y;
}

inline std::vector<float> random_vector(size_t n, uint64_t seed) {
  std::vector<float> v(n);
  random_fill(v.data(), n, seed);
  return v;
}

// m's output on p against the float64 reference, the input, weights and bias drawn from seeds 1, 2 and 3.
inline ErrorStats error_vs_reference(ConvMethod& m, const ConvProblem& p) {
  const auto x = random_vector(size_t(p.input_elems()), 1), w = random_vector(size_t(p.weight_elems()), 2),
             b = random_vector(size_t(p.k), 3);
  return compare_to_reference(conv_reference(p, x.data(), w.data(), b.data()), run_method(m, p, x, w, b).data());
}

// The method of `spec` applies to p and its output agrees with the reference within its tolerance.
inline void check_vs_reference(const MethodSpec& spec, const ConvProblem& p) {
  INFO(p.descriptor());
  auto m = make_method(spec);
  REQUIRE(m->not_applicable(p).empty());
  const ErrorStats e = error_vs_reference(*m, p);
  REQUIRE(e.finite);
  CHECK(e.max_rel <= m->tolerance(p));
}

inline std::string spec_name(const MethodSpec& s) {
  return s.method + "/" + s.impl + (s.variant.empty() ? "" : "/" + s.variant) + (s.schedule.empty() ? "" : "/" + s.schedule);
}

}  // namespace convlab::testing
