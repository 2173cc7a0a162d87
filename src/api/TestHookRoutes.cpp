// POST /_test/rooms/{roomId}/presence: drives the presence interface the media plane uses, so the
// control plane's lifecycle can be tested end to end over HTTP. Registered only with --enable-test-hooks.
#include "api/ApiError.h"
#include "api/JsonBody.h"
#include "api/Routes.h"
#include "ai/SessionIntelligence.h"
#include "core/Clock.h"

namespace rooms {
namespace http = boost::beast::http;

void registerTestHookRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::post, "/_test/rooms/:roomId/presence", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto body = parseJsonBody(req);
    rejectUnknownFields(body, {"role", "action", "connectionId", "reason"}, "");
    std::string role = requireString(body, "role", "", 16);
    std::string action = requireString(body, "action", "", 16);
    std::string connection = requireString(body, "connectionId", "", 128);
    PresenceResult r;
    if (action == "connect") {
      r = ctx.rooms.participantConnected(room->id(), role, connection);
    } else if (action == "disconnect") {
      std::string reason = body.contains("reason") ? requireString(body, "reason", "", 64) : "left";
      r = ctx.rooms.participantDisconnected(room->id(), role, connection, reason);
    } else {
      throw ApiError(400, "invalid_field", "action must be connect or disconnect");
    }
    if (r != PresenceResult::Ok)
      throw ApiError(409, toString(r), std::string("presence refused: ") + toString(r));
    return jsonResponse(200, nlohmann::json{{"success", true}}.dump());
  });

  // A sentence as if the speech pipeline had recognised it: stored, sent as a transcript event and a caption,
  // heard by the orb. For tests of the summary and the orb without browsers.
  router.add(http::verb::post, "/_test/rooms/:roomId/transcript", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto body = parseJsonBody(req);
    rejectUnknownFields(body, {"role", "text", "startMs", "durationMs"}, "");
    std::string role = requireString(body, "role", "", 16);
    if (role != "coach" && role != "client" && role != "aiOrb")
      throw ApiError(400, "invalid_field", "role must be coach, client or aiOrb");
    std::string text = requireString(body, "text", "", 4000);
    const auto number = [&](const char* key, int64_t fallback) {
      if (!body.contains(key)) return fallback;
      if (!body[key].is_number_integer()) throw ApiError(400, "invalid_field", std::string(key) + " must be an integer");
      return body[key].get<int64_t>();
    };
    const int64_t duration = number("durationMs", 2000);
    const int64_t start = number("startMs", nowMs() - duration);
    if (!ctx.intelligence) throw ApiError(409, "not_available", "session intelligence is not running");
    ctx.intelligence->injectTranscript(room->id(), role, text, start, start + duration);
    return jsonResponse(200, nlohmann::json{{"success", true}}.dump());
  });
}

}  // namespace rooms
