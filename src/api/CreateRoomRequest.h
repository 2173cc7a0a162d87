#pragma once
// POST /api/rooms/create: validates the body of the spec's section 1 and turns it into a Room draft.
#include <nlohmann/json.hpp>

#include "api/ParticipantToken.h"
#include "rooms/Room.h"

namespace rooms {

// Throws ApiError(400, ...) naming the first offending field. Participant tokens must be signed with
// JWT_SIGNING_SECRET and name this room, their seat's role and user id; their expiry is not checked here
// (rooms are created ahead of time), only when a participant joins.
Room parseCreateRoomRequest(const nlohmann::json& body, const ParticipantTokenVerifier& verifier,
                            int64_t now);

}  // namespace rooms
