#pragma once
// One signaling connection of one participant, and what its negotiations decided. A reload or a second tab
// makes a new SignalingPeer for the same seat; the seat (SignalingRoom::Seat) outlives them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtc/WebRtcTransport.h"
#include "signaling/Negotiator.h"
#include "signaling/SignalingChannel.h"

namespace rooms::signaling {

// Who the participant token says this is (verified by the API layer before the upgrade).
struct ParticipantIdentity {
  std::string roomId;
  std::string userId;
  std::string role;  // coach | client
  std::string name;
  Permissions permissions;
  std::vector<std::string> permissionNames;
};

struct SignalingPeer {
  std::string connectionId;  // also the media transport id
  ParticipantIdentity identity;
  std::shared_ptr<SignalingChannel> channel;
  std::string localUfrag;
  std::string localPwd;
  std::string remoteUfrag;
  uint64_t sessionId = 0;
  uint64_t sessionVersion = 0;
  uint32_t rtcpSsrc = 0;
  std::string cname;
  std::vector<Publication> publications;
  std::vector<Slot> slots;
  bool detached = false;  // replaced, left or closed: no longer the seat's connection
  rtc::WebRtcTransport::State transportState = rtc::WebRtcTransport::State::New;
};

}  // namespace rooms::signaling
