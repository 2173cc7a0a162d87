#include "LoadRun.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace rooms::loadgen {

namespace {

const char* kRoles[] = {"coach", "client", "guest"};

void sleepSeconds(double s) {
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(s * 1e6)));
}

}  // namespace

LoadRun::LoadRun(RunOptions options, LoadTarget& target, MediaLoop& loop)
    : options_(options), target_(target), loop_(loop) {}

void LoadRun::baseline() {
  if (options_.serverPid > 0) baseline_ = ProcessStats::read(options_.serverPid);
}

ProcessStats LoadRun::readServer() const {
  if (options_.serverPid <= 0) return {};
  return ProcessStats::read(options_.serverPid).value_or(ProcessStats{});
}

RoomPlan LoadRun::planRoom(int index) const {
  RoomPlan plan;
  plan.index = index;
  const int n = options_.participants;
  const auto streamId = [&](int participant, int kind) {
    return static_cast<uint32_t>(index * 8 + participant * 2 + kind + 1);
  };
  for (int p = 0; p < n; ++p) {
    ParticipantPlan part;
    part.role = kRoles[p];
    part.audio = StreamSpec{StreamKind::Audio, streamId(p, 0), 0x10000000u + streamId(p, 0), 111, 0, 30};
    part.video = StreamSpec{
        StreamKind::Video, streamId(p, 1), 0x10000000u + streamId(p, 1), 96, options_.videoBitrate, 30};
    for (int q = 0; q < n; ++q) {
      if (q == p) continue;
      part.receives.push_back({streamId(q, 0), StreamKind::Audio});
      part.receives.push_back({streamId(q, 1), StreamKind::Video});
    }
    plan.participants.push_back(std::move(part));
  }
  return plan;
}

bool LoadRun::growTo(int total, std::string& why) {
  for (; rooms_ < total; ++rooms_) target_.openRoom(planRoom(rooms_));
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(options_.connectTimeoutSeconds * 1000));
  while (true) {
    int notConnected = 0;
    int silent = 0;
    int peers = 0;
    std::string firstFailure;
    loop_.call([&](MediaLoop& loop) {
      for (const auto& peer : loop.peers()) {
        ++peers;
        if (peer->state() != ClientPeer::State::Connected) {
          ++notConnected;
          if (firstFailure.empty() && peer->state() == ClientPeer::State::Failed)
            firstFailure = peer->name() + ": " + peer->failure();
        }
        silent += static_cast<int>(peer->silentStreams().size());
      }
    });
    const int expectedPeers = rooms_ * options_.participants * target_.peersPerParticipant();
    if (peers >= expectedPeers && notConnected == 0 && silent == 0) return true;
    if (std::chrono::steady_clock::now() > deadline) {
      why = std::to_string(notConnected) + " of " + std::to_string(expectedPeers) + " peers not connected, " +
            std::to_string(silent) + " expected streams silent";
      if (!firstFailure.empty()) why += "; first failure: " + firstFailure;
      const auto errors = target_.errors();
      if (!errors.empty()) why += "; signaling: " + errors.front();
      return false;
    }
    sleepSeconds(0.1);
  }
}

StepResult LoadRun::measure() {
  sleepSeconds(options_.warmupSeconds);
  StepResult r;
  r.rooms = rooms_;
  const auto self0 = ProcessStats::read(static_cast<int>(getpid()));
  const ProcessStats server0 = readServer();
  const std::vector<WorkerSample> workers0 = target_.workers();
  // The window's edges are read on the media thread: a packet sent between a start read here and the reset
  // there would be stamped inside the window without being counted as sent.
  int64_t start = 0;
  int64_t end = 0;
  loop_.call([&](MediaLoop& loop) {
    start = steadyNowNs();
    end = start + static_cast<int64_t>(options_.windowSeconds * 1e9);
    loop.window().reset(start, end);
  });
  sleepSeconds(options_.windowSeconds);
  const auto self1 = ProcessStats::read(static_cast<int>(getpid()));
  const ProcessStats server1 = readServer();
  const std::vector<WorkerSample> workers1 = target_.workers();
  // Packets stamped just before the end are still in flight; they count if they arrive within the drain.
  sleepSeconds(0.3);
  WindowStats w;
  double jitterSum = 0;
  loop_.call([&](MediaLoop& loop) {
    w = loop.window();
    loop.window().reset(0, 0);
    for (const auto& peer : loop.peers()) {
      ++r.peers;
      jitterSum += peer->meanJitterMs();
      r.silentStreams += peer->silentStreams().size();
    }
  });
  r.seconds = static_cast<double>(end - start) / 1e9;
  const int n = options_.participants;
  r.forwardedStreams =
      static_cast<uint64_t>(rooms_) * static_cast<uint64_t>(n) * 2u * static_cast<uint64_t>(n - 1);
  r.sent = w.sent;
  r.expected = w.expected;
  r.received = w.received;
  r.lossPercent = w.expected ? 100.0 * static_cast<double>(w.expected - std::min(w.expected, w.received)) /
                                   static_cast<double>(w.expected)
                             : 0;
  r.videoLossPercent =
      w.videoExpected
          ? 100.0 * static_cast<double>(w.videoExpected - std::min(w.videoExpected, w.videoReceived)) /
                static_cast<double>(w.videoExpected)
          : 0;
  r.p50Ms = w.latency.quantileMs(0.5);
  r.p99Ms = w.latency.quantileMs(0.99);
  r.maxMs = w.latency.maxMs();
  r.jitterMs = r.peers ? jitterSum / r.peers : 0;
  r.ppsIn = static_cast<double>(w.sent) / r.seconds;
  r.ppsOut = static_cast<double>(w.received) / r.seconds;
  r.mbitsOut = static_cast<double>(w.receivedBytes) * 8 / r.seconds / 1e6;
  r.misrouted = w.misrouted;
  r.reordered = w.reordered;
  if (self0 && self1) r.loadgenCores = (self1->cpuSeconds - self0->cpuSeconds) / r.seconds;
  if (server0.valid && server1.valid) {
    r.serverCpuSeconds = server1.cpuSeconds - server0.cpuSeconds;
    r.serverCores = r.serverCpuSeconds / r.seconds;
    r.recorderCores = (server1.recorderCpuSeconds - server0.recorderCpuSeconds) / r.seconds;
    if (w.received) r.cpuPerPacketUs = r.serverCpuSeconds * 1e6 / static_cast<double>(w.received);
    if (r.serverCores > 0) r.streamsPerCore = static_cast<double>(r.forwardedStreams) / r.serverCores;
    r.serverRssBytes = server1.rssBytes;
    r.serverPeakRssBytes = server1.peakRssBytes;
    r.serverFds = server1.openFds;
    if (baseline_ && rooms_ > 0) {
      r.memoryPerRoomBytes =
          (static_cast<double>(server1.rssBytes) - static_cast<double>(baseline_->rssBytes)) / rooms_;
    }
  }
  if (workers0.size() == workers1.size()) {
    uint64_t total = 0;
    for (size_t i = 0; i < workers1.size(); ++i)
      total += workers1[i].datagramsSent - workers0[i].datagramsSent;
    for (size_t i = 0; i < workers1.size(); ++i) {
      r.roomsPerWorker.push_back(workers1[i].rooms);
      const uint64_t sent = workers1[i].datagramsSent - workers0[i].datagramsSent;
      r.workerPacketShare.push_back(total ? 100.0 * static_cast<double>(sent) / static_cast<double>(total)
                                          : 0);
    }
  }
  r.withinThresholds = r.lossPercent < options_.lossThresholdPercent && r.p99Ms < options_.p99ThresholdMs &&
                       r.misrouted == 0 && r.silentStreams == 0 && r.received > 0;
  return r;
}

std::string LoadRun::describe(const StepResult& r) {
  char line[512];
  std::snprintf(
      line, sizeof line,
      "rooms %4d  streams %5llu  in %7.0f pps  out %7.0f pps (%6.1f Mbit/s)  loss %6.3f%% (video %6.3f%%)  "
      "latency p50 %6.3f p99 %6.3f max %7.3f ms  jitter %5.3f ms  server %5.3f cores, %6.2f us/pkt, "
      "rss %6.1f MiB (%5.0f KiB/room) fds %d  loadgen %4.2f cores%s",
      r.rooms, static_cast<unsigned long long>(r.forwardedStreams), r.ppsIn, r.ppsOut, r.mbitsOut,
      r.lossPercent, r.videoLossPercent, r.p50Ms, r.p99Ms, r.maxMs, r.jitterMs, r.serverCores,
      r.cpuPerPacketUs, static_cast<double>(r.serverRssBytes) / 1048576.0, r.memoryPerRoomBytes / 1024.0,
      r.serverFds, r.loadgenCores, r.withinThresholds ? "" : "  [over threshold]");
  std::string out = line;
  if (r.roomsPerWorker.size() > 1) {
    out += "\n           media workers (rooms, share of packets):";
    for (size_t i = 0; i < r.roomsPerWorker.size(); ++i) {
      char worker[64];
      std::snprintf(worker, sizeof worker, "  #%zu %llu rooms %.0f%%", i,
                    static_cast<unsigned long long>(r.roomsPerWorker[i]), r.workerPacketShare[i]);
      out += worker;
    }
  }
  return out;
}

}  // namespace rooms::loadgen
