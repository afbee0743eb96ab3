// `convlab report RUN`: figures and report.md / report.html for a run folder, drawn by plots/report.py
// with a Python that has matplotlib (Debian's /usr/bin/python3 first: the python3 first on PATH may lack
// it). Returns the report's path; throws std::runtime_error with one line if it cannot be made.
#pragma once

#include <string>

namespace convlab {

std::string find_python_with_matplotlib();
std::string write_report(const std::string& run_dir);
int cmd_report(int argc, char** argv);

}  // namespace convlab
