#include "sweep_plan.h"

#include <cstdio>

#include "cli.h"

namespace convlab {

std::vector<WorkItem> plan_work(const std::vector<SweepProblem>& problems, const std::vector<int>& threads,
                                const std::vector<MethodSpec>& specs) {
  std::vector<WorkItem> items;
  for (size_t i = 0; i < problems.size(); ++i)
    for (int t : threads)
      for (const MethodSpec& s : specs) items.push_back({i, t, s});
  return items;
}

static std::string stride_text(int64_t a, int64_t b) {
  return a == b ? std::to_string(a) : std::to_string(a) + "x" + std::to_string(b);
}

Row problem_row(const SweepProblem& sp) {
  const ConvProblem& p = sp.p;
  return Row{{"problem", p.descriptor()}, {"layer", sp.layer}, {"count", std::to_string(sp.count)},
             {"n", std::to_string(p.n)}, {"c", std::to_string(p.c)}, {"h", std::to_string(p.h)},
             {"w", std::to_string(p.w)}, {"k", std::to_string(p.k)}, {"r", std::to_string(p.r)},
             {"s", std::to_string(p.s)}, {"stride", stride_text(p.sh, p.sw)}, {"pad_mode", to_string(p.pad_mode)},
             {"pad_t", std::to_string(p.pt)}, {"pad_b", std::to_string(p.pb)}, {"pad_l", std::to_string(p.pl)},
             {"pad_r", std::to_string(p.pr)}, {"dilation", stride_text(p.dh, p.dw)}, {"mode", to_string(p.mode)},
             {"source", sp.source}};
}

std::string item_key(const SweepProblem& sp, const WorkItem& w) {
  Row r = problem_row(sp);
  r["method"] = w.spec.method, r["impl"] = w.spec.impl, r["variant"] = w.spec.variant;
  r["schedule"] = w.spec.schedule, r["threads"] = std::to_string(w.threads);
  return row_key(r);
}

std::string grid_key(const std::vector<SweepProblem>& problems, const std::vector<WorkItem>& items) {
  uint64_t h = 1469598103934665603ull;
  for (const WorkItem& w : items)
    for (char ch : item_key(problems[w.problem_index], w) + "\n") h = (h ^ uint8_t(ch)) * 1099511628211ull;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::pair<int, int> parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("--shard: '" + text + "' is not I/N");
  const int n = int(parse_int("--shard N", text.substr(slash + 1), 1, 10000));
  const int i = int(parse_int("--shard I", text.substr(0, slash), 1, n));
  return {i, n};
}

}  // namespace convlab
