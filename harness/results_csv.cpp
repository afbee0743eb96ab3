#include "results_csv.h"

#include <filesystem>
#include <iterator>
#include <stdexcept>

namespace convlab {

const std::vector<std::string>& result_columns() {
  static const std::vector<std::string> cols = {
      "problem", "layer", "count", "n", "c", "h", "w", "k", "r", "s", "stride", "pad_mode", "pad_t", "pad_b",
      "pad_l", "pad_r", "dilation", "mode", "method", "impl", "variant", "schedule", "threads", "status", "reason",
      "median_ms", "mean_ms", "stddev_ms", "cv", "repetitions", "gflops", "actual_gflop", "max_abs_err",
      "max_rel_err", "tolerance", "workspace_bytes", "plan_ms", "weight_transform_ms", "input_transform_ms",
      "multiply_ms", "output_transform_ms", "untimed_ms", "source"};
  return cols;
}

std::string row_key(const Row& r) {
  auto get = [&](const char* c) {
    auto it = r.find(c);
    return it == r.end() ? std::string() : it->second;
  };
  const std::string variant = get("method") == "onednn" ? "" : get("variant");
  return get("problem") + "|" + get("method") + "|" + get("impl") + "|" + variant + "|" + get("schedule") + "|" +
         get("threads");
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch == '\n' ? ' ' : ch;
  }
  return q + "\"";
}

std::vector<std::string> parse_csv_line(const std::string& line, bool& complete) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (ch == '"') quoted = false;
      else cur += ch;
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  complete = !quoted;
  return out;
}

ResultsWriter::ResultsWriter(const std::string& path) : path_(path) {
  bool fresh;
  {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fresh = text.empty();
    // A row is complete only with its newline: one cut short by a crash is dropped (and measured again),
    // so that appended rows never join it.
    if (!fresh && text.back() != '\n') {
      const size_t keep = text.find_last_of('\n') + 1;  // npos + 1 == 0: not even the header survived
      std::filesystem::resize_file(path, keep);
      fresh = keep == 0;
    }
  }
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error(path + ": cannot write");
  if (fresh) {
    const auto& cols = result_columns();
    for (size_t i = 0; i < cols.size(); ++i) out_ << (i ? "," : "") << cols[i];
    out_ << "\n";
    out_.flush();
  }
}

void ResultsWriter::append(const Row& r) {
  const auto& cols = result_columns();
  for (size_t i = 0; i < cols.size(); ++i) {
    auto it = r.find(cols[i]);
    out_ << (i ? "," : "") << (it == r.end() ? "" : csv_field(it->second));
  }
  out_ << "\n";
  out_.flush();
  if (!out_) throw std::runtime_error(path_ + ": write failed");
}

std::vector<Row> read_results(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty, no header");
  bool complete = true;
  const std::vector<std::string> header = parse_csv_line(line, complete);
  if (header.empty() || header[0] != "problem") throw std::runtime_error(path + ":1: not a convlab results header");
  std::vector<Row> rows;
  std::vector<std::string> pending;  // a row cut short at the end of the file
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty()) continue;
    std::vector<std::string> f = parse_csv_line(line, complete);
    const bool last = in.peek() == EOF;
    if (!complete || f.size() != header.size()) {
      if (last) break;  // a crash mid-write: the row never finished, the run will redo it on --resume
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": has " + std::to_string(f.size()) +
                               " fields, the header has " + std::to_string(header.size()));
    }
    Row r;
    for (size_t i = 0; i < header.size(); ++i) r[header[i]] = f[i];
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace convlab
