// Minimal JSON output for run.json: objects of strings, numbers and nested objects/arrays, written in order.
#pragma once

#include <cstdio>
#include <string>

namespace convlab {

inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\', o += char(ch);
    else if (ch == '\n') o += "\\n";
    else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      o += buf;
    } else o += char(ch);
  }
  return o + "\"";
}

inline std::string json_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace convlab
