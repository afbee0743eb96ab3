// Exact rational numbers for generating Winograd transforms (as Lavin's wincnn does with sympy): the
// matrices are derived exactly and rounded to float only once, at the end.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <stdexcept>
#include <string>

namespace convlab {

class Rational {
 public:
  Rational(int64_t num = 0, int64_t den = 1) { set(num, den); }
  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  double value() const { return double(num_) / double(den_); }

  friend Rational operator+(Rational a, Rational b) { return make(wide(a.num_) * b.den_ + wide(b.num_) * a.den_, wide(a.den_) * b.den_); }
  friend Rational operator-(Rational a, Rational b) { return make(wide(a.num_) * b.den_ - wide(b.num_) * a.den_, wide(a.den_) * b.den_); }
  friend Rational operator*(Rational a, Rational b) { return make(wide(a.num_) * b.num_, wide(a.den_) * b.den_); }
  friend Rational operator/(Rational a, Rational b) {
    if (b.num_ == 0) throw std::domain_error("Rational: division by zero");
    return make(wide(a.num_) * b.den_, wide(a.den_) * b.num_);
  }
  Rational operator-() const { return Rational(-num_, den_); }
  friend bool operator==(Rational a, Rational b) { return a.num_ == b.num_ && a.den_ == b.den_; }
  friend bool operator!=(Rational a, Rational b) { return !(a == b); }
  std::string str() const { return den_ == 1 ? std::to_string(num_) : std::to_string(num_) + "/" + std::to_string(den_); }

 private:
  using Wide = __int128;
  static Wide wide(int64_t v) { return Wide(v); }
  static Wide gcd(Wide a, Wide b) {
    if (a < 0) a = -a;
    if (b < 0) b = -b;
    while (b != 0) {
      Wide t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
  // Reduces in 128 bits, then insists the result fits 64: the transforms used here stay far below that.
  static Rational make(Wide n, Wide d) {
    if (d == 0) throw std::domain_error("Rational: zero denominator");
    if (d < 0) n = -n, d = -d;
    Wide g = gcd(n, d);
    if (g > 1) n /= g, d /= g;
    const Wide lim = Wide(INT64_MAX);
    if (n > lim || -n > lim || d > lim) throw std::overflow_error("Rational: overflow");
    return Rational(Reduced{}, int64_t(n), int64_t(d));
  }
  struct Reduced {};
  Rational(Reduced, int64_t n, int64_t d) : num_(n), den_(d) {}
  void set(int64_t n, int64_t d) { *this = make(Wide(n), Wide(d)); }

  int64_t num_ = 0, den_ = 1;
};

}  // namespace convlab
