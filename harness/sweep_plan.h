// A sweep's work: every (problem, threads, method/impl/variant) in a fixed order, which --shard slices and
// --resume filters, and whose keys identify the grid for merging.
#pragma once

#include <string>
#include <vector>

#include "problem_sources.h"
#include "registry.h"
#include "results_csv.h"

namespace convlab {

struct WorkItem {
  size_t problem_index = 0;  // into the problem list
  int threads = 1;
  MethodSpec spec;  // including the Halide schedule
};

std::vector<WorkItem> plan_work(const std::vector<SweepProblem>& problems, const std::vector<int>& threads,
                                const std::vector<MethodSpec>& specs);

// The row identity of an item (same as row_key of its result row).
std::string item_key(const SweepProblem& sp, const WorkItem& w);

// FNV-1a over every item key: equal for runs that measured the same grid.
std::string grid_key(const std::vector<SweepProblem>& problems, const std::vector<WorkItem>& items);

// Parses "I/N" (1 <= I <= N); throws UsageError.
std::pair<int, int> parse_shard(const std::string& text);
// Item i belongs to shard I of N when i % N == I - 1: deterministic, and interleaved so that every shard
// gets a similar mix of problem sizes.
inline bool in_shard(size_t i, std::pair<int, int> shard) { return int(i % size_t(shard.second)) == shard.first - 1; }

// The row fields that describe the problem.
Row problem_row(const SweepProblem& sp);

}  // namespace convlab
