// Clock: the only source of "now" for everything that stores or compares
// times (table timestamps, TTL, stream records).  Tests use ManualClock.
//
// Thread-safety: SystemClock is stateless; ManualClock is atomic.
#pragma once

#include <atomic>
#include <chrono>

namespace ddbd::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch, with sub-second precision.
  virtual double now_seconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  double now_seconds() const override {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(double t = 0) : t_(t) {}
  double now_seconds() const override { return t_.load(); }
  void set(double t) { t_.store(t); }
  void advance(double dt) { t_.store(t_.load() + dt); }

 private:
  std::atomic<double> t_;
};

}  // namespace ddbd::storage
