#include "signaling/SignalingRoom.h"

namespace rooms::signaling {

std::vector<RemoteTrack> SignalingRoom::tracks() const {
  std::vector<RemoteTrack> out;
  for (const auto& [role, seat] : seats) {
    if (seat.server) out.insert(out.end(), seat.serverTracks.begin(), seat.serverTracks.end());
    if (!seat.peer) continue;
    for (const auto& pub : seat.peer->publications) {
      RemoteTrack t;
      t.trackId = pub.producer.trackId;
      t.kind = pub.producer.kind;
      t.source = pub.source;
      t.codec = pub.codec;
      t.clockRate = pub.producer.clockRate;
      t.participantId = seat.userId;
      t.role = role;
      t.name = seat.name;
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::vector<RemoteTrack> SignalingRoom::tracksFor(const std::string& role) const {
  auto all = tracks();
  std::erase_if(all, [&](const RemoteTrack& t) { return t.role == role; });
  return all;
}

std::shared_ptr<SignalingPeer> SignalingRoom::peerByConnection(const std::string& connectionId) const {
  for (const auto& [role, seat] : seats) {
    if (seat.peer && seat.peer->connectionId == connectionId) return seat.peer;
  }
  return nullptr;
}

}  // namespace rooms::signaling
