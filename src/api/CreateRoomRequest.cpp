#include "api/CreateRoomRequest.h"

#include "api/ApiError.h"
#include "api/JsonBody.h"
#include "core/Clock.h"
#include "core/Ids.h"

namespace rooms {
namespace {

struct Seat {
  std::string id;
  std::string token;
};

Seat parseSeat(const nlohmann::json& participants, const char* role, const std::string& roomId,
               const std::string& sessionId, const ParticipantTokenVerifier& verifier, int64_t now) {
  std::string path = std::string("participants.") + role;
  const auto& seat = requireField(participants, role, "participants");
  if (!seat.is_object()) throw ApiError(400, "invalid_field", path + " must be an object");
  rejectUnknownFields(seat, {"id", "token"}, path);
  Seat s;
  s.id = requireString(seat, "id", path, 128);
  if (!isSafeId(s.id)) {
    throw ApiError(400, "invalid_field", path + ".id may only contain letters, digits and . _ : @ -");
  }
  s.token = requireString(seat, "token", path, 8192);
  auto result = verifier.verify(s.token, roomId, now / 1000, /*checkExpiry=*/false);
  if (!result.ok()) {
    throw ApiError(
        400, "invalid_participant_token",
        path + ".token: " + tokenErrorMessage(result.error) + " (" + tokenErrorCode(result.error) + ")");
  }
  const auto& claims = *result.claims;
  if (claims.role != role) {
    throw ApiError(400, "invalid_participant_token",
                   path + ".token has role \"" + claims.role + "\", expected \"" + role + "\"");
  }
  if (claims.userId != s.id) {
    throw ApiError(
        400, "invalid_participant_token",
        path + ".token is for userId \"" + claims.userId + "\", not " + path + ".id \"" + s.id + "\"");
  }
  if (!claims.sessionId.empty() && claims.sessionId != sessionId) {
    throw ApiError(400, "invalid_participant_token", path + ".token names another sessionId");
  }
  return s;
}

}  // namespace

Room parseCreateRoomRequest(const nlohmann::json& body, const ParticipantTokenVerifier& verifier,
                            int64_t now) {
  rejectUnknownFields(body, {"roomId", "sessionId", "participants", "config"}, "");
  std::string roomId = requireString(body, "roomId", "", 64);
  if (!isUuid(roomId)) throw ApiError(400, "invalid_field", "roomId must be a UUID");
  std::string sessionId = requireString(body, "sessionId", "", 64);
  if (!isUuid(sessionId)) throw ApiError(400, "invalid_field", "sessionId must be a UUID");

  const auto& participants = requireField(body, "participants", "");
  if (!participants.is_object()) throw ApiError(400, "invalid_field", "participants must be an object");
  rejectUnknownFields(participants, {"coach", "client", "aiOrb"}, "participants");
  Seat coach = parseSeat(participants, "coach", roomId, sessionId, verifier, now);
  Seat client = parseSeat(participants, "client", roomId, sessionId, verifier, now);
  if (coach.id == client.id)
    throw ApiError(400, "invalid_field", "participants.coach.id and client.id must differ");

  RoomConfig config;
  try {
    if (auto it = participants.find("aiOrb"); it != participants.end() && !it->is_null()) {
      config.mergeAiOrb(*it, "participants.aiOrb");
    }
    const auto& cfg = requireField(body, "config", "");
    if (!cfg.is_object()) throw ApiError(400, "invalid_field", "config must be an object");
    rejectUnknownFields(cfg, {"scheduledStartTime", "maxDuration", "features"}, "config");
    auto start = parseIso8601(requireString(cfg, "scheduledStartTime", "config", 64));
    if (!start) {
      throw ApiError(400, "invalid_field",
                     "config.scheduledStartTime must be an ISO 8601 date-time with a time zone, e.g. "
                     "2025-06-30T15:00:00Z");
    }
    config.scheduledStartMs = *start;
    const auto& dur = requireField(cfg, "maxDuration", "config");
    if (!dur.is_number_integer() || dur.get<int64_t>() < RoomConfig::kMinDuration ||
        dur.get<int64_t>() > RoomConfig::kMaxDuration) {
      throw ApiError(400, "invalid_field",
                     "config.maxDuration must be an integer number of seconds from 60 to 86400");
    }
    config.maxDurationSeconds = dur.get<int64_t>();
    if (auto it = cfg.find("features"); it != cfg.end() && !it->is_null()) {
      config.mergeFeatures(*it, "config.features");
    }
  } catch (const ValidationError& e) {
    throw ApiError(400, "invalid_field", e.what());
  }

  nlohmann::json tokens = {{"coach", coach.token}, {"client", client.token}};
  // nlohmann::json keeps object keys sorted, so the dump is a canonical form: equal requests compare equal
  // whatever their key order.
  return Room(roomId, sessionId, config, coach.id, client.id, body.dump(), tokens, now);
}

}  // namespace rooms
