// Removing a coach or client from a room and letting them back (docs/api.md "Removing a participant"). The
// orb has no token to refuse: it is switched off with PATCH /config instead.
#include "api/ApiError.h"
#include "api/JsonBody.h"
#include "api/Routes.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

namespace {

// The reason is shown on the removed person's page, so it is short text without control characters.
constexpr size_t kMaxReasonChars = 200;

std::string requireHumanRole(const ApiRequest& req) {
  std::string role(req.param("role"));
  if (role == "aiOrb") {
    throw ApiError(400, "invalid_role",
                   "the AI Orb cannot be removed; switch it off with PATCH /api/rooms/{roomId}/config "
                   "{\"aiOrb\": {\"enabled\": false}}");
  }
  if (role != "coach" && role != "client")
    throw ApiError(400, "invalid_role", "role must be coach or client");
  return role;
}

std::string optionalReason(const nlohmann::json& body) {
  auto it = body.find("reason");
  if (it == body.end() || it->is_null()) return "";
  if (!it->is_string()) throw ApiError(400, "invalid_field", "reason must be a string");
  const auto& reason = it->get_ref<const std::string&>();
  size_t chars = 0;
  for (unsigned char c : reason) {
    if (c < 0x20 || c == 0x7f)
      throw ApiError(400, "invalid_field", "reason must not contain control characters");
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 characters, not bytes
  }
  if (chars > kMaxReasonChars) {
    throw ApiError(400, "invalid_field",
                   "reason may be at most " + std::to_string(kMaxReasonChars) + " characters");
  }
  return reason;
}

void throwRoomError(RoomError error, const std::string& message) {
  if (error == RoomError::NotFound) throw ApiError(404, "room_not_found", message);
  if (error == RoomError::Ended) throw ApiError(409, "room_ended", "the room has ended");
  if (error == RoomError::Invalid) throw ApiError(400, "invalid_role", message);
}

}  // namespace

void registerParticipantRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::post, "/api/rooms/:roomId/participants/:role/remove", Auth::ApiKey,
             [&ctx](ApiRequest& req) {
               auto room = requireRoom(ctx, req);
               const std::string role = requireHumanRole(req);
               auto body = parseJsonBody(req, /*allowEmpty=*/true);
               rejectUnknownFields(body, {"reason", "allowRejoin"}, "");
               const std::string reason = optionalReason(body);
               bool allowRejoin = false;
               if (auto it = body.find("allowRejoin"); it != body.end() && !it->is_null()) {
                 if (!it->is_boolean()) throw ApiError(400, "invalid_field", "allowRejoin must be a boolean");
                 allowRejoin = it->get<bool>();
               }
               auto result = ctx.rooms.removeParticipant(room->id(), role, reason, allowRejoin);
               throwRoomError(result.error, result.message);
               return jsonResponse(200, ojson{{"roomId", room->id()},
                                              {"role", role},
                                              {"participantId", result.room->seat(role)->id()},
                                              {"removed", true},
                                              {"wasConnected", result.wasConnected},
                                              {"allowRejoin", allowRejoin},
                                              {"reason", reason}});
             });

  router.add(http::verb::post, "/api/rooms/:roomId/participants/:role/readmit", Auth::ApiKey,
             [&ctx](ApiRequest& req) {
               auto room = requireRoom(ctx, req);
               const std::string role = requireHumanRole(req);
               rejectUnknownFields(parseJsonBody(req, /*allowEmpty=*/true), {}, "");
               auto result = ctx.rooms.readmitParticipant(room->id(), role);
               throwRoomError(result.error, result.message);
               return jsonResponse(200, ojson{{"roomId", room->id()},
                                              {"role", role},
                                              {"participantId", result.room->seat(role)->id()},
                                              {"removed", false}});
             });
}

}  // namespace rooms
