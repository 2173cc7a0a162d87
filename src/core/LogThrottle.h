#pragma once
// Lets a log line through at most once per interval and counts the occurrences in between, for conditions
// that can repeat thousands of times a second (a full descriptor table) and must not flood the log.
#include <cstdint>

namespace rooms {

class LogThrottle {
 public:
  explicit LogThrottle(int64_t intervalMs) : intervalMs_(intervalMs) {}

  // Counts one occurrence; true when it should be logged now. times() is then how many occurred since the
  // last logged one, this one included.
  bool allow(int64_t nowMs) {
    ++count_;
    if (loggedOnce_ && nowMs - lastMs_ < intervalMs_) return false;
    loggedOnce_ = true;
    lastMs_ = nowMs;
    times_ = count_;
    count_ = 0;
    return true;
  }
  uint64_t times() const { return times_; }

 private:
  int64_t intervalMs_;
  int64_t lastMs_ = 0;
  bool loggedOnce_ = false;
  uint64_t count_ = 0;
  uint64_t times_ = 0;
};

}  // namespace rooms
