#include "api/ParticipantAccess.h"

#include "api/ApiError.h"
#include "core/Clock.h"

namespace rooms {

VerifiedParticipant verifyParticipant(ApiContext& ctx, const std::string& roomId, const std::string& token) {
  auto room = ctx.rooms.find(roomId);
  if (!room) throw ApiError(404, "room_not_found", "no room " + roomId);
  auto result = ctx.tokens.verify(token, room->id(), nowMs() / 1000);
  if (!result.ok()) {
    // A token for another room is genuine but not for here: 403. Everything else fails authentication.
    unsigned status = result.error == TokenError::WrongRoom ? 403 : 401;
    throw ApiError(status, tokenErrorCode(result.error), tokenErrorMessage(result.error));
  }
  const auto& claims = *result.claims;
  const Participant* seat = room->seat(claims.role);
  if (!seat || seat->id() != claims.userId) {
    throw ApiError(403, "not_a_participant", "this token's user is not the room's " + claims.role);
  }
  if (!claims.sessionId.empty() && claims.sessionId != room->sessionId()) {
    throw ApiError(403, "token_wrong_session", "this token is for another session of the room");
  }
  if (room->state() == RoomState::Ended) throw ApiError(410, "room_ended", "this session has ended");
  return {claims, room};
}

}  // namespace rooms
