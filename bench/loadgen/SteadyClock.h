#pragma once
// The one clock of the load generator and the floor: monotonic nanoseconds. Senders stamp with it and
// receivers on the same machine subtract, so one-way latency needs no clock synchronisation.
#include <chrono>
#include <cstdint>

namespace rooms::loadgen {

inline int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace rooms::loadgen
