#pragma once
// The frames signaling sends (docs/signaling.md): {"type", "data"} to one page or to a room's pages, and the
// shapes more than one frame shares (a seat as others see it, what a role can receive).
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "signaling/SignalingPeer.h"
#include "signaling/SignalingRoom.h"

namespace rooms::signaling {

void sendFrame(SignalingPeer& peer, std::string_view type, const nlohmann::ordered_json& data);
// To every connected page of the room but exceptRole's ("" for all).
void broadcastFrame(SignalingRoom& room, const std::string& exceptRole, std::string_view type,
                    const nlohmann::ordered_json& data);
// A seat as participant-joined, participant-updated and welcome show it.
nlohmann::ordered_json seatJson(const Seat& seat);
// {"audio": n, "video": m}: the tracks role could receive now, for its receiving sections.
nlohmann::ordered_json receiveCounts(const SignalingRoom& room, const std::string& role);

}  // namespace rooms::signaling
