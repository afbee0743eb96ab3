// NumPy .npy files, float32 only: little-endian ('<f4'), C order, format versions 1.0, 2.0 and 3.0.
// Reading validates the magic, version, header dictionary, dtype, order, shape and the data length, and
// throws NpyError with one line naming the file and what is wrong. Writing goes to a temporary file that is
// renamed into place, so a failed write never leaves a partial file behind.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace convlab {

struct NpyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

NpyArray read_npy(const std::string& path);
void write_npy(const std::string& path, const std::vector<int64_t>& shape, const float* data);
std::string shape_string(const std::vector<int64_t>& shape);  // "(1, 64, 56, 56)"

}  // namespace convlab
