#pragma once
// Figures for /health, read from /proc: CPU used by this process and memory in use.
#include <cstdint>

namespace rooms {

class ProcessStats {
 public:
  // CPU percent of one core used by this process since the previous call (first call: since start).
  double cpuPercent();
  // Resident set size of this process as a percent of the machine's MemTotal.
  double memoryPercent() const;
  // Resident set size in bytes.
  static uint64_t residentBytes();

 private:
  uint64_t lastCpuTicks_ = 0;
  int64_t lastWallNs_ = 0;
};

}  // namespace rooms
