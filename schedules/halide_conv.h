// The Halide pipelines (schedules/*_generator.cpp, compiled ahead of time) behind the same ConvMethod
// interface as the plain code: impl "halide", and a schedule (manual, mullapudi2016, li2018).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "method.h"

namespace convlab {

// Schedules built for `method` ("direct", "im2col", ...); empty if it has no Halide pipeline.
std::vector<std::string> halide_schedules(const std::string& method);

// Throws ProblemError for a method or schedule that was not built.
std::unique_ptr<ConvMethod> make_halide_method(const std::string& method, const std::string& variant,
                                               const std::string& schedule);

}  // namespace convlab
