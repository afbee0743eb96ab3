// convlab: when does sliding-window, im2col+GEMM, FFT or Winograd convolution win, and why.
#include <cstring>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "malloc_policy.h"
#include "npy.h"
#include "problem.h"
#include "report.h"

namespace {

const char* kUsage =
    "usage: convlab COMMAND [options]\n"
    "  conv DESCRIPTOR --method M   run one method on one problem (--check compares with the float64 reference)\n"
    "  sweep [options]              the main job: time every method on a grid, presets or a problems file\n"
    "  report RUN                   figures and report.md/.html for a run folder\n"
    "  merge --out DIR RUN...       combine run folders (shards) that measured the same grid\n"
    "  machine [--threads 1,2]      measure peak FP32 GFLOP/s and memory bandwidth\n"
    "  methods                      list every method, impl and variant (one per line)\n"
    "  help                         this text\n"
    "A problem is a oneDNN benchdnn descriptor, e.g. mb1ic64ih56oc64oh56kh3ph1 (see README.md).\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  convlab::fix_malloc_policy();
  try {
    if (cmd == "conv") return convlab::cmd_conv(argc - 2, argv + 2);
    if (cmd == "methods") return convlab::cmd_methods(argc - 2, argv + 2);
    if (cmd == "sweep") return convlab::cmd_sweep(argc - 2, argv + 2);
    if (cmd == "machine") return convlab::cmd_machine(argc - 2, argv + 2);
    if (cmd == "merge") return convlab::cmd_merge(argc - 2, argv + 2);
    if (cmd == "report") return convlab::cmd_report(argc - 2, argv + 2);
    throw convlab::UsageError("unknown command '" + cmd + "' (try convlab help)");
  } catch (const convlab::UsageError& e) {
    std::cerr << "convlab " << cmd << ": " << e.what() << "\n";
  } catch (const convlab::ProblemError& e) {
    std::cerr << "convlab " << cmd << ": " << e.what() << "\n";
  } catch (const convlab::NpyError& e) {
    std::cerr << "convlab " << cmd << ": " << e.what() << "\n";
  } catch (const std::bad_alloc&) {
    std::cerr << "convlab " << cmd << ": out of memory\n";
  } catch (const std::runtime_error& e) {  // files that cannot be read or written
    std::cerr << "convlab " << cmd << ": " << e.what() << "\n";
  }
  return 2;
}
