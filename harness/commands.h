// convlab's subcommands; each returns the process exit code and throws UsageError, ProblemError or
// NpyError for bad input (main turns those into one line on stderr and exit code 2).
#pragma once

#include <ostream>
#include <string>

#include "problem.h"

namespace convlab {

class Args;

int cmd_conv(int argc, char** argv);
int cmd_methods(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_machine(int argc, char** argv);
int cmd_merge(int argc, char** argv);

// The descriptor plus --padding, --mode and --no-bias, validated.
ConvProblem problem_from_args(const std::string& descriptor, const Args& args);

// Shapes, output size, FLOPs, parameter counts.
void print_problem_info(const ConvProblem& p, std::ostream& os);

}  // namespace convlab
