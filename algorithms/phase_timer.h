// Wall-clock lap timer for a method's phases (input transform, multiply, ...), in milliseconds.
#pragma once

#include <chrono>

namespace convlab {

class PhaseTimer {
 public:
  PhaseTimer() : last_(Clock::now()) {}
  // Milliseconds since construction or the previous lap(), and starts a new lap.
  double lap() {
    auto now = Clock::now();
    double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    return ms;
  }
  double ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - last_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_;
};

}  // namespace convlab
