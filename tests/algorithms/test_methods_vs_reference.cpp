// Every method, every impl and variant, against the float64 reference on a few hundred randomized problems
// (odd sizes, C != K, R != S, stride 2-3, dilation 2, batch > 1, every padding mode, both modes), each
// within its stated relative tolerance.
#include <catch2/catch.hpp>

#include "../method_runner.h"
#include "../random_problems.h"
#include "ref/conv_reference.h"

using namespace convlab;
using namespace convlab::testing;

TEST_CASE("every method matches the float64 reference on randomized problems", "[methods]") {
  const std::vector<ConvProblem> problems = random_problems(300, 20261125);
  for (const MethodSpec& spec : all_method_specs()) {
    std::unique_ptr<ConvMethod> m = make_method(spec);
    int ran = 0;
    double worst = 0;
    std::string worst_problem;
    for (size_t i = 0; i < problems.size(); ++i) {
      const ConvProblem& p = problems[i];
      if (!m->not_applicable(p).empty()) continue;
      auto x = random_vector(size_t(p.input_elems()), 3 * i);
      auto w = random_vector(size_t(p.weight_elems()), 3 * i + 1);
      auto b = random_vector(size_t(p.k), 3 * i + 2);
      std::vector<float> y = run_method(*m, p, x, w, b);
      ErrorStats e = compare_to_reference(conv_reference(p, x.data(), w.data(), b.data()), y.data());
      const double tol = tolerance(*m, p);
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
