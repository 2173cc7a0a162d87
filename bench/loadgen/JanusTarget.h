#pragma once
// Janus's VideoRoom plugin under the same load, through Janus's HTTP transport: per room one VideoRoom room;
// per participant a publisher peer connection (our offer, sending Opus and VP8) and a subscriber peer
// connection (Janus's multistream offer of everyone else's feeds, our answer). Janus needs two transports per
// participant where roomsd needs one; the streams forwarded are the same.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ClientSdp.h"
#include "JanusSession.h"
#include "LoadTarget.h"
#include "MediaLoop.h"
#include "rtc/dtls/DtlsCertificate.h"

namespace rooms::loadgen {

class JanusTarget : public LoadTarget {
 public:
  struct Options {
    std::string url = "http://127.0.0.1:8088/janus";
    std::string bindIp = "127.0.0.1";
  };

  JanusTarget(Options options, MediaLoop& loop, std::shared_ptr<const dtls::DtlsCertificate> certificate);
  ~JanusTarget() override;

  const char* name() const override { return "janus"; }
  int peersPerParticipant() const override { return 2; }
  void openRoom(const RoomPlan& plan) override;
  std::vector<std::string> errors() override;
  void closeAll() override;

 private:
  ClientPeer* addPeer(const std::string& name, OfferSpec& offer);
  void waitConnected(const std::vector<ClientPeer*>& peers);

  Options options_;
  MediaLoop& loop_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  std::unique_ptr<JanusSession> session_;
  uint64_t adminHandle_ = 0;
  std::vector<uint64_t> roomIds_;
  std::mutex mutex_;
  std::vector<std::string> errors_;
};

}  // namespace rooms::loadgen
