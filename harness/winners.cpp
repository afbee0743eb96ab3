#include "winners.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

namespace convlab {

namespace {

double num(const Row& r, const char* c) {
  auto it = r.find(c);
  if (it == r.end() || it->second.empty()) return 0;
  return std::stod(it->second);
}

std::string get(const Row& r, const char* c) {
  auto it = r.find(c);
  return it == r.end() ? "" : it->second;
}

std::string label(const Row& r) {
  std::string s = get(r, "method") + "/" + get(r, "impl");
  if (!get(r, "variant").empty()) s += "/" + get(r, "variant");
  if (!get(r, "schedule").empty()) s += "/" + get(r, "schedule");
  return s;
}

}  // namespace

std::vector<Winner> compute_winners(const std::vector<Row>& rows) {
  std::map<std::pair<std::string, std::string>, std::vector<const Row*>> groups;  // (problem, threads)
  std::vector<std::pair<std::string, std::string>> order;
  for (const Row& r : rows) {
    if (get(r, "status") != "ok") continue;
    auto key = std::make_pair(get(r, "problem"), get(r, "threads"));
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&r);
  }
  std::vector<Winner> out;
  for (const auto& key : order) {
    const Row* best = nullptr;
    const Row* peer = nullptr;
    for (const Row* r : groups[key]) {
      if (get(*r, "method") == "onednn") {
        peer = r;
        continue;
      }
      if (!best || num(*r, "median_ms") < num(*best, "median_ms")) best = r;
    }
    if (!best) continue;
    const Row* second = nullptr;  // fastest of another method
    for (const Row* r : groups[key])
      if (get(*r, "method") != "onednn" && get(*r, "method") != get(*best, "method") &&
          (!second || num(*r, "median_ms") < num(*second, "median_ms")))
        second = r;
    Winner w;
    w.problem = key.first, w.threads = key.second, w.layer = get(*best, "layer");
    w.method = get(*best, "method"), w.impl = get(*best, "impl"), w.variant = get(*best, "variant");
    w.schedule = get(*best, "schedule");
    w.median_ms = num(*best, "median_ms"), w.gflops = num(*best, "gflops");
    if (second) {
      w.runner_up = label(*second);
      w.runner_up_ms = num(*second, "median_ms");
      w.speedup_over_runner_up = w.runner_up_ms / w.median_ms;
    }
    if (peer) {
      w.onednn_ms = num(*peer, "median_ms");
      w.speedup_over_onednn = w.onednn_ms / w.median_ms;
    }
    out.push_back(w);
  }
  return out;
}

void write_winners_csv(const std::string& path, const std::vector<Winner>& ws) {
  std::ofstream f(path + ".partial");
  if (!f) throw std::runtime_error(path + ": cannot write");
  f << "problem,layer,threads,method,impl,variant,schedule,median_ms,gflops,runner_up,runner_up_ms,"
       "speedup_over_runner_up,onednn_ms,speedup_over_onednn\n";
  for (const Winner& w : ws) {
    char nums[256];
    std::snprintf(nums, sizeof nums, "%.6g,%.6g", w.median_ms, w.gflops);
    f << csv_field(w.problem) << "," << csv_field(w.layer) << "," << w.threads << "," << w.method << "," << w.impl
      << "," << w.variant << "," << w.schedule << "," << nums << "," << w.runner_up << ",";
    if (!w.runner_up.empty()) f << w.runner_up_ms << "," << w.speedup_over_runner_up;
    else f << ",";
    f << ",";
    if (w.onednn_ms > 0) f << w.onednn_ms << "," << w.speedup_over_onednn;
    else f << ",";
    f << "\n";
  }
  f.close();
  if (!f || std::rename((path + ".partial").c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": write failed");
}

void print_winners(std::ostream& os, const std::vector<Winner>& ws) {
  char line[512];
  std::snprintf(line, sizeof line, "%-42s %-18s %3s  %-28s %9s %8s  %-28s %6s  %8s\n", "problem", "layer", "thr",
                "winner", "ms", "GFLOP/s", "runner-up", "x", "x oneDNN");
  os << line;
  for (const Winner& w : ws) {
    std::string win = w.method + "/" + w.impl + (w.variant.empty() ? "" : "/" + w.variant);
    char ru[16] = "-", od[16] = "-";
    if (!w.runner_up.empty()) std::snprintf(ru, sizeof ru, "%.2f", w.speedup_over_runner_up);
    if (w.onednn_ms > 0) std::snprintf(od, sizeof od, "%.2f", w.speedup_over_onednn);
    std::snprintf(line, sizeof line, "%-42s %-18s %3s  %-28s %9.3f %8.1f  %-28s %6s  %8s\n", w.problem.c_str(),
                  w.layer.substr(0, 18).c_str(), w.threads.c_str(), win.c_str(), w.median_ms, w.gflops,
                  w.runner_up.c_str(), ru, od);
    os << line;
  }
}

}  // namespace convlab
