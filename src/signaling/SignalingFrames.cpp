#include "signaling/SignalingFrames.h"

namespace rooms::signaling {

using ojson = nlohmann::ordered_json;

void sendFrame(SignalingPeer& peer, std::string_view type, const ojson& data) {
  if (!peer.channel) {
    return;
  }
  ojson frame{{"type", type}, {"data", data}};
  peer.channel->send(frame.dump());
}

void broadcastFrame(SignalingRoom& room, const std::string& exceptRole, std::string_view type,
                    const ojson& data) {
  for (auto& [role, seat] : room.seats) {
    if (role != exceptRole && seat.peer) {
      sendFrame(*seat.peer, type, data);
    }
  }
}

ojson seatJson(const Seat& seat) {
  return {{"participantId", seat.userId},
          {"role", seat.role},
          {"name", seat.name},
          {"connected", seat.connected()},
          {"audioMuted", seat.audioMuted},
          {"videoMuted", seat.videoMuted},
          {"screenSharing", seat.screenSharing}};
}

ojson receiveCounts(const SignalingRoom& room, const std::string& role) {
  int audio = 0;
  int video = 0;
  for (const auto& t : room.tracksFor(role)) {
    (t.kind == rtc::MediaKind::Audio ? audio : video)++;
  }
  return {{"audio", audio}, {"video", video}};
}

}  // namespace rooms::signaling
