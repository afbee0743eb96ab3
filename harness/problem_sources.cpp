#include "problem_sources.h"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli.h"
#include "descriptor.h"

namespace convlab {

std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text) {
  std::vector<int64_t> v;
  for (const std::string& item : split(text, ',')) v.push_back(parse_int("--" + option, item, 1, 1 << 20));
  if (v.empty()) throw UsageError("--" + option + ": empty list");
  return v;
}

std::vector<SweepProblem> expand_grid(const GridSpec& g, int& skipped, std::string& example_reason) {
  std::vector<SweepProblem> out;
  std::set<std::string> seen;  // e.g. a 1x1 kernel is the same problem under valid and same padding
  skipped = 0;
  for (int64_t n : g.batch)
    for (int64_t h : g.size)
      for (int64_t c : g.in_channels)
        for (int64_t k : g.out_channels)
          for (int64_t r : g.kernel)
            for (int64_t st : g.stride)
              for (const std::string& pad : g.padding)
                for (const std::string& mode : g.mode) {
                  ConvProblem p;
                  p.n = n, p.c = c, p.k = k, p.h = p.w = h, p.r = p.s = r, p.sh = p.sw = st;
                  p.mode = parse_conv_mode(mode);
                  try {
                    p.set_padding(pad);
                    p.validate();
                  } catch (const ProblemError& e) {
                    if (!skipped++) example_reason = "mb" + std::to_string(n) + "ic" + std::to_string(c) + "ih" +
                                                     std::to_string(h) + "kh" + std::to_string(r) + " " + pad + ": " + e.what();
                    continue;
                  }
                  if (seen.insert(p.descriptor() + to_string(p.mode)).second) out.push_back({p, "", 1, "grid"});
                }
  if (out.empty()) throw ProblemError("grid: every combination is impossible (" + example_reason + ")");
  return out;
}

std::vector<SweepProblem> load_problems_file(const std::string& path, const std::string& source) {
  std::ifstream f(path);
  if (!f) throw ProblemError(path + ": cannot open");
  std::vector<SweepProblem> out;
  std::map<std::string, size_t> index;  // canonical shape (no name) -> position in out
  std::string line;
  for (int lineno = 1; std::getline(f, line); ++lineno) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::stringstream ss(line);
    std::string desc, extra;
    if (!(ss >> desc)) continue;
    int count = 1;
    if (ss >> extra) {
      if (extra.size() < 2 || extra[0] != 'x' || extra.find_first_not_of("0123456789", 1) != std::string::npos)
        throw ProblemError(path + ":" + std::to_string(lineno) + ": '" + extra + "' is not a count like x3");
      count = std::stoi(extra.substr(1));
      if (ss >> extra) throw ProblemError(path + ":" + std::to_string(lineno) + ": unexpected '" + extra + "'");
    }
    ConvProblem p;
    try {
      p = parse_descriptor(desc);
      p.validate();
    } catch (const ProblemError& e) {
      throw ProblemError(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
    const std::string name = p.name;
    p.name.clear();
    const std::string key = p.descriptor();
    if (auto it = index.find(key); it != index.end()) {
      SweepProblem& sp = out[it->second];
      sp.count += count;
      if (!name.empty() && ("+" + sp.layer + "+").find("+" + name + "+") == std::string::npos)
        sp.layer += (sp.layer.empty() ? "" : "+") + name;
      continue;
    }
    index[key] = out.size();
    out.push_back({p, name, count, source});
  }
  if (out.empty()) throw ProblemError(path + ": no problems in file");
  return out;
}

std::string preset_dir() {
  if (const char* env = std::getenv("CONVLAB_PRESETS")) return env;
  return CONVLAB_PRESET_DIR;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  if (DIR* d = opendir(preset_dir().c_str())) {
    while (dirent* e = readdir(d)) {
      std::string f = e->d_name;
      if (f.size() > 4 && f.substr(f.size() - 4) == ".txt") names.push_back(f.substr(0, f.size() - 4));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<SweepProblem> load_preset(const std::string& name) {
  const std::vector<std::string> known = preset_names();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ProblemError("preset: '" + name + "' is not one of " + list);
  }
  return load_problems_file(preset_dir() + "/" + name + ".txt", name);
}

}  // namespace convlab
