// `convlab merge --out DIR RUN...`: combines run folders (shards of one sweep, or a run and its resumption
// elsewhere) into one. They must have measured the same grid (run.json's grid_key); rows measured twice
// keep the first. Writes results.csv, winners.csv and run.json into DIR.
#include <iostream>
#include <set>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "run_info.h"
#include "winners.h"

namespace convlab {

int cmd_merge(int argc, char** argv) {
  Args a(argc, argv, {"out"}, {});
  if (!a.has("out")) throw UsageError("merge: --out DIR is required");
  if (a.positionals().size() < 2) throw UsageError("merge: give two or more run folders");
  const std::string out = a.get("out");
  RunInfo merged;
  std::vector<Row> rows;
  std::set<std::string> seen;
  int dup = 0;
  for (const std::string& run : a.positionals()) {
    RunInfo info = read_run_json(run + "/run.json");
    if (merged.grid_key.empty()) {
      merged = info;
      merged.merged_from.clear();
    } else if (info.grid_key != merged.grid_key) {
      throw UsageError("merge: " + run + " measured a different grid (grid_key " + info.grid_key + ", first run " +
                       merged.grid_key + ")");
    }
    merge_field(merged.malloc_policy, info.malloc_policy, run);
    merge_field(merged.omp_wait_policy, info.omp_wait_policy, run);
    merge_field(merged.git_commit, info.git_commit, run);
    merge_field(merged.compiler, info.compiler, run);
    merge_field(merged.build_flags, info.build_flags, run);
    for (size_t i = 0; i < merged.libraries.size(); ++i) merge_field(merged.libraries[i].second, info.libraries[i].second, run);
    merged.merged_from.push_back(run + " (shard " + info.shard + ")");
    for (Row& r : read_results(run + "/results.csv")) {
      if (!seen.insert(row_key(r)).second) {
        ++dup;
        continue;
      }
      rows.push_back(std::move(r));
    }
  }
  struct stat st;
  if (stat((out + "/results.csv").c_str(), &st) == 0) throw UsageError("merge: " + out + "/results.csv already exists");
  mkdir(out.c_str(), 0755);
  {
    ResultsWriter w(out + "/results.csv");
    for (const Row& r : rows) w.append(r);
  }
  merged.shard = "merged";
  merged.finished = utc_now();
  merged.tally.clear();
  for (const Row& r : rows) ++merged.tally[r.at("status")];
  write_run_json(out + "/run.json", merged);
  const auto winners = compute_winners(rows);
  write_winners_csv(out + "/winners.csv", winners);
  std::cout << "merged " << a.positionals().size() << " runs: " << rows.size() << " rows";
  if (dup) std::cout << " (" << dup << " measured twice, first kept)";
  std::cout << " into " << out << "\n";
  return 0;
}

}  // namespace convlab
