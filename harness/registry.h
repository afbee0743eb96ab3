// Every method and implementation by name: what `convlab conv --method/--impl/--variant`, the sweep and the
// tests look up. A name that is not here is refused with the list of names that are.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "method.h"

namespace convlab {

struct MethodSpec {
  MethodSpec(std::string m = "", std::string i = "plain", std::string v = "", std::string s = "")
      : method(std::move(m)), impl(std::move(i)), variant(std::move(v)), schedule(std::move(s)) {}
  std::string method;   // reference, direct, im2col, fft, winograd
  std::string impl;     // plain, halide
  std::string variant;  // e.g. tile16, F4x3; empty where the method has one variant
  std::string schedule; // Halide only: manual, mullapudi2016, li2018 (empty: manual)
};

// Methods known by name (not all impls may exist for each).
const std::vector<std::string>& method_names();

// The variants a sweep runs by default for a method and impl (one empty string if it has no variants).
std::vector<std::string> default_variants(const std::string& method, const std::string& impl);

// Every (method, impl, variant, schedule) that can run, reference excluded: what tests check and sweeps time.
std::vector<MethodSpec> all_method_specs();

// Throws ProblemError ("method: 'x' is not one of ...") for an unknown method, impl or variant.
std::unique_ptr<ConvMethod> make_method(const MethodSpec& spec);

}  // namespace convlab
