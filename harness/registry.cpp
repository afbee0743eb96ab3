#include "registry.h"

#include "direct/sliding_window.h"
#include "halide_conv.h"
#include "fc/fully_connected.h"
#include "fft/fft_conv.h"
#include "im2col/im2col_gemm.h"
#include "peer/onednn_conv.h"
#include "problem.h"
#include "ref/reference_method.h"
#include "winograd/winograd_conv.h"

namespace convlab {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"reference", "direct", "im2col", "fft", "winograd", "fc", "onednn"};
  return names;
}

std::vector<std::string> default_variants(const std::string& method, const std::string& impl) {
  if (method == "fft" && impl == "halide") return {"tile8", "tile16", "tile32"};  // whole-image is FFTW's
  if (method == "fft") return {"whole", "tile8", "tile16", "tile32"};
  if (method == "winograd") return {"F2", "F4", "F6"};
  if (method == "im2col" && impl == "plain") return {"", "dnnl", "convlab"};  // OpenBLAS's, oneDNN's, convlab's GEMM
  return {""};
}

std::vector<MethodSpec> all_method_specs() {
  std::vector<MethodSpec> v;
  for (const std::string& m : method_names()) {
    if (m == "reference") continue;
    if (m == "onednn") {
      v.push_back({m, "onednn", "auto"});
      continue;
    }
    for (const std::string& var : default_variants(m, "plain")) v.push_back({m, "plain", var, ""});
    for (const std::string& sched : halide_schedules(m))
      for (const std::string& var : default_variants(m, "halide")) v.push_back({m, "halide", var, sched});
  }
  return v;
}

static std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::unique_ptr<ConvMethod> make_method(const MethodSpec& spec) {
  if (spec.method == "onednn" || spec.impl == "onednn") {
    if (spec.method != "onednn" || spec.impl != "onednn")
      throw ProblemError("impl: onednn is the peer library's own method and impl (--method onednn --impl onednn)");
    if (!spec.variant.empty() && spec.variant != "auto")
      throw ProblemError("variant: onednn chooses its own kernel (variant auto), not '" + spec.variant + "'");
    return std::make_unique<OneDnnConv>();
  }
  if (spec.impl == "halide") return make_halide_method(spec.method, spec.variant, spec.schedule);
  if (spec.impl != "plain")
    throw ProblemError("impl: '" + spec.impl + "' is not one of plain, halide, onednn");
  if (!spec.schedule.empty()) throw ProblemError("schedule: only Halide implementations have schedules");
  std::unique_ptr<ConvMethod> m;
  if (spec.method == "reference") m = std::make_unique<ReferenceConv>();
  else if (spec.method == "direct") m = std::make_unique<SlidingWindowConv>();
  else if (spec.method == "im2col") return std::make_unique<Im2colGemmConv>(spec.variant);
  else if (spec.method == "fc") m = std::make_unique<FullyConnected>();
  else if (spec.method == "fft") return std::make_unique<FftConv>(spec.variant.empty() ? "tile16" : spec.variant);
  else if (spec.method == "winograd") return std::make_unique<WinogradConv>(spec.variant.empty() ? "F4" : spec.variant);
  else throw ProblemError("method: '" + spec.method + "' is not one of " + join(method_names()));
  if (!spec.variant.empty())
    throw ProblemError("variant: method " + spec.method + " has no variant '" + spec.variant + "'");
  return m;
}

}  // namespace convlab
