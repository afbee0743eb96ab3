// run.json: what a reader needs to trust a run's figures: when, which commit, which command, which
// machine (CPU, cores, measured peak FP32 and bandwidth per thread count), compiler and library versions,
// and the identity of the grid (for merging shards).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "machine.h"

namespace convlab {

struct RunInfo {
  std::string started, finished;  // ISO 8601, UTC
  std::string command_line;
  std::string grid_key;           // hash of every measurement the grid holds, before sharding and resume
  std::string shard = "1/1";
  std::vector<MachineInfo> machine;  // one per thread count
  std::map<std::string, int> tally;  // status -> rows
  std::vector<std::string> merged_from;
  // The process's run-time environment the times were taken in (a merge keeps its shards', not its own).
  std::string malloc_policy;    // harness/malloc_policy.h
  std::string omp_wait_policy;  // OMP_WAIT_POLICY
  // The build that took them (record_build; a merge keeps its shards', as above).
  std::string git_commit, compiler, build_flags;
  std::vector<std::pair<std::string, std::string>> libraries;  // name -> version, in run.json's order
};

// Fills the build fields of `info` from this binary: source commit, compiler, flags, library versions.
void record_build(RunInfo& info);

// The environment of this process, as a sweep records it in RunInfo.
std::string omp_wait_policy();
// Folds a shard's value of one of those fields into the merged one: unchanged where they agree, both
// kept (with the shard named) where they do not.
void merge_field(std::string& merged, const std::string& shard_value, const std::string& shard);

std::string utc_now();
void write_run_json(const std::string& path, const RunInfo& info);
// Reads back what merge needs (grid_key, shard, the run-time policies and the build, "not recorded" where
// an older file lacks them) and the machine figures; throws on malformed files.
RunInfo read_run_json(const std::string& path);

}  // namespace convlab
