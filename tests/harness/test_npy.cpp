// .npy files round-trip, and corrupt or mismatched files are refused with one line naming the file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "npy.h"

using namespace convlab;

namespace {

std::string tmp(const std::string& name) { return std::string(CONVLAB_TEST_TMP) + "/" + name; }

void write_raw(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string read_raw(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE(".npy round-trips float32 tensors", "[npy]") {
  std::vector<float> v(2 * 3 * 5);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i) * 0.25f - 3.0f;
  write_npy(tmp("a.npy"), {2, 3, 5}, v.data());
  NpyArray a = read_npy(tmp("a.npy"));
  CHECK(a.shape == std::vector<int64_t>{2, 3, 5});
  CHECK(a.data == v);
  std::string raw = read_raw(tmp("a.npy"));
  CHECK(raw.substr(1, 5) == "NUMPY");
  CHECK((raw.size() - v.size() * 4) % 64 == 0);  // header padded to 64 bytes, as NumPy does
  write_npy(tmp("b.npy"), {4}, v.data());
  CHECK(read_npy(tmp("b.npy")).shape == std::vector<int64_t>{4});
}

TEST_CASE("corrupt .npy files are refused", "[npy]") {
  std::vector<float> v(6, 1.0f);
  write_npy(tmp("good.npy"), {2, 3}, v.data());
  const std::string good = read_raw(tmp("good.npy"));

  write_raw(tmp("magic.npy"), "PK\x03\x04" + good.substr(4));
  CHECK_THROWS_WITH(read_npy(tmp("magic.npy")), Catch::Contains("magic.npy") && Catch::Contains("bad magic"));

  write_raw(tmp("short.npy"), good.substr(0, good.size() - 3));
  CHECK_THROWS_WITH(read_npy(tmp("short.npy")), Catch::Contains("shorter"));

  write_raw(tmp("long.npy"), good + "xxxx");
  CHECK_THROWS_WITH(read_npy(tmp("long.npy")), Catch::Contains("longer"));

  std::string f64 = good;
  f64.replace(f64.find("<f4"), 3, "<f8");
  write_raw(tmp("f64.npy"), f64);
  CHECK_THROWS_WITH(read_npy(tmp("f64.npy")), Catch::Contains("float32"));

  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  write_raw(tmp("fortran.npy"), fortran);
  CHECK_THROWS_WITH(read_npy(tmp("fortran.npy")), Catch::Contains("C order"));

  std::string badshape = good;
  badshape.replace(badshape.find("(2, 3)"), 6, "(2, x)");
  write_raw(tmp("shape.npy"), badshape);
  CHECK_THROWS_WITH(read_npy(tmp("shape.npy")), Catch::Contains("shape"));

  write_raw(tmp("tiny.npy"), "\x93NU");
  CHECK_THROWS_WITH(read_npy(tmp("tiny.npy")), Catch::Contains("too short"));

  CHECK_THROWS_WITH(read_npy(tmp("missing.npy")), Catch::Contains("cannot open"));
}

TEST_CASE("a failed write leaves no file behind", "[npy]") {
  std::vector<float> v(4, 0.0f);
  CHECK_THROWS_AS(write_npy(tmp("no-such-dir/y.npy"), {4}, v.data()), NpyError);
  std::ifstream f(tmp("no-such-dir/y.npy.partial"));
  CHECK_FALSE(f.good());
}
