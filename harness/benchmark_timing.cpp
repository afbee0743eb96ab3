#include "benchmark_timing.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace convlab {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Timing summarize(const std::vector<double>& v, const std::map<std::string, std::vector<double>>& phase_samples,
                 const std::vector<double>& untimed) {
  Timing t;
  t.repetitions = int(v.size());
  if (v.empty()) return t;
  t.median_ms = median(v);
  double sum = 0, sq = 0;
  for (double x : v) sum += x;
  t.mean_ms = sum / double(v.size());
  for (double x : v) sq += (x - t.mean_ms) * (x - t.mean_ms);
  t.stddev_ms = v.size() > 1 ? std::sqrt(sq / double(v.size() - 1)) : 0;
  t.cv = t.mean_ms > 0 ? t.stddev_ms / t.mean_ms : 0;
  for (const auto& [phase, samples] : phase_samples) t.phase_median_ms[phase] = median(samples);
  t.untimed_median_ms = median(untimed);
  return t;
}

// Receives Google Benchmark's runs: keeps the repetitions of the current measurement, and forwards
// everything to the JSON reporter (whose context is written once per session).
class BenchmarkSession::Collector : public benchmark::BenchmarkReporter {
 public:
  explicit Collector(benchmark::BenchmarkReporter* json) : json_(json) {}
  bool ReportContext(const Context& ctx) override {
    if (!context_written_ && json_) json_->ReportContext(ctx);
    context_written_ = true;
    return true;
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred) error = r.error_message.empty() ? "benchmark error" : r.error_message;
      else if (r.run_type == Run::RT_Iteration) times_ms.push_back(r.GetAdjustedRealTime());
    }
    if (json_) json_->ReportRuns(runs);
  }
  void Finalize() override {}
  void finish() {
    if (json_ && context_written_) json_->Finalize();
  }

  std::vector<double> times_ms;
  std::string error;

 private:
  benchmark::BenchmarkReporter* json_;
  bool context_written_ = false;
};

BenchmarkSession::BenchmarkSession(const std::vector<std::string>& passthrough, const std::string& json_path) {
  args_ = {"convlab"};
  args_.insert(args_.end(), passthrough.begin(), passthrough.end());
  for (std::string& a : args_) argv_.push_back(a.data());
  argv_.push_back(nullptr);
  int argc = int(args_.size());
  benchmark::Initialize(&argc, argv_.data());
  if (argc > 1) throw std::runtime_error(std::string("unknown Google Benchmark flag ") + argv_[1]);
  if (!json_path.empty()) {
    json_file_.open(json_path);
    if (!json_file_) throw std::runtime_error(json_path + ": cannot write");
    json_ = std::make_unique<benchmark::JSONReporter>();
    json_->SetOutputStream(&json_file_);
    json_->SetErrorStream(&json_file_);
  }
  collector_ = std::make_unique<Collector>(json_.get());
}

BenchmarkSession::~BenchmarkSession() {
  collector_->finish();
  benchmark::Shutdown();
}

Timing BenchmarkSession::time(const std::string& name, ConvMethod& m, const float* input, float* output,
                              const TimingOptions& opt) {
  std::map<std::string, std::vector<double>> phase_samples;
  std::vector<double> untimed;
  auto body = [&](benchmark::State& state) {
    for (auto _ : state) {
      const auto t0 = std::chrono::steady_clock::now();
      m.execute(input, output);
      const double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      const double u = m.untimed_ms();
      state.SetIterationTime(std::max(wall_ms - u, 0.0) / 1e3);
      untimed.push_back(u);
      for (const auto& [phase, ms] : m.phases())
        if (phase != "weight_transform") phase_samples[phase].push_back(ms);
    }
  };
  collector_->times_ms.clear();
  collector_->error.clear();
  benchmark::RegisterBenchmark(name.c_str(), body)
      ->Unit(benchmark::kMillisecond)
      ->UseManualTime()
      ->Repetitions(opt.repetitions)
      ->MinTime(opt.min_time_s);
  benchmark::RunSpecifiedBenchmarks(collector_.get());
  benchmark::ClearRegisteredBenchmarks();

  if (!collector_->error.empty() || collector_->times_ms.empty()) {
    Timing t;
    t.error = collector_->error.empty() ? "no runs (filtered out by --benchmark_filter?)" : collector_->error;
    return t;
  }
  return summarize(collector_->times_ms, phase_samples, untimed);
}

}  // namespace convlab
