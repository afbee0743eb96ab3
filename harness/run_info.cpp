#include "run_info.h"

#include <cblas.h>
#include <fftw3.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "json_writer.h"
#include "peer/onednn_conv.h"

extern "C" char* openblas_get_config(void);

namespace convlab {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

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

void write_run_json(const std::string& path, const RunInfo& info) {
  std::ostringstream o;
  o << "{\n";
  o << "  \"started\": " << json_string(info.started) << ",\n";
  o << "  \"finished\": " << json_string(info.finished) << ",\n";
  o << "  \"git_commit\": " << json_string(git_commit()) << ",\n";
  o << "  \"command_line\": " << json_string(info.command_line) << ",\n";
  o << "  \"grid_key\": " << json_string(info.grid_key) << ",\n";
  o << "  \"shard\": " << json_string(info.shard) << ",\n";
  o << "  \"compiler\": " << json_string(std::string("g++ ") + __VERSION__) << ",\n";
  o << "  \"build_flags\": " << json_string(CONVLAB_BUILD_FLAGS) << ",\n";
  o << "  \"libraries\": {\n";
  o << "    \"fftw\": " << json_string(fftwf_version) << ",\n";
  o << "    \"openblas\": " << json_string(openblas_get_config()) << ",\n";
  o << "    \"onednn\": " << json_string(onednn_version()) << ",\n";
  o << "    \"google_benchmark\": " << json_string(CONVLAB_BENCHMARK_VERSION) << ",\n";
  o << "    \"halide\": " << json_string(CONVLAB_HALIDE_VERSION) << "\n";
  o << "  },\n";
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  o << "  \"omp_wait_policy\": " << json_string(wait ? wait : "default (libgomp spins briefly)") << ",\n";
  o << "  \"machine\": [\n";
  for (size_t i = 0; i < info.machine.size(); ++i) {
    const MachineInfo& m = info.machine[i];
    o << "    {\"cpu\": " << json_string(m.cpu_model) << ", \"logical_cpus\": " << m.logical_cpus
      << ", \"threads\": " << m.threads << ", \"peak_gflops\": " << json_number(m.peak_gflops)
      << ", \"bandwidth_gbs\": " << json_number(m.bandwidth_gbs) << "}" << (i + 1 < info.machine.size() ? "," : "") << "\n";
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

RunInfo read_run_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string s = ss.str();
  RunInfo info;
  std::smatch m;
  auto field = [&](const char* name) {
    std::regex re(std::string("\"") + name + "\": \"([^\"]*)\"");
    if (!std::regex_search(s, m, re)) throw std::runtime_error(path + ": no \"" + name + "\" field");
    return m[1].str();
  };
  info.grid_key = field("grid_key");
  info.shard = field("shard");
  info.started = field("started");
  info.command_line = field("command_line");
  std::regex mre("\\{\"cpu\": \"([^\"]*)\", \"logical_cpus\": ([0-9]+), \"threads\": ([0-9]+), \"peak_gflops\": ([0-9.e+]+), \"bandwidth_gbs\": ([0-9.e+]+)\\}");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), mre); it != std::sregex_iterator(); ++it) {
    MachineInfo mi;
    mi.cpu_model = (*it)[1];
    mi.logical_cpus = std::stoi((*it)[2]);
    mi.threads = std::stoi((*it)[3]);
    mi.peak_gflops = std::stod((*it)[4]);
    mi.bandwidth_gbs = std::stod((*it)[5]);
    info.machine.push_back(mi);
  }
  return info;
}

}  // namespace convlab
