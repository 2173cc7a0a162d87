#pragma once
// What /proc says about the server under test: CPU time (user + system, all threads), resident memory now
// and at its peak, open file descriptors. Read at the edges of a window; never from inside the media loop.
#include <cstdint>
#include <optional>

namespace rooms::loadgen {

struct ProcessStats {
  double cpuSeconds = 0;
  // Of that, the threads whose name starts with "rooms-rec" (roomsd's recorder and recording jobs).
  double recorderCpuSeconds = 0;
  uint64_t rssBytes = 0;
  uint64_t peakRssBytes = 0;  // VmHWM
  int openFds = 0;
  bool valid = false;

  // nullopt when the process is gone or /proc cannot be read.
  static std::optional<ProcessStats> read(int pid);
};

}  // namespace rooms::loadgen
