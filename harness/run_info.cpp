#include "run_info.h"

#include <cblas.h>
#include <fftw3.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "json_writer.h"
#include "peer/onednn_conv.h"

extern "C" char* openblas_get_config(void);
extern "C" char* openblas_get_corename(void);

namespace convlab {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

namespace {

// The source tree's commit, as this binary's build recorded it (record_build).
std::string git_commit() {
  std::string cmd = std::string("git -C '") + CONVLAB_SOURCE_DIR + "' rev-parse HEAD 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[128];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace

// run.json's libraries, in order.
const char* const kLibraries[] = {"fftw", "openblas", "openblas_core", "onednn", "google_benchmark", "halide"};

void record_build(RunInfo& info) {
  info.git_commit = git_commit();
  info.compiler = std::string("g++ ") + __VERSION__;
  info.build_flags = CONVLAB_BUILD_FLAGS;
  // Debian's OpenBLAS is built for every x86 core (DYNAMIC_ARCH) and picks its kernels at run time; its
  // build string names the build's baseline (Prescott), openblas_core the kernels im2col's GEMM ran.
  const std::string versions[] = {fftwf_version,  openblas_get_config(),     openblas_get_corename(),
                                  onednn_version(), CONVLAB_BENCHMARK_VERSION, CONVLAB_HALIDE_VERSION};
  info.libraries.clear();
  for (size_t i = 0; i < std::size(kLibraries); ++i) info.libraries.emplace_back(kLibraries[i], versions[i]);
}

void write_run_json(const std::string& path, const RunInfo& info) {
  std::ostringstream o;
  o << "{\n";
  o << "  \"started\": " << json_string(info.started) << ",\n";
  o << "  \"finished\": " << json_string(info.finished) << ",\n";
  o << "  \"git_commit\": " << json_string(info.git_commit) << ",\n";
  o << "  \"command_line\": " << json_string(info.command_line) << ",\n";
  o << "  \"grid_key\": " << json_string(info.grid_key) << ",\n";
  o << "  \"shard\": " << json_string(info.shard) << ",\n";
  o << "  \"compiler\": " << json_string(info.compiler) << ",\n";
  o << "  \"build_flags\": " << json_string(info.build_flags) << ",\n";
  o << "  \"libraries\": {\n";
  for (size_t i = 0; i < info.libraries.size(); ++i)
    o << "    " << json_string(info.libraries[i].first) << ": " << json_string(info.libraries[i].second)
      << (i + 1 < info.libraries.size() ? "," : "") << "\n";
  o << "  },\n";
  o << "  \"malloc\": " << json_string(info.malloc_policy) << ",\n";
  o << "  \"omp_wait_policy\": " << json_string(info.omp_wait_policy) << ",\n";
  o << "  \"machine\": [\n";
  for (size_t i = 0; i < info.machine.size(); ++i) {
    const MachineInfo& m = info.machine[i];
    o << "    {\"cpu\": " << json_string(m.cpu_model) << ", \"logical_cpus\": " << m.logical_cpus
      << ", \"threads\": " << m.threads << ", \"peak_gflops\": " << json_number(m.peak_gflops);
    if (m.peak_gflops_end > 0)
      o << ", \"peak_gflops_start\": " << json_number(m.peak_gflops_start)
        << ", \"peak_gflops_end\": " << json_number(m.peak_gflops_end);
    if (m.peak_vector_bits > 0) o << ", \"peak_vector_bits\": " << m.peak_vector_bits;
    o << ", \"bandwidth_gbs\": " << json_number(m.bandwidth_gbs) << "}" << (i + 1 < info.machine.size() ? "," : "") << "\n";
  }
  o << "  ],\n";
  o << "  \"tally\": {";
  bool first = true;
  for (const auto& [k, v] : info.tally) o << (first ? "" : ", ") << json_string(k) << ": " << v, first = false;
  o << "},\n";
  o << "  \"merged_from\": [";
  for (size_t i = 0; i < info.merged_from.size(); ++i) o << (i ? ", " : "") << json_string(info.merged_from[i]);
  o << "]\n}\n";
  const std::string tmp = path + ".partial";
  {
    std::ofstream f(tmp);
    f << o.str();
    if (!f) throw std::runtime_error(path + ": cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot write");
}

namespace {

// The text after `"key": ` at or after `from`; empty if absent.
size_t value_at(const std::string& s, const std::string& key, size_t from = 0) {
  const size_t k = s.find("\"" + key + "\": ", from);
  return k == std::string::npos ? std::string::npos : k + key.size() + 4;
}

std::string string_field(const std::string& s, const std::string& path, const std::string& key, size_t from = 0) {
  const size_t v = value_at(s, key, from);
  if (v == std::string::npos || v >= s.size() || s[v] != '"') throw std::runtime_error(path + ": no \"" + key + "\" field");
  const size_t end = s.find('"', v + 1);
  if (end == std::string::npos) throw std::runtime_error(path + ": \"" + key + "\" is not terminated");
  return s.substr(v + 1, end - v - 1);
}

double number_field(const std::string& s, const std::string& path, const std::string& key, size_t from) {
  const size_t v = value_at(s, key, from);
  if (v == std::string::npos) throw std::runtime_error(path + ": no \"" + key + "\" field");
  return std::strtod(s.c_str() + v, nullptr);
}

}  // namespace

RunInfo read_run_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string s = ss.str();
  RunInfo info;
  info.grid_key = string_field(s, path, "grid_key");
  info.shard = string_field(s, path, "shard");
  info.started = string_field(s, path, "started");
  info.command_line = string_field(s, path, "command_line");
  // Optional: runs before they were recorded lack them.
  auto optional = [&](const char* key) {
    return value_at(s, key) == std::string::npos ? std::string("not recorded") : string_field(s, path, key);
  };
  info.malloc_policy = optional("malloc");
  info.omp_wait_policy = optional("omp_wait_policy");
  info.git_commit = optional("git_commit");
  info.compiler = optional("compiler");
  info.build_flags = optional("build_flags");
  for (const char* lib : kLibraries) info.libraries.emplace_back(lib, optional(lib));
  // Machine entries, as write_run_json writes them: {"cpu": ..., "logical_cpus": ..., ...}.
  for (size_t at = s.find("{\"cpu\": "); at != std::string::npos; at = s.find("{\"cpu\": ", at + 1)) {
    MachineInfo mi;
    mi.cpu_model = string_field(s, path, "cpu", at);
    mi.logical_cpus = int(number_field(s, path, "logical_cpus", at));
    mi.threads = int(number_field(s, path, "threads", at));
    mi.peak_gflops = number_field(s, path, "peak_gflops", at);
    mi.bandwidth_gbs = number_field(s, path, "bandwidth_gbs", at);
    // Optional: runs before it was recorded lack it (and it is written before bandwidth_gbs, in this entry).
    const size_t bits = s.find("\"peak_vector_bits\": ", at), entry_end = s.find('}', at);
    if (bits != std::string::npos && bits < entry_end) mi.peak_vector_bits = int(number_field(s, path, "peak_vector_bits", at));
    info.machine.push_back(mi);
  }
  return info;
}

std::string omp_wait_policy() {
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  return wait ? wait : "default (libgomp spins briefly)";
}

void merge_field(std::string& merged, const std::string& shard_value, const std::string& shard) {
  if (shard_value != merged && merged.find("; " + shard_value + " (") == std::string::npos)
    merged += "; " + shard_value + " (" + shard + ")";
}

}  // namespace convlab
