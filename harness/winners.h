// winners.csv: for every problem and thread count, the fastest correct method+impl (the peer, oneDNN, is
// never crowned), its time, the runner-up of a different method and the ratio, and the ratio to oneDNN.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results_csv.h"

namespace convlab {

struct Winner {
  std::string problem, layer, threads;
  std::string method, impl, variant, schedule;
  double median_ms = 0, gflops = 0;
  std::string runner_up;  // "method/impl/variant", empty if no other method ran
  double runner_up_ms = 0, speedup_over_runner_up = 0;
  double onednn_ms = 0, speedup_over_onednn = 0;  // 0 if oneDNN did not run
};

std::vector<Winner> compute_winners(const std::vector<Row>& rows);
void write_winners_csv(const std::string& path, const std::vector<Winner>& w);
void print_winners(std::ostream& os, const std::vector<Winner>& w);

}  // namespace convlab
