#pragma once
// One load-generator run against a LoadTarget: opens rooms, waits for their media to flow, and measures
// windows (loss, latency, jitter, rates, the server's CPU and memory). Fixed load, a ramp to the capacity
// where loss or latency crosses its threshold, or a soak that reports every interval for a long time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "LoadTarget.h"
#include "MediaLoop.h"
#include "ProcessStats.h"

namespace rooms::loadgen {

struct RunOptions {
  int participants = 2;
  uint32_t videoBitrate = 1000000;
  int serverPid = 0;  // 0: no server figures
  double warmupSeconds = 2;
  double windowSeconds = 5;
  double lossThresholdPercent = 0.5;
  double p99ThresholdMs = 5;
  double connectTimeoutSeconds = 30;
};

struct StepResult {
  int rooms = 0;
  int peers = 0;
  uint64_t forwardedStreams = 0;
  double seconds = 0;
  uint64_t sent = 0;
  uint64_t expected = 0;
  uint64_t received = 0;
  double lossPercent = 0;
  double videoLossPercent = 0;  // video alone: what is left after NACK recovery on an impaired link
  double p50Ms = 0;
  double p99Ms = 0;
  double maxMs = 0;
  double jitterMs = 0;
  double ppsIn = 0;   // into the server
  double ppsOut = 0;  // forwarded packets that reached a subscriber
  double mbitsOut = 0;
  uint64_t misrouted = 0;
  uint64_t reordered = 0;
  uint64_t silentStreams = 0;  // expected streams that never delivered a packet
  double serverCpuSeconds = 0;
  double serverCores = 0;     // CPU seconds per second
  double cpuPerPacketUs = 0;  // server CPU per forwarded packet
  double recorderCores = 0;   // of serverCores, the recording threads' (roomsd with --recording)
  double streamsPerCore = 0;  // forwardedStreams / serverCores
  double loadgenCores = 0;    // our own CPU use, to tell when the generator is the limit
  uint64_t serverRssBytes = 0;
  uint64_t serverPeakRssBytes = 0;
  double memoryPerRoomBytes = 0;
  int serverFds = 0;
  // The server's media workers: rooms placed on each at the end of the window, and each one's share (percent)
  // of the datagrams the server sent during it. Empty for a server that does not report workers.
  std::vector<uint64_t> roomsPerWorker;
  std::vector<double> workerPacketShare;
  bool withinThresholds = false;
};

class LoadRun {
 public:
  LoadRun(RunOptions options, LoadTarget& target, MediaLoop& loop);

  // Reads the server's memory before any room exists, the baseline for memory per room.
  void baseline();
  // Opens rooms until there are `total`, then waits until every peer is connected and every expected
  // stream delivers. Returns false (with why) if that did not happen within the connect timeout.
  bool growTo(int total, std::string& why);
  // Warm-up, then one window.
  StepResult measure();
  int rooms() const { return rooms_; }

  static std::string describe(const StepResult& r);

 private:
  RoomPlan planRoom(int index) const;
  // The server's figures; valid is false without a pid or once the process is gone.
  ProcessStats readServer() const;

  RunOptions options_;
  LoadTarget& target_;
  MediaLoop& loop_;
  int rooms_ = 0;
  std::optional<ProcessStats> baseline_;
};

}  // namespace rooms::loadgen
