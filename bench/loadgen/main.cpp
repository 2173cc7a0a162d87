// rooms-loadgen: WebRTC load for roomsd (or Janus's VideoRoom), from the client side, with the project's
// own ICE/DTLS/SRTP code. See bench/README.md for what it measures and how `make bench` uses it.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "JanusTarget.h"
#include "LoadRun.h"
#include "MediaLoop.h"
#include "RoomsTarget.h"
#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/srtp/SrtpSession.h"

using namespace rooms::loadgen;
using json = nlohmann::json;

namespace {

json toJson(const StepResult& r) {
  return {{"rooms", r.rooms},
          {"peers", r.peers},
          {"forwardedStreams", r.forwardedStreams},
          {"seconds", r.seconds},
          {"sent", r.sent},
          {"expected", r.expected},
          {"received", r.received},
          {"lossPercent", r.lossPercent},
          {"videoLossPercent", r.videoLossPercent},
          {"latencyP50Ms", r.p50Ms},
          {"latencyP99Ms", r.p99Ms},
          {"latencyMaxMs", r.maxMs},
          {"jitterMs", r.jitterMs},
          {"ppsIn", r.ppsIn},
          {"ppsOut", r.ppsOut},
          {"mbitsOut", r.mbitsOut},
          {"misrouted", r.misrouted},
          {"reordered", r.reordered},
          {"silentStreams", r.silentStreams},
          {"serverCpuSeconds", r.serverCpuSeconds},
          {"serverCores", r.serverCores},
          {"cpuPerPacketUs", r.cpuPerPacketUs},
          {"recorderCores", r.recorderCores},
          {"streamsPerCore", r.streamsPerCore},
          {"loadgenCores", r.loadgenCores},
          {"serverRssBytes", r.serverRssBytes},
          {"serverPeakRssBytes", r.serverPeakRssBytes},
          {"memoryPerRoomBytes", r.memoryPerRoomBytes},
          {"serverFds", r.serverFds},
          {"workers", r.roomsPerWorker.size()},
          {"roomsPerWorker", r.roomsPerWorker},
          {"workerPacketShare", r.workerPacketShare},
          {"withinThresholds", r.withinThresholds}};
}

const char* envOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rooms-loadgen: WebRTC load from the client side, for roomsd or Janus"};
  std::string target = "rooms";
  std::string host = "127.0.0.1";
  uint16_t port = 3001;
  std::string apiKey = envOr("ROOM_SERVICE_API_KEY", "");
  std::string jwtSecret = envOr("JWT_SIGNING_SECRET", "");
  std::string janusUrl = "http://127.0.0.1:8088/janus";
  std::string bindIp = "127.0.0.1";
  int rooms = 2;
  int rampStep = 0;
  int maxRooms = 1000;
  double soakMinutes = 0;
  double reportSeconds = 60;
  int windows = 1;
  bool expectZeroLoss = false;
  std::string jsonPath;
  bool orb = false;
  bool recording = false;
  RunOptions run;
  ImpairmentSpec impairment;
  app.add_option("--target", target, "rooms | janus")->check(CLI::IsMember({"rooms", "janus"}));
  app.add_option("--host", host, "roomsd API address");
  app.add_option("--port", port, "roomsd API port");
  app.add_option("--api-key", apiKey, "ROOM_SERVICE_API_KEY of roomsd (default: the environment's)");
  app.add_option("--jwt-secret", jwtSecret, "JWT_SIGNING_SECRET of roomsd (default: the environment's)");
  app.add_option("--janus-url", janusUrl, "Janus HTTP transport endpoint");
  app.add_option("--bind", bindIp,
                 "local address of the peers' sockets (loopback only, by the network rule)");
  app.add_option("--rooms", rooms, "rooms to open (the first step of a ramp)")->check(CLI::Range(1, 100000));
  app.add_option("--participants", run.participants, "participants per room")->check(CLI::Range(2, 3));
  app.add_option("--video-bitrate", run.videoBitrate, "bit/s of each camera stream");
  app.add_option("--server-pid", run.serverPid, "pid of the server, for its CPU and memory from /proc");
  app.add_option("--warmup", run.warmupSeconds, "seconds before each measurement window");
  app.add_option("--window", run.windowSeconds, "seconds of each measurement window");
  app.add_option(
         "--windows", windows,
         "without a ramp: measure this many windows back to back at the fixed load (the median is the "
         "steadier figure on a shared machine)")
      ->check(CLI::Range(1, 100));
  app.add_option("--ramp-step", rampStep, "add this many rooms per step until a threshold is crossed");
  app.add_option("--max-rooms", maxRooms, "stop the ramp here");
  app.add_option("--loss-threshold", run.lossThresholdPercent, "percent");
  app.add_option("--p99-threshold", run.p99ThresholdMs, "milliseconds of added latency (p99)");
  app.add_option("--connect-timeout", run.connectTimeoutSeconds, "seconds for a step's peers to connect");
  app.add_option("--soak", soakMinutes, "run the fixed load this many minutes, one report per --report");
  app.add_option("--report", reportSeconds, "seconds per soak report");
  app.add_flag("--expect-zero-loss", expectZeroLoss,
               "exit 1 unless every packet of the window reached every subscriber, and nothing else did");
  app.add_flag("--recording", recording,
               "roomsd: every room records (features.recording), every track to a file");
  app.add_flag("--orb", orb, "roomsd: the AI Orb joins every room as its third party (a silent listener)");
  app.add_option("--send-loss", impairment.sendLossPercent,
                 "percent of what each peer sends that its link loses (random); the peers answer NACKs")
      ->check(CLI::Range(0.0, 50.0));
  app.add_option("--receive-loss", impairment.receiveLossPercent,
                 "percent of the RTP each peer receives that its link loses (random); the peers NACK video")
      ->check(CLI::Range(0.0, 50.0));
  app.add_option("--loss-seed", impairment.seed, "seed of the peers' random loss");
  app.add_option("--json", jsonPath, "write the steps as JSON here");
  size_t expectWorkers = 0;
  app.add_option("--expect-workers", expectWorkers,
                 "roomsd: exit 2 unless the server runs this many media workers (ROOMS_MEDIA_WORKERS)");
  CLI11_PARSE(app, argc, argv);

  if (bindIp != "127.0.0.1" && bindIp.rfind("127.", 0) != 0) {
    std::cerr << "rooms-loadgen sends only to loopback: --bind must be a 127.x address\n";
    return 2;
  }
  rooms::srtp::SrtpSession::initLibrary();
  const auto certificate = rooms::dtls::DtlsCertificate::generate();
  MediaLoop loop;
  loop.setImpairment(impairment);
  loop.start();
  std::unique_ptr<LoadTarget> server;
  if (target == "rooms") {
    if (apiKey.empty() || jwtSecret.empty()) {
      std::cerr << "--target rooms needs --api-key and --jwt-secret (or ROOM_SERVICE_API_KEY, "
                   "JWT_SIGNING_SECRET)\n";
      return 2;
    }
    server = std::make_unique<RoomsTarget>(
        RoomsTarget::Options{host, port, apiKey, jwtSecret, bindIp, orb, recording}, loop, certificate);
  } else {
    server = std::make_unique<JanusTarget>(JanusTarget::Options{janusUrl, bindIp}, loop, certificate);
  }

  // A figure labelled "2 workers" must come from a server that runs two: the count is read from its /metrics.
  if (expectWorkers > 0) {
    const size_t running = server->workers().size();
    if (running != expectWorkers) {
      std::cerr << "the server runs " << running << " media workers, not the " << expectWorkers
                << " that --expect-workers asks for\n";
      return 2;
    }
  }
  if (soakMinutes > 0) run.windowSeconds = reportSeconds;
  LoadRun loadRun(run, *server, loop);
  loadRun.baseline();
  json steps = json::array();
  std::optional<StepResult> capacity;
  int exitCode = 0;
  std::printf("rooms-loadgen: %s, %d participants/room, video %u bit/s + Opus audio, window %.0f s\n",
              server->name(), run.participants, run.videoBitrate, run.windowSeconds);
  if (impairment.any()) {
    std::printf(
        "impaired links: every peer loses %.2f%% of what it sends and %.2f%% of the RTP it receives\n",
        impairment.sendLossPercent, impairment.receiveLossPercent);
  }
  std::fflush(stdout);
  try {
    int total = rooms;
    const auto soakEnd = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(static_cast<int64_t>(soakMinutes * 60000));
    int windowsLeft = windows;
    bool confirming = false;
    while (true) {
      std::string why;
      if (!loadRun.growTo(total, why)) {
        std::printf("rooms %4d  did not connect: %s\n", total, why.c_str());
        steps.push_back({{"rooms", total}, {"connectFailure", why}});
        if (rampStep == 0) exitCode = 1;
        break;
      }
      const StepResult r = loadRun.measure();
      std::printf("%s\n", LoadRun::describe(r).c_str());
      std::fflush(stdout);
      steps.push_back(toJson(r));
      if (r.withinThresholds) capacity = r;
      if (expectZeroLoss && (r.received != r.expected || r.misrouted || r.silentStreams || r.received == 0)) {
        std::printf(
            "FAIL: expected %llu packets at subscribers, got %llu; %llu misrouted, %llu silent streams\n",
            static_cast<unsigned long long>(r.expected), static_cast<unsigned long long>(r.received),
            static_cast<unsigned long long>(r.misrouted), static_cast<unsigned long long>(r.silentStreams));
        exitCode = 1;
      }
      if (soakMinutes > 0) {
        if (std::chrono::steady_clock::now() >= soakEnd) break;
        continue;
      }
      if (rampStep <= 0) {
        if (--windowsLeft > 0) continue;
        break;
      }
      // A step over a threshold is measured once more before the ramp stops there: on a machine the load
      // generator shares with the server, one window's p99 can be a scheduling hiccup rather than the limit.
      if (!r.withinThresholds && !confirming) {
        confirming = true;
        std::printf("rooms %4d  over a threshold: measuring the step once more\n", total);
        std::fflush(stdout);
        continue;
      }
      confirming = false;
      if (!r.withinThresholds || total + rampStep > maxRooms) break;
      total += rampStep;
    }
  } catch (const std::exception& e) {
    std::printf("error: %s\n", e.what());
    exitCode = 1;
  }
  const auto errors = server->errors();
  for (size_t i = 0; i < errors.size() && i < 5; ++i) std::printf("signaling error: %s\n", errors[i].c_str());
  TotalStats totals;
  loop.call([&](MediaLoop& l) { totals = l.totals(); });
  std::printf(
      "totals: %llu packets sent, %llu received, %llu key frame requests, %llu SRTP errors, "
      "%llu send errors\n",
      static_cast<unsigned long long>(totals.packetsSent),
      static_cast<unsigned long long>(totals.packetsReceived),
      static_cast<unsigned long long>(totals.keyFrameRequests),
      static_cast<unsigned long long>(totals.srtpErrors), static_cast<unsigned long long>(totals.sendErrors));
  if (impairment.any()) {
    std::printf(
        "recovery: %llu lost on the way out, %llu on the way in; %llu NACKed by the peers, %llu by the "
        "server "
        "(%llu answered), %llu key frame requests after a give-up\n",
        static_cast<unsigned long long>(totals.droppedSent),
        static_cast<unsigned long long>(totals.droppedReceived),
        static_cast<unsigned long long>(totals.nacksSent),
        static_cast<unsigned long long>(totals.nacksReceived),
        static_cast<unsigned long long>(totals.retransmissionsSent),
        static_cast<unsigned long long>(totals.keyFrameRequestsSent));
  }
  if (rampStep > 0) {
    if (capacity) {
      std::printf("capacity: %d rooms, %llu forwarded streams (loss < %.2f%%, p99 < %.1f ms)\n",
                  capacity->rooms, static_cast<unsigned long long>(capacity->forwardedStreams),
                  run.lossThresholdPercent, run.p99ThresholdMs);
    } else {
      std::printf("capacity: not reached at the first step\n");
    }
  }
  server->closeAll();
  loop.stop();
  if (!jsonPath.empty()) {
    json out = {{"target", server->name()},
                {"orb", orb},
                {"recording", recording},
                {"participants", run.participants},
                {"videoBitrate", run.videoBitrate},
                {"sendLossPercent", impairment.sendLossPercent},
                {"receiveLossPercent", impairment.receiveLossPercent},
                {"recovery",
                 {{"droppedSent", totals.droppedSent},
                  {"droppedReceived", totals.droppedReceived},
                  {"nacksSent", totals.nacksSent},
                  {"nacksReceived", totals.nacksReceived},
                  {"retransmissionsSent", totals.retransmissionsSent},
                  {"keyFrameRequestsSent", totals.keyFrameRequestsSent}}},
                {"steps", steps},
                {"capacity", capacity ? toJson(*capacity) : json(nullptr)},
                {"signalingErrors", errors.size()}};
    std::ofstream(jsonPath) << out.dump(2) << "\n";
  }
  return exitCode;
}
