// `convlab conv DESCRIPTOR --method M [--impl I] [--variant V] [--padding P] [--mode xcorr|conv] [--no-bias]
//                [--input x.npy] [--weights w.npy] [--bias b.npy] [--seed N] [--threads T] [--output y.npy]
//                [--check] [--info]`
// Runs one method once on one problem. Missing tensors are generated from --seed. --check compares with
// the float64 reference and fails (exit 1) beyond the method's stated tolerance.
#include <omp.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli.h"
#include "commands.h"
#include "descriptor.h"
#include "npy.h"
#include "phase_timer.h"
#include "random_fill.h"
#include "ref/conv_reference.h"
#include "registry.h"
#include "threads.h"

namespace convlab {

namespace {

// A tensor from `path` (checked against `shape`) or seeded random data.
std::vector<float> load_or_generate(const std::string& path, const std::vector<int64_t>& shape, uint64_t seed,
                                    const char* what) {
  size_t count = 1;
  for (int64_t d : shape) count *= size_t(d);
  if (path.empty()) {
    std::vector<float> v(count);
    random_fill(v.data(), count, seed);
    return v;
  }
  NpyArray a = read_npy(path);
  if (a.shape != shape)
    throw NpyError(path + ": " + what + " has shape " + shape_string(a.shape) + ", the problem needs " +
                   shape_string(shape));
  return std::move(a.data);
}

}  // namespace

int cmd_methods(int argc, char** argv) {
  Args args(argc, argv, {}, {});
  if (!args.positionals().empty()) throw UsageError("methods takes no arguments");
  for (const MethodSpec& s : all_method_specs())
    std::printf("%s %s %s %s\n", s.method.c_str(), s.impl.c_str(), s.variant.empty() ? "-" : s.variant.c_str(),
                s.schedule.empty() ? "-" : s.schedule.c_str());
  return 0;
}

ConvProblem problem_from_args(const std::string& descriptor, const Args& args) {
  ConvProblem p = parse_descriptor(descriptor);
  if (args.has("padding")) p.set_padding(args.get("padding"));
  if (args.has("mode")) p.mode = parse_conv_mode(args.get("mode"));
  if (args.has("no-bias")) p.bias = false;
  p.validate();
  return p;
}

int cmd_conv(int argc, char** argv) {
  Args args(argc, argv,
            {"method", "impl", "variant", "schedule", "padding", "mode", "input", "weights", "bias", "seed",
             "threads", "output"},
            {"check", "no-bias", "info"});
  if (args.positionals().size() != 1)
    throw UsageError("conv: give exactly one problem descriptor, e.g. mb1ic64ih56oc64oh56kh3ph1");
  ConvProblem p = problem_from_args(args.positionals()[0], args);
  if (args.has("info")) {
    print_problem_info(p, std::cout);
    if (!args.has("method")) return 0;
  }
  if (!args.has("method")) throw UsageError("conv: --method is required (" + std::string("see convlab help") + ")");
  const int threads = int(args.get_int("threads", omp_get_num_procs(), 1, 1024));
  set_threads(threads);
  const uint64_t seed = uint64_t(args.get_int("seed", 1, 0, (1ll << 62)));
  MethodSpec spec{args.get("method"), args.get("impl", "plain"), args.get("variant"), args.get("schedule")};
  std::unique_ptr<ConvMethod> m = make_method(spec);
  if (std::string why = m->not_applicable(p); !why.empty()) {
    std::cerr << "convlab conv: " << p.descriptor() << " " << spec.method << ": not applicable: " << why << "\n";
    return 3;
  }
  const std::vector<float> x = load_or_generate(args.get("input"), {p.n, p.c, p.h, p.w}, seed, "input");
  const std::vector<float> w = load_or_generate(args.get("weights"), {p.k, p.c, p.r, p.s}, seed + 1, "weights");
  const std::vector<float> b = load_or_generate(args.get("bias"), {p.k}, seed + 2, "bias");
  std::vector<float> y(size_t(p.output_elems()));

  PhaseTimer t;
  m->plan(p);
  m->set_weights(w.data(), b.data());
  const double plan_ms = t.lap();
  m->execute(x.data(), y.data());
  const double exec_ms = t.lap();

  std::printf("%s method=%s impl=%s variant=%s schedule=%s mode=%s threads=%d plan_ms=%.3f time_ms=%.3f gflops=%.2f "
              "workspace_bytes=%zu",
              p.descriptor().c_str(), spec.method.c_str(), m->impl().c_str(),
              m->variant().empty() ? "-" : m->variant().c_str(), m->schedule().empty() ? "-" : m->schedule().c_str(),
              to_string(p.mode), threads, plan_ms, exec_ms,
              p.flops() / exec_ms / 1e6, m->workspace_bytes());
  int rc = 0;
  if (args.has("check")) {
    ErrorStats e = compare_to_reference(conv_reference(p, x.data(), w.data(), b.data()), y.data());
    const double tol = m->tolerance(p);
    const bool ok = e.finite && e.max_rel <= tol;
    std::printf(" max_abs_err=%.3g max_rel_err=%.3g tolerance=%.3g %s", e.max_abs, e.max_rel, tol,
                ok ? "PASSED" : "FAILED");
    rc = ok ? 0 : 1;
  }
  std::printf("\n");
  if (args.has("output")) write_npy(args.get("output"), {p.n, p.k, p.oh(), p.ow()}, y.data());
  return rc;
}

}  // namespace convlab
