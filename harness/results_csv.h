// results.csv: tidy, one row per (problem, method, impl, variant, schedule, threads), appended and flushed
// as soon as it is measured so that a crash or Ctrl-C loses no finished row. Columns are a promise to
// users' scripts: add new ones at the end, never rename.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace convlab {

const std::vector<std::string>& result_columns();

using Row = std::map<std::string, std::string>;  // column -> value; missing columns are empty

// The identity of a measurement, for --resume and merge: problem, method, impl, requested variant,
// schedule, threads. (oneDNN's variant is the kernel it picked, so it is not part of its key.)
std::string row_key(const Row& r);

class ResultsWriter {
 public:
  // Opens `path` for appending; writes the header if the file is new or empty, and drops a last row cut
  // short by a crash (no newline). Throws std::runtime_error with the path if it cannot be written.
  explicit ResultsWriter(const std::string& path);
  void append(const Row& r);  // writes and flushes

 private:
  std::string path_;
  std::ofstream out_;
};

// Reads a results.csv written by ResultsWriter (quoted fields allowed). Throws std::runtime_error naming
// the file and line if the header or a row is malformed. A last line cut short by a crash is ignored.
std::vector<Row> read_results(const std::string& path);

std::string csv_field(const std::string& s);  // quotes when needed
std::vector<std::string> parse_csv_line(const std::string& line, bool& complete);

}  // namespace convlab
