#include "core/ProcessStats.h"

#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace rooms {

namespace {

long clockTicksPerSecond() {
  static const long ticks = [] {
    const long t = sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
  }();
  return ticks;
}

// CLOCK_BOOTTIME counts from the same origin as starttime in /proc/self/stat, which lets the first call
// measure from process start without a separate baseline read.
int64_t bootTimeNs() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct StatTimes {
  uint64_t cpuTicks = 0;    // utime + stime
  uint64_t startTicks = 0;  // starttime, since boot
  bool ok = false;
};

StatTimes readSelfStat() {
  StatTimes out;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) {
    return out;
  }
  // comm (field 2) may itself contain spaces and parentheses, so fields are counted after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) {
    return out;
  }
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  uint64_t utime = 0, stime = 0, start = 0;
  // Field 3 (state) is the first token after ')'; utime, stime and starttime are fields 14, 15 and 22.
  for (int index = 3; index <= 22 && (fields >> field); ++index) {
    try {
      if (index == 14) {
        utime = std::stoull(field);
      }
      if (index == 15) {
        stime = std::stoull(field);
      }
      if (index == 22) {
        start = std::stoull(field);
        out.ok = true;
      }
    } catch (const std::exception&) {
      return StatTimes{};
    }
  }
  out.cpuTicks = utime + stime;
  out.startTicks = start;
  return out;
}

uint64_t memTotalBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t value = 0;
  std::string unit;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemTotal:") {
      return value * 1024;  // the kernel reports kB
    }
  }
  return 0;
}

}  // namespace

double ProcessStats::cpuPercent() {
  const StatTimes st = readSelfStat();
  if (!st.ok) {
    return 0.0;
  }
  const long hz = clockTicksPerSecond();
  const int64_t nowNs = bootTimeNs();
  if (lastWallNs_ == 0) {
    lastWallNs_ = static_cast<int64_t>(st.startTicks * 1000000000 / static_cast<uint64_t>(hz));
    lastCpuTicks_ = 0;
  }
  const int64_t wallNs = nowNs - lastWallNs_;
  const uint64_t ticks = st.cpuTicks >= lastCpuTicks_ ? st.cpuTicks - lastCpuTicks_ : 0;
  lastWallNs_ = nowNs;
  lastCpuTicks_ = st.cpuTicks;
  if (wallNs <= 0) {
    return 0.0;
  }
  const double cpuNs = static_cast<double>(ticks) * 1e9 / static_cast<double>(hz);
  return cpuNs * 100.0 / static_cast<double>(wallNs);
}

double ProcessStats::memoryPercent() const {
  const uint64_t total = memTotalBytes();
  if (total == 0) {
    return 0.0;
  }
  return static_cast<double>(residentBytes()) * 100.0 / static_cast<double>(total);
}

uint64_t ProcessStats::residentBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t sizePages = 0, residentPages = 0;
  if (!(in >> sizePages >> residentPages)) {
    return 0;
  }
  const long page = sysconf(_SC_PAGESIZE);
  return residentPages * static_cast<uint64_t>(page > 0 ? page : 4096);
}

}  // namespace rooms
