#pragma once
// The one check every participant entry point makes (POST /room/{id}/join, the room page's signaling
// socket): the token verifies for this room, names the room's user for that role and the room's session,
// and the room has not ended. Throws ApiError with the status and code the caller answers with.
#include <memory>
#include <string>

#include "api/ApiContext.h"
#include "api/ParticipantToken.h"
#include "rooms/Room.h"

namespace rooms {

struct VerifiedParticipant {
  ParticipantClaims claims;
  std::shared_ptr<const Room> room;
};

VerifiedParticipant verifyParticipant(ApiContext& ctx, const std::string& roomId, const std::string& token);

}  // namespace rooms
