// Where a sweep's problems come from: a grid (cross product of swept parameters), preset files of real
// network layers (harness/presets/NAME.txt), or a user's problems file. All yield SweepProblems: a
// validated problem, its layer name(s), and how often the shape occurs in its network.
#pragma once

#include <string>
#include <vector>

#include "problem.h"

namespace convlab {

struct SweepProblem {
  ConvProblem p;
  std::string layer;  // layer name(s) from a preset or file; empty for grid points
  int count = 1;      // occurrences of this shape in its network (presets deduplicate)
  std::string source; // preset name, file name, or "grid"
};

struct GridSpec {
  std::vector<int64_t> kernel{3}, stride{1}, in_channels{64}, out_channels{64}, size{56}, batch{1};
  std::vector<std::string> padding{"same"}, mode{"xcorr"};
};

// The cross product, minus impossible shapes and repeats (a 1x1 kernel under valid and same padding); `skipped` receives how many were dropped and one example
// reason (said once by the caller, not per row). Throws ProblemError if nothing is left.
std::vector<SweepProblem> expand_grid(const GridSpec& g, int& skipped, std::string& example_reason);

// One descriptor per line, '#' comments, blank lines ignored. A line may carry a count after the
// descriptor ("mb1ic64ih56oc64oh56kh3ph1nres2_3x3 x3"). Malformed lines throw ProblemError naming the
// file and line. Identical shapes are merged: counts add up, names are joined with '+'.
std::vector<SweepProblem> load_problems_file(const std::string& path, const std::string& source);

// Presets by name from the preset folder; throws ProblemError for an unknown name, listing the known ones.
std::vector<SweepProblem> load_preset(const std::string& name);
std::vector<std::string> preset_names();
std::string preset_dir();

// Parses "1,3,5" into integers; throws UsageError naming the option.
std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text);

}  // namespace convlab
