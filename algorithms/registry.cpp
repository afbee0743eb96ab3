#include "registry.h"

#include <cmath>

#include "direct/sliding_window.h"
#include "im2col/im2col_gemm.h"
#include "problem.h"
#include "ref/reference_method.h"

namespace convlab {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"reference", "direct", "im2col"};
  return names;
}

std::vector<std::string> default_variants(const std::string&, const std::string&) { return {""}; }

std::vector<MethodSpec> all_method_specs() {
  std::vector<MethodSpec> v;
  for (const std::string& m : method_names()) {
    if (m == "reference") continue;
    for (const char* impl : {"plain"})
      for (const std::string& var : default_variants(m, impl)) v.push_back({m, impl, var});
  }
  return v;
}

static std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::unique_ptr<ConvMethod> make_method(const MethodSpec& spec) {
  if (spec.impl != "plain")
    throw ProblemError("impl: '" + spec.impl + "' is not available for method " + spec.method + " (have: plain)");
  std::unique_ptr<ConvMethod> m;
  if (spec.method == "reference") m = std::make_unique<ReferenceConv>();
  else if (spec.method == "direct") m = std::make_unique<SlidingWindowConv>();
  else if (spec.method == "im2col") m = std::make_unique<Im2colGemmConv>();
  else throw ProblemError("method: '" + spec.method + "' is not one of " + join(method_names()));
  if (!spec.variant.empty())
    throw ProblemError("variant: method " + spec.method + " has no variant '" + spec.variant + "'");
  return m;
}

double tolerance(const ConvMethod& m, const ConvProblem& p) {
  // fp32 summation of L = C*R*S products: the error relative to the output's scale grows like sqrt(L)*eps
  // for random data; 8x that bound leaves room for unlucky draws and the blocked summation orders.
  const double eps = 5.96e-8;  // 2^-24
  const double base = 8.0 * eps * std::sqrt(double(p.c * p.r * p.s)) + 4.0 * eps;
  if (m.method() == "reference") return 1e-6;  // float64 rounded to float32 once
  return base;
}

}  // namespace convlab
