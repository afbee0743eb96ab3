#include "npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace convlab {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) { throw NpyError(path + ": " + why); }

// Value text of `key` in the header dictionary ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").
std::string dict_value(const std::string& path, const std::string& header, const std::string& key) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) fail(path, "header has no '" + key + "' entry");
  size_t colon = header.find(':', k);
  if (colon == std::string::npos) fail(path, "header entry '" + key + "' has no value");
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos) fail(path, "header entry '" + key + "' has no value");
  size_t end = header[start] == '(' ? header.find(')', start) + 1 : header.find_first_of(",}", start);
  if (end == std::string::npos || end == 0) fail(path, "header entry '" + key + "' is not terminated");
  return header.substr(start, end - start);
}

std::vector<int64_t> parse_shape(const std::string& path, const std::string& v) {
  if (v.size() < 2 || v.front() != '(' || v.back() != ')') fail(path, "shape '" + v + "' is not a tuple");
  std::vector<int64_t> shape;
  std::string body = v.substr(1, v.size() - 2);
  std::stringstream ss(body);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
    if (a == std::string::npos) continue;  // trailing comma of a 1-tuple
    std::string num = item.substr(a, b - a + 1);
    if (num.empty() || num.size() > 12 || num.find_first_not_of("0123456789") != std::string::npos)
      fail(path, "shape entry '" + num + "' is not a size");
    shape.push_back(std::stoll(num));
  }
  return shape;
}

}  // namespace

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

NpyArray read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
  char magic[8];
  if (!f.read(magic, 8)) fail(path, "too short to be a .npy file");
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(path, "not a .npy file (bad magic)");
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t hlen = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!f.read(reinterpret_cast<char*>(b), 2)) fail(path, "truncated header length");
    hlen = b[0] | (uint32_t(b[1]) << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!f.read(reinterpret_cast<char*>(b), 4)) fail(path, "truncated header length");
    hlen = b[0] | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
  } else {
    fail(path, "unsupported .npy format version " + std::to_string(major));
  }
  if (hlen > (1u << 20)) fail(path, "header length " + std::to_string(hlen) + " is implausible");
  std::string header(hlen, '\0');
  if (!f.read(header.data(), hlen)) fail(path, "truncated header");
  if (header.find('{') == std::string::npos || header.find('}') == std::string::npos)
    fail(path, "header is not a dictionary");
  std::string descr = dict_value(path, header, "descr");
  if (descr != "'<f4'" && descr != "'float32'")
    fail(path, "dtype " + descr + " is not float32 little-endian ('<f4')");
  std::string order = dict_value(path, header, "fortran_order");
  if (order != "False") fail(path, "fortran_order is " + order + "; only C order is supported");
  NpyArray a;
  a.shape = parse_shape(path, dict_value(path, header, "shape"));
  double count = 1;
  for (int64_t d : a.shape) count *= double(d);
  if (count > double(1ull << 34)) fail(path, "shape " + shape_string(a.shape) + " is too large");
  a.data.resize(size_t(count));
  if (!f.read(reinterpret_cast<char*>(a.data.data()), std::streamsize(a.data.size() * sizeof(float))))
    fail(path, "data is shorter than shape " + shape_string(a.shape) + " needs");
  char extra;
  if (f.read(&extra, 1)) fail(path, "data is longer than shape " + shape_string(a.shape) + " needs");
  return a;
}

void write_npy(const std::string& path, const std::vector<int64_t>& shape, const float* data) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_string(shape) + ", }";
  // Version 1.0: magic (6) + version (2) + length (2) + header, padded with spaces to 64 bytes, ending in \n.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  size_t count = 1;
  for (int64_t d : shape) count *= size_t(d);
  const std::string tmp = path + ".partial";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) fail(path, std::string("cannot write: ") + std::strerror(errno));
    const char pre[8] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
    const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                  static_cast<unsigned char>(header.size() >> 8)};
    f.write(pre, 8);
    f.write(reinterpret_cast<const char*>(len), 2);
    f.write(header.data(), std::streamsize(header.size()));
    f.write(reinterpret_cast<const char*>(data), std::streamsize(count * sizeof(float)));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      fail(path, "write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    fail(path, std::string("cannot rename into place: ") + std::strerror(errno));
  }
}

}  // namespace convlab
