// `convlab sweep`: the product's main job. For every (problem, threads, method/impl/variant): applicability,
// a correctness gate against the float64 reference (cached per problem), then Google Benchmark timing in
// rounds interleaved with the problem's other methods, and the problem's rows appended to results.csv as
// soon as it is done. Ends with winners.csv, the winners table and the report.
#include <omp.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "benchmark_timing.h"
#include "cli.h"
#include "commands.h"
#include "malloc_policy.h"
#include "random_fill.h"
#include "ref/conv_reference.h"
#include "report.h"
#include "run_info.h"
#include "sweep_plan.h"
#include "threads.h"
#include "winners.h"

namespace convlab {

namespace {

const std::set<std::string> kValued = {"kernel", "stride", "padding", "channels", "in-channels", "out-channels",
                                       "size", "batch", "mode", "preset", "problems", "methods", "impls",
                                       "threads", "repetitions", "min-time", "out", "shard", "seed", "schedules"};
const std::set<std::string> kFlags = {"resume", "no-report", "quick"};

std::string fmt(double v, const char* f = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string hms(double s) {
  char buf[32];
  const int t = int(s + 0.5);
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%dh%02dm%02ds", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%dm%02ds", t / 60, t % 60);
  return buf;
}

bool make_dirs(const std::string& path) {
  std::string cur;
  for (const std::string& part : split(path, '/')) {
    cur += (cur.empty() && path[0] != '/' ? "" : "/") + part;
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

bool file_exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

bool has_grid_options(const Args& a) {
  return a.has("kernel") || a.has("stride") || a.has("padding") || a.has("channels") || a.has("in-channels") ||
         a.has("out-channels") || a.has("size") || a.has("batch") || a.has("mode");
}

// Whether the sweep expands the quick default grid: with no problem source at all, or with --quick and
// grid options. Its problems are small, so it times shorter and keeps the hand-written Halide schedules.
bool uses_quick_grid(const Args& a) {
  const bool grid = has_grid_options(a);
  return grid ? a.has("quick") : !a.has("preset") && !a.has("problems");
}

// Problems from --preset, --problems or the grid options; the quick default when none is given.
std::vector<SweepProblem> gather_problems(const Args& a) {
  std::vector<SweepProblem> out;
  const bool grid = has_grid_options(a);
  if (a.has("preset"))
    for (const std::string& name : split(a.get("preset"), ',')) {
      auto v = load_preset(name);
      out.insert(out.end(), v.begin(), v.end());
    }
  if (a.has("problems")) {
    auto v = load_problems_file(a.get("problems"), a.get("problems"));
    out.insert(out.end(), v.begin(), v.end());
  }
  if (grid || out.empty()) {
    GridSpec g;
    if (uses_quick_grid(a)) {  // the mission's question on a small grid
      g.kernel = {1, 3, 5, 7, 9};
      g.in_channels = g.out_channels = {16, 64};
      g.size = {32};
      g.stride = {1, 2};
    }
    if (a.has("kernel")) g.kernel = parse_int_list("kernel", a.get("kernel"));
    if (a.has("stride")) g.stride = parse_int_list("stride", a.get("stride"));
    if (a.has("channels")) g.in_channels = g.out_channels = parse_int_list("channels", a.get("channels"));
    if (a.has("in-channels")) g.in_channels = parse_int_list("in-channels", a.get("in-channels"));
    if (a.has("out-channels")) g.out_channels = parse_int_list("out-channels", a.get("out-channels"));
    if (a.has("size")) g.size = parse_int_list("size", a.get("size"));
    if (a.has("batch")) g.batch = parse_int_list("batch", a.get("batch"));
    if (a.has("padding")) g.padding = split(a.get("padding"), ',');
    if (a.has("mode")) g.mode = split(a.get("mode"), ',');
    for (const auto& m : g.mode) parse_conv_mode(m);
    if (g.padding.empty() || g.mode.empty()) throw UsageError("grid: empty --padding or --mode list");
    int skipped = 0;
    std::string why;
    auto v = expand_grid(g, skipped, why);
    if (skipped) std::cerr << "convlab sweep: grid: " << skipped << " impossible shapes left out (e.g. " << why << ")\n";
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// The fully connected method applies only to FC-shaped problems: by default it runs when some are swept.
std::vector<MethodSpec> select_specs(const Args& a, const std::vector<SweepProblem>& problems) {
  std::vector<std::string> defaults{"direct", "im2col", "fft", "winograd"};
  for (const SweepProblem& sp : problems)
    if (sp.p.fully_connected()) {
      defaults.push_back("fc");
      break;
    }
  const std::vector<std::string> methods = a.has("methods") ? split(a.get("methods"), ',') : defaults;
  const std::vector<std::string> impls = a.has("impls") ? split(a.get("impls"), ',')
                                                        : std::vector<std::string>{"plain", "halide", "onednn"};
  std::set<std::string> known_methods(method_names().begin(), method_names().end()), known_impls;
  const std::vector<MethodSpec> all = all_method_specs();
  for (const auto& s : all) known_impls.insert(s.impl);
  known_impls.insert("halide");  // accepted even where no Halide method is built
  for (const auto& m : methods)
    if (!known_methods.count(m) || m == "reference")
      throw UsageError("--methods: unknown method '" + m + "' (have: direct, im2col, fft, winograd, fc)");
  for (const auto& i : impls)
    if (!known_impls.count(i)) throw UsageError("--impls: unknown impl '" + i + "' (have: plain, halide, onednn)");
  std::vector<MethodSpec> out;
  for (const MethodSpec& s : all) {
    const bool impl_ok = std::find(impls.begin(), impls.end(), s.impl) != impls.end();
    const bool method_ok = s.method == "onednn" || std::find(methods.begin(), methods.end(), s.method) != methods.end();
    if (impl_ok && method_ok) out.push_back(s);
  }
  // Halide schedules: all by default; the quick default grid keeps the hand-written ones (5 minutes).
  if (a.has("schedules") || uses_quick_grid(a)) {
    const std::vector<std::string> keep = split(a.get("schedules", "manual"), ',');
    for (const auto& s : keep)
      if (s != "manual" && s != "mullapudi2016" && s != "li2018")
        throw UsageError("--schedules: unknown schedule '" + s + "' (have: manual, mullapudi2016, li2018)");
    out.erase(std::remove_if(out.begin(), out.end(), [&](const MethodSpec& s) {
                return s.impl == "halide" && std::find(keep.begin(), keep.end(), s.schedule) == keep.end();
              }),
              out.end());
  }
  if (out.empty()) throw UsageError("no method/impl combination selected");
  return out;
}

struct ProblemData {
  std::vector<float> x, w, b;
  std::vector<double> ref;  // computed on first need
};

}  // namespace

int cmd_sweep(int argc, char** argv) {
  Args a(argc, argv, kValued, kFlags, "--benchmark_");
  if (!a.positionals().empty()) throw UsageError("sweep: unexpected argument '" + a.positionals()[0] + "'");
  const std::vector<SweepProblem> problems = gather_problems(a);
  const std::vector<MethodSpec> specs = select_specs(a, problems);
  std::vector<int> threads;
  for (int64_t t : parse_int_list("threads", a.get("threads", std::to_string(omp_get_num_procs()))))
    threads.push_back(int(t));
  TimingOptions topt;
  topt.repetitions = int(a.get_int("repetitions", 5, 1, 1000));
  {
    // The quick default grid's problems are small: 0.05 s per repetition still gives stable medians.
    const std::string mt = a.get("min-time", uses_quick_grid(a) ? "0.05" : "0.1");
    char* end = nullptr;
    topt.min_time_s = std::strtod(mt.c_str(), &end);
    if (end == mt.c_str() || *end || topt.min_time_s <= 0 || topt.min_time_s > 60)
      throw UsageError("--min-time: '" + mt + "' is not a time in seconds (0 < s <= 60)");
  }
  const auto shard = parse_shard(a.get("shard", "1/1"));
  const uint64_t seed = uint64_t(a.get_int("seed", 1, 0, 1ll << 40));

  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "run-%Y%m%d-%H%M%S", std::localtime(&now));
  const std::string out = a.get("out", std::string("results/") + stamp);
  const std::string csv = out + "/results.csv";
  const bool resume = a.has("resume");
  if (!make_dirs(out)) throw UsageError("--out: cannot create folder " + out);
  if (file_exists(csv) && !resume)
    throw UsageError("--out: " + csv + " already holds results: pass --resume to continue it, or choose another --out");

  std::set<std::string> done;
  if (resume && file_exists(csv))
    for (const Row& r : read_results(csv)) done.insert(row_key(r));

  const std::vector<WorkItem> items = plan_work(problems, threads, specs);
  std::vector<size_t> todo;
  for (size_t i = 0; i < items.size(); ++i)
    if (in_shard(i, shard) && !done.count(item_key(problems[items[i].problem_index], items[i]))) todo.push_back(i);

  RunInfo info;
  info.started = utc_now();
  std::ostringstream cmdline;
  cmdline << "convlab sweep";
  for (int i = 0; i < argc; ++i) cmdline << " " << argv[i];
  info.command_line = cmdline.str();
  info.grid_key = grid_key(problems, items);
  info.shard = std::to_string(shard.first) + "/" + std::to_string(shard.second);
  info.malloc_policy = malloc_policy();
  info.omp_wait_policy = omp_wait_policy();
  record_build(info);
  std::cerr << "convlab sweep: " << problems.size() << " problems x " << specs.size() << " methods x " << threads.size()
            << " thread counts = " << items.size() << " measurements";
  if (shard.second > 1) std::cerr << ", shard " << info.shard;
  if (!done.empty()) std::cerr << ", " << done.size() << " already in " << csv;
  std::cerr << "; " << todo.size() << " to run. Measuring the machine...\n";
  for (int t : threads) info.machine.push_back(measure_machine(t));
  for (const MachineInfo& m : info.machine)
    std::cerr << "  " << m.cpu_model << ", " << m.threads << " thread(s): peak " << fmt(m.peak_gflops, "%.1f")
              << " GFLOP/s (" << m.peak_vector_bits << "-bit FMA), bandwidth " << fmt(m.bandwidth_gbs, "%.1f") << " GB/s\n";
  if (const std::string w = blas_core_warning(); !w.empty()) std::cerr << "convlab sweep: warning: " << w << "\n";
  const std::string json_name = resume && file_exists(out + "/benchmark.json") ? "benchmark-resumed-" + std::string(stamp + 4) + ".json" : "benchmark.json";
  write_run_json(out + "/run.json", info);

  ResultsWriter writer(csv);
  BenchmarkSession session(a.passthrough(), out + "/" + json_name);
  const auto t_start = std::chrono::steady_clock::now();
  std::map<std::string, int> tally;
  // Work goes by group: the methods of one (problem, threads). Each is checked against the reference as it
  // comes; those that pass are then timed in interleaved rounds, one repetition of each per round, so a
  // burst of load on this shared machine falls on every method alike and their ratios stay fair. A method
  // whose workspace would take the group past kInterleavedBytes is timed alone at once instead.
  constexpr size_t kInterleavedBytes = size_t(2) << 30;
  for (size_t n = 0; n < todo.size();) {
    const WorkItem& head = items[todo[n]];
    size_t end = n;
    while (end < todo.size() && items[todo[end]].problem_index == head.problem_index &&
           items[todo[end]].threads == head.threads)
      ++end;
    const SweepProblem& sp = problems[head.problem_index];
    const ConvProblem& p = sp.p;
    ProblemData d;
    const uint64_t s = seed * 1000003 + std::hash<std::string>{}(p.descriptor());
    d.x.resize(size_t(p.input_elems()));
    d.w.resize(size_t(p.weight_elems()));
    d.b.resize(size_t(p.k));
    random_fill(d.x.data(), d.x.size(), s);
    random_fill(d.w.data(), d.w.size(), s + 1);
    random_fill(d.b.data(), d.b.size(), s + 2);

    struct Slot {
      Row row;
      std::string label, bench_name;
      std::unique_ptr<ConvMethod> m;  // kept while it waits for the interleaved rounds
      std::vector<float> y;
      std::vector<double> reps;
      std::map<std::string, std::vector<double>> phases;
      std::vector<double> untimed;
    };
    std::vector<Slot> slots(end - n);
    size_t waiting_bytes = 0;
    // Fills a timed slot's row from its timing (or its error).
    auto finish = [&](Slot& sl, const Timing& t) {
      Row& row = sl.row;
      if (!t.error.empty()) {
        row["status"] = "error", row["reason"] = t.error;
      } else {
        row["status"] = "ok";
        row["median_ms"] = fmt(t.median_ms), row["mean_ms"] = fmt(t.mean_ms), row["stddev_ms"] = fmt(t.stddev_ms);
        row["cv"] = fmt(t.cv), row["repetitions"] = std::to_string(t.repetitions);
        row["gflops"] = fmt(p.flops() / t.median_ms / 1e6);
        row["weight_transform_ms"] = row["plan_ms"];
        for (const auto& [phase, ms] : sl.m->phases())
          if (phase == "weight_transform") row["weight_transform_ms"] = fmt(ms);
        for (const auto& [phase, ms] : t.phase_median_ms) row[phase + "_ms"] = fmt(ms);
        row["untimed_ms"] = fmt(t.untimed_median_ms);
      }
      sl.m.reset();
      sl.y = {};
    };
    for (size_t i = n; i < end; ++i) {
      const WorkItem& item = items[todo[i]];
      Slot& sl = slots[i - n];
      sl.label = item.spec.method + "/" + item.spec.impl + (item.spec.variant.empty() ? "" : "/" + item.spec.variant) +
                 (item.spec.schedule.empty() ? "" : "/" + item.spec.schedule);
      {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
        const double eta = i ? el / double(i) * double(todo.size() - i) : 0;
        std::cerr << "[" << i + 1 << "/" << todo.size() << "] " << p.descriptor() << " " << sl.label << " t"
                  << item.threads << "  elapsed " << hms(el) << (i ? "  ETA " + hms(eta) : "") << "\n";
      }
      Row& row = sl.row;
      row = problem_row(sp);
      row["method"] = item.spec.method, row["impl"] = item.spec.impl, row["variant"] = item.spec.variant;
      row["schedule"] = item.spec.schedule, row["threads"] = std::to_string(item.threads);
      sl.bench_name = p.descriptor() + "/" + sl.label + "/threads:" + std::to_string(item.threads);
      try {
        set_threads(item.threads);
        sl.m = make_method(item.spec);
        if (std::string why = sl.m->not_applicable(p); !why.empty()) {
          row["status"] = "n/a", row["reason"] = why;
          sl.m.reset();
          continue;
        }
        sl.y.resize(size_t(p.output_elems()));
        const auto t0 = std::chrono::steady_clock::now();
        sl.m->plan(p);
        sl.m->set_weights(d.w.data(), d.b.data());
        row["plan_ms"] = fmt(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        row["variant"] = sl.m->variant();
        row["actual_gflop"] = fmt(sl.m->actual_flops() / 1e9);
        sl.m->execute(d.x.data(), sl.y.data());
        row["workspace_bytes"] = std::to_string(sl.m->workspace_bytes());  // Halide's is measured in there
        if (d.ref.empty()) d.ref = conv_reference(p, d.x.data(), d.w.data(), d.b.data());
        const ErrorStats e = compare_to_reference(d.ref, sl.y.data());
        const double tol = sl.m->tolerance(p);
        row["max_abs_err"] = fmt(e.max_abs), row["max_rel_err"] = fmt(e.max_rel), row["tolerance"] = fmt(tol);
        row["reason"] = sl.m->remark(p);
        if (!e.finite || e.max_rel > tol) {
          row["status"] = "wrong";
          row["reason"] = "max relative error " + fmt(e.max_rel) + " exceeds tolerance " + fmt(tol);
          sl.m.reset();
          continue;
        }
        const size_t bytes = sl.m->workspace_bytes() + sl.y.size() * sizeof(float);
        if (waiting_bytes + bytes > kInterleavedBytes) {  // too big to wait beside the others: time it now
          finish(sl, session.time(sl.bench_name, *sl.m, d.x.data(), sl.y.data(), topt));
        } else {
          waiting_bytes += bytes;
          row["status"] = "timing";
        }
      } catch (const std::exception& e) {
        row["status"] = "error";
        row["reason"] = e.what();
        sl.m.reset();
      }
    }
    // Interleaved rounds: one repetition of every waiting method per round.
    TimingOptions one = topt;
    one.repetitions = 1;
    set_threads(head.threads);  // the whole group shares one thread count
    for (int r = 0; r < topt.repetitions; ++r)
      for (Slot& sl : slots) {
        if (sl.row["status"] != "timing") continue;
        try {
          const Timing t = session.time(sl.bench_name, *sl.m, d.x.data(), sl.y.data(), one);
          if (!t.error.empty()) {
            finish(sl, t);
            continue;
          }
          sl.reps.push_back(t.median_ms);
          for (const auto& [phase, ms] : t.phase_median_ms) sl.phases[phase].push_back(ms);
          sl.untimed.push_back(t.untimed_median_ms);
        } catch (const std::exception& e) {
          sl.row["status"] = "error", sl.row["reason"] = e.what();
          sl.m.reset();
        }
      }
    for (size_t i = n; i < end; ++i) {
      Slot& sl = slots[i - n];
      Row& row = sl.row;
      if (row["status"] == "timing") finish(sl, summarize(sl.reps, sl.phases, sl.untimed));
      writer.append(row);
      ++tally[row["status"]];
      // benchdnn-style line: status, implementation, problem, figure.
      std::printf("%s,%s,t%d,%s,%s ms,%s GFLOP/s%s%s\n", row["status"].c_str(), sl.label.c_str(), items[todo[i]].threads,
                  p.descriptor().c_str(), row["median_ms"].empty() ? "-" : row["median_ms"].c_str(),
                  row["gflops"].empty() ? "-" : row["gflops"].c_str(), row["reason"].empty() ? "" : ",",
                  row["reason"].c_str());
    }
    std::fflush(stdout);
    n = end;
  }
  // The peak again after the run. A measurement at a busy moment (the other vCPU taken by the host for all
  // three trials) once read half this machine's 2-thread peak, which would have doubled every "% of peak";
  // the larger of the two stands, and both are recorded.
  for (MachineInfo& m : info.machine) {
    m.peak_gflops_start = m.peak_gflops;
    m.peak_gflops_end = measure_peak_gflops(m.threads);
    m.peak_gflops = std::max(m.peak_gflops_start, m.peak_gflops_end);
    if (std::min(m.peak_gflops_start, m.peak_gflops_end) < 0.8 * m.peak_gflops)
      std::cerr << "convlab sweep: peak at " << m.threads << " thread(s) measured " << fmt(m.peak_gflops_start, "%.1f")
                << " GFLOP/s before the run and " << fmt(m.peak_gflops_end, "%.1f")
                << " after: the machine's load changed; figures use the larger\n";
  }
  info.finished = utc_now();
  info.tally = tally;
  write_run_json(out + "/run.json", info);
  std::printf("tests:%zu ok:%d n/a:%d wrong:%d error:%d\n", todo.size(), tally["ok"], tally["n/a"], tally["wrong"],
              tally["error"]);

  const std::vector<Row> all_rows = read_results(csv);
  const std::vector<Winner> winners = compute_winners(all_rows);
  write_winners_csv(out + "/winners.csv", winners);
  std::cout << "\nWinners (fastest correct method per problem; x = speedup over the runner-up / over oneDNN):\n";
  print_winners(std::cout, winners);
  std::cout << "\nresults: " << csv << "\n";
  if (!a.has("no-report")) {
    std::string where = write_report(out);
    std::cout << "report:  " << where << "\n";
  }
  return tally["wrong"] || tally["error"] ? 1 : 0;
}

}  // namespace convlab
