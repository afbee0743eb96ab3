// A small command-line parser for convlab's subcommands: `--name value`, `--name=value`, boolean flags and
// positionals. Unknown options are refused with one line naming them (UsageError).
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace convlab {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued`: options that take a value; `flags`: options that do not. Options with prefix `pass_prefix`
  // (e.g. "--benchmark_") are kept verbatim in passthrough() for another parser.
  Args(int argc, char** argv, const std::set<std::string>& valued, const std::set<std::string>& flags,
       const std::string& pass_prefix = "");

  bool has(const std::string& name) const { return values_.count(name) > 0 || flags_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  long long get_int(const std::string& name, long long fallback, long long lo, long long hi) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  const std::vector<std::string>& passthrough() const { return passthrough_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positionals_, passthrough_;
};

std::vector<std::string> split(const std::string& s, char sep);  // empty items dropped
long long parse_int(const std::string& what, const std::string& text, long long lo, long long hi);

}  // namespace convlab
