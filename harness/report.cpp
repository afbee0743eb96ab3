#include "report.h"

#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "cli.h"

namespace convlab {

namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

std::string find_python_with_matplotlib() {
  std::string candidates[] = {std::getenv("CONVLAB_PYTHON") ? std::getenv("CONVLAB_PYTHON") : "", "/usr/bin/python3",
                              "python3"};
  for (const std::string& py : candidates) {
    if (py.empty()) continue;
    const std::string cmd = shell_quote(py) + " -c 'import matplotlib, numpy' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return py;
  }
  throw std::runtime_error("no Python with matplotlib and numpy found (apt-get install python3-matplotlib python3-numpy)");
}

std::string write_report(const std::string& run_dir) {
  const std::string py = find_python_with_matplotlib();
  const std::string script = std::string(CONVLAB_SOURCE_DIR) + "/plots/report.py";
  const std::string cmd = shell_quote(py) + " " + shell_quote(script) + " " + shell_quote(run_dir);
  const int rc = std::system(cmd.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
    throw std::runtime_error("plots/report.py failed on " + run_dir + " (exit " + std::to_string(WEXITSTATUS(rc)) + ")");
  return run_dir + "/report.md";
}

int cmd_report(int argc, char** argv) {
  Args a(argc, argv, {}, {});
  if (a.positionals().size() != 1) throw UsageError("report: give one run folder, e.g. results/run-20261125-180000");
  std::cout << write_report(a.positionals()[0]) << "\n";
  return 0;
}

}  // namespace convlab
