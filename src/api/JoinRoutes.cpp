// POST /room/{roomId}/join: where a participant's browser proves who it is with the JWT the main app minted.
// The room page and the signaling channel start from this answer.
#include <strings.h>

#include "api/ApiError.h"
#include "api/ParticipantAccess.h"
#include "api/Routes.h"
#include "core/Clock.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

void registerJoinRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::post, "/room/:roomId/join", Auth::None, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    // The join link carries the token in the query; a page may also send it as a bearer token.
    std::string token(req.queryValue("token"));
    auto auth = req.header(http::field::authorization);
    if (token.empty() && auth.size() > 7 && strncasecmp(auth.data(), "Bearer ", 7) == 0) {
      token = std::string(auth.substr(7));
    }
    const auto verified = verifyParticipant(ctx, room->id(), token);
    const auto& claims = verified.claims;
    ojson perms = ojson::array();
    for (const auto& p : claims.permissions) perms.push_back(p);
    return jsonResponse(200, ojson{{"roomId", room->id()},
                                   {"sessionId", room->sessionId()},
                                   {"participant",
                                    {{"userId", claims.userId},
                                     {"role", claims.role},
                                     {"name", claims.name},
                                     {"permissions", perms}}},
                                   {"room",
                                    {{"status", std::string(publicStatus(room->state()))},
                                     {"scheduledStartTime", formatIso8601(room->config().scheduledStartMs)},
                                     {"aiOrb", room->config().aiOrb.enabled},
                                     {"transcription", room->config().features.transcription}}},
                                   {"tokenExpiresAt", formatIso8601(claims.exp * 1000)}}
                                 .dump());
  });
}

}  // namespace rooms
