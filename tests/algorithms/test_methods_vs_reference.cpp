// Every method, every impl, variant and schedule, against the float64 reference on a few hundred randomized
// problems (odd sizes, C != K, R != S, stride 2-3, dilation 2, batch > 1, every padding mode, both modes,
// and layer-sized shapes), each within its stated relative tolerance.
#include <catch2/catch.hpp>

#include "../method_runner.h"
#include "../random_problems.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

namespace {

struct Case {
  ConvProblem p;
  std::vector<float> x, w, b;
  std::vector<double> ref;
};

// The problems with their data and float64 results, made once for every method.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<Case> v;
    const std::vector<ConvProblem> problems = random_problems(300, 20261125);
    for (size_t i = 0; i < problems.size(); ++i) {
      Case c{problems[i], random_vector(size_t(problems[i].input_elems()), 3 * i),
             random_vector(size_t(problems[i].weight_elems()), 3 * i + 1), random_vector(size_t(problems[i].k), 3 * i + 2), {}};
      c.ref = conv_reference(c.p, c.x.data(), c.w.data(), c.b.data());
      v.push_back(std::move(c));
    }
    return v;
  }();
  return all;
}

}  // namespace

TEST_CASE("every method matches the float64 reference on randomized problems", "[methods]") {
  for (const MethodSpec& spec : all_method_specs()) {
    std::unique_ptr<ConvMethod> m = make_method(spec);
    int ran = 0;
    double worst = 0;
    std::string worst_problem;
    for (const Case& c : cases()) {
      const ConvProblem& p = c.p;
      if (!m->not_applicable(p).empty()) continue;
      std::vector<float> y = run_method(*m, p, c.x, c.w, c.b);
      ErrorStats e = compare_to_reference(c.ref, y.data());
      const double tol = m->tolerance(p);
      INFO(spec_name(spec) << " on " << p.descriptor() << " pad " << to_string(p.pad_mode) << " mode "
                           << to_string(p.mode) << " bias " << p.bias);
      REQUIRE(e.finite);
      REQUIRE(e.max_rel <= tol);
      if (e.max_rel / tol > worst) worst = e.max_rel / tol, worst_problem = p.descriptor();
      ++ran;
    }
    INFO(spec_name(spec));
    CHECK(ran >= 20);  // a method that applies to almost nothing is not being tested
    WARN(spec_name(spec) << ": " << ran << " problems, worst error " << worst << " of tolerance, on " << worst_problem);
  }
}
