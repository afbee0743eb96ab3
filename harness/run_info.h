// run.json: what a reader needs to trust a run's figures: when, which commit, which command, which
// machine (CPU, cores, measured peak FP32 and bandwidth per thread count), compiler and library versions,
// and the identity of the grid (for merging shards).
#pragma once

#include <map>
#include <string>
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
};

std::string utc_now();
std::string git_commit();
void write_run_json(const std::string& path, const RunInfo& info);
// Reads back the fields merge needs (grid_key, shard) and the machine figures; throws on malformed files.
RunInfo read_run_json(const std::string& path);

}  // namespace convlab
