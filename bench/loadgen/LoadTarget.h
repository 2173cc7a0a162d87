#pragma once
// A media server under load: roomsd (RoomsTarget) or Janus's VideoRoom (JanusTarget). The run decides what
// each room carries (RoomPlan); a target does its server's signaling and puts the resulting ClientPeers into
// the MediaLoop. The peers then carry the same streams whichever server forwards them.
#include <cstdint>
#include <string>
#include <vector>

#include "SyntheticStream.h"

namespace rooms::loadgen {

// A stream a participant receives: loss recovery differs by kind (video is NACKed, audio is not).
struct ExpectedStream {
  uint32_t streamId = 0;
  StreamKind kind = StreamKind::Audio;
};

struct ParticipantPlan {
  std::string role;  // coach, client (roomsd's seats); Janus takes any display name
  StreamSpec audio;
  StreamSpec video;
  std::vector<ExpectedStream> receives;  // everyone else's streams
};

// One of the server's media workers (roomsd's ROOMS_MEDIA_WORKERS), as its /metrics reports it.
struct WorkerSample {
  uint64_t rooms = 0;
  uint64_t datagramsSent = 0;  // since the server started
};

struct RoomPlan {
  int index = 0;
  std::vector<ParticipantPlan> participants;
};

class LoadTarget {
 public:
  virtual ~LoadTarget() = default;
  virtual const char* name() const = 0;
  // Peer connections per participant: one where the server bundles sending and receiving.
  virtual int peersPerParticipant() const { return 1; }
  // Creates the room on the server and starts signaling for its participants; their peers join the
  // MediaLoop when the server has answered. Throws std::runtime_error when the server refuses.
  virtual void openRoom(const RoomPlan& plan) = 0;
  // Signaling errors since the start (a refused offer, a closed socket), for the report.
  virtual std::vector<std::string> errors() = 0;
  // Ends every room it opened.
  virtual void closeAll() = 0;
  // The server's media workers, by index; empty when the server does not say (Janus).
  virtual std::vector<WorkerSample> workers() { return {}; }
};

}  // namespace rooms::loadgen
