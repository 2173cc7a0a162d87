#pragma once
// roomsd under load, driven as the main app and the room page drive it: rooms created through the REST API
// with participant JWTs signed by JWT_SIGNING_SECRET, each participant one peer connection that publishes
// its microphone and camera and receives everyone else's over the signaling WebSocket.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "HttpJson.h"
#include "LoadTarget.h"
#include "MediaLoop.h"
#include "RoomsSignalingSession.h"
#include "rtc/dtls/DtlsCertificate.h"

namespace rooms::loadgen {

class RoomsTarget : public LoadTarget {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 3001;
    std::string apiKey;
    std::string jwtSecret;
    std::string bindIp = "127.0.0.1";
    // The AI Orb joins each room as its third party (a silent listener: the rooms are created without
    // aiAssistance or transcription, so it hears and counts talk time but never speaks).
    bool orb = false;
    bool recording = false;  // features.recording on every room
  };

  RoomsTarget(Options options, MediaLoop& loop, std::shared_ptr<const dtls::DtlsCertificate> certificate);
  ~RoomsTarget() override;

  const char* name() const override { return "rooms"; }
  void openRoom(const RoomPlan& plan) override;
  std::vector<std::string> errors() override;
  void closeAll() override;
  std::vector<WorkerSample> workers() override;

 private:
  void addError(std::string error);
  std::string uuid();

  Options options_;
  MediaLoop& loop_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  HttpJson api_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> errors_;
  std::vector<std::string> roomIds_;
  std::vector<std::shared_ptr<RoomsSignalingSession>> sessions_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace rooms::loadgen
