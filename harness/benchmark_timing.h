// Timing with Google Benchmark: each call registers one benchmark at run time (benchmark::RegisterBenchmark),
// runs it with the given repetitions, then clears it. The sweep calls it with one repetition per method and
// round, interleaving a problem's methods (cmd_sweep.cpp), and combines the rounds with summarize().
// Manual time: each iteration is execute()'s wall time minus the method's untimed_ms() (a peer's layout
// reorders). Google Benchmark's own JSON of every run goes to benchmark.json. Plan and weight transform
// happen before and are timed apart (plan_ms).
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "method.h"

namespace benchmark {
class BenchmarkReporter;
}

namespace convlab {

struct TimingOptions {
  int repetitions = 5;
  double min_time_s = 0.1;  // per repetition
};

struct Timing {
  double median_ms = 0, mean_ms = 0, stddev_ms = 0, cv = 0;
  int repetitions = 0;
  std::map<std::string, double> phase_median_ms;  // per phase, over every iteration
  double untimed_median_ms = 0;
  std::string error;  // non-empty if Google Benchmark reported an error or ran nothing
};

class BenchmarkSession {
 public:
  // `passthrough`: --benchmark_* flags for Google Benchmark. `json_path`: where its JSON goes.
  BenchmarkSession(const std::vector<std::string>& passthrough, const std::string& json_path);
  ~BenchmarkSession();
  Timing time(const std::string& name, ConvMethod& m, const float* input, float* output, const TimingOptions& opt);

 private:
  class Collector;
  // Google Benchmark keeps pointers into argv (argv[0] becomes its executable name): they must outlive it.
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  std::ofstream json_file_;
  std::unique_ptr<benchmark::BenchmarkReporter> json_;
  std::unique_ptr<Collector> collector_;
};

double median(std::vector<double> v);

// Statistics of repetition times (ms), with per-phase and untimed samples summarized by their medians.
Timing summarize(const std::vector<double>& times_ms, const std::map<std::string, std::vector<double>>& phase_samples,
                 const std::vector<double>& untimed_ms);

}  // namespace convlab
