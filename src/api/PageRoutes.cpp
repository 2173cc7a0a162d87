// GET /room/{roomId}?token=...: the room page a participant's join link opens, and GET /web/... for its
// files. The page itself is public (it holds no data); the token it carries is checked by the signaling
// socket, whose close codes the page turns into readable screens (docs/signaling.md).
//
// The demo console (web/console/, docs/api.md "Demo console") when it is on (ROOMS_CONSOLE, default: only
// with --dev): GET / serves it, GET /console/bootstrap tells it how to authenticate (in development mode it
// hands the first API key to a browser on this machine's loopback; otherwise the operator pastes a key), and
// POST /api/console/rooms (API key) creates a room with participant tokens minted here from
// JWT_SIGNING_SECRET, since a browser must never hold that secret. All three answer 404 while it is off.
#include "api/ApiError.h"
#include "api/DemoRoom.h"
#include "api/JsonBody.h"
#include "api/Routes.h"
#include "core/Clock.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

namespace {

std::string frameAncestorsPolicy(const Config& config) {
  if (config.frameAncestors.empty()) {
    return config.consoleEnabled() ? "frame-ancestors 'self'" : "frame-ancestors 'none'";
  }
  std::string policy = "frame-ancestors 'self'";
  for (const auto& origin : config.frameAncestors) policy += " " + origin;
  return policy;
}

ApiResponse serve(const ApiContext& ctx, const std::string& path) {
  if (!ctx.web || ctx.web->size() == 0) {
    throw ApiError(
        503, "web_unavailable",
        "the room page's files were not found (ROOMS_WEB_DIR=" + (ctx.web ? ctx.web->dir() : "") + ")");
  }
  const WebAssets::Asset* asset = ctx.web->find(path);
  if (!asset) throw ApiError(404, "not_found", "no such file: /web/" + path);
  ApiResponse res;
  res.status = 200;
  res.body = asset->body;
  res.contentType = asset->contentType;
  // The page is framed only by the origins ROOMS_FRAME_ANCESTORS names (the main app's dashboard) and, while
  // the demo console is on, by our own origin (the console shows room pages in iframes). X-Frame-Options
  // cannot name another origin, so it is sent only when CSP alone would be stricter than browsers need.
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Content-Security-Policy", frameAncestorsPolicy(ctx.config));
  if (ctx.config.frameAncestors.empty()) {
    res.headers.emplace_back("X-Frame-Options", ctx.config.consoleEnabled() ? "SAMEORIGIN" : "DENY");
  }
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  return res;
}

void requireConsole(const ApiContext& ctx) {
  if (!ctx.config.consoleEnabled()) {
    throw ApiError(404, "not_found", "the demo console is off (ROOMS_CONSOLE=true or --dev turns it on)");
  }
}

bool isLoopback(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

}  // namespace

void registerPageRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/room/:roomId", Auth::None,
             [&ctx](ApiRequest&) { return serve(ctx, "room.html"); });
  router.add(http::verb::get, "/web/:file", Auth::None,
             [&ctx](ApiRequest& req) { return serve(ctx, std::string(req.param("file"))); });
  router.add(http::verb::get, "/web/:dir/:file", Auth::None, [&ctx](ApiRequest& req) {
    return serve(ctx, std::string(req.param("dir")) + "/" + std::string(req.param("file")));
  });

  router.add(http::verb::get, "/", Auth::None, [&ctx](ApiRequest&) {
    requireConsole(ctx);
    return serve(ctx, "console/index.html");
  });

  router.add(http::verb::get, "/console/bootstrap", Auth::None, [&ctx](ApiRequest& req) {
    requireConsole(ctx);
    ojson j = {{"console", true}, {"mode", ctx.config.dev ? "development" : "production"}};
    // Development mode only, and only to a browser on this machine: the dev key, so that `make run` and
    // opening http://localhost:3001/ is all a newcomer does. Production never hands out a key.
    if (ctx.config.dev && isLoopback(req.clientIp)) {
      const std::string& keys = ctx.config.apiKeys;
      j["apiKey"] = keys.substr(0, keys.find(','));
    }
    return jsonResponse(200, j);
  });

  router.add(http::verb::post, "/api/console/rooms", Auth::ApiKey, [&ctx](ApiRequest& req) {
    requireConsole(ctx);
    auto body = parseJsonBody(req, true);
    rejectUnknownFields(body, {"aiOrb", "maxDuration", "generateSummary", "coachName", "clientName"}, "");
    DemoRoomOptions options;
    if (body.contains("aiOrb")) {
      const auto& orb = body["aiOrb"];
      if (!orb.is_object()) throw ApiError(400, "invalid_field", "aiOrb must be an object");
      rejectUnknownFields(orb, {"enabled", "personality"}, "aiOrb");
      if (orb.contains("enabled")) {
        if (!orb["enabled"].is_boolean())
          throw ApiError(400, "invalid_field", "aiOrb.enabled must be a boolean");
        options.aiOrbEnabled = orb["enabled"].get<bool>();
      }
      if (orb.contains("personality")) options.personality = requireString(orb, "personality", "aiOrb", 32);
    }
    if (body.contains("maxDuration")) {
      if (!body["maxDuration"].is_number_integer())
        throw ApiError(400, "invalid_field", "maxDuration must be an integer (seconds)");
      options.maxDuration = body["maxDuration"].get<int64_t>();
    }
    if (body.contains("generateSummary")) {
      if (!body["generateSummary"].is_boolean())
        throw ApiError(400, "invalid_field", "generateSummary must be a boolean");
      options.generateSummary = body["generateSummary"].get<bool>();
    }
    if (body.contains("coachName")) options.coachName = requireString(body, "coachName", "", 64);
    if (body.contains("clientName")) options.clientName = requireString(body, "clientName", "", 64);
    const DemoRoom room = createDemoRoom(ctx, nowMs(), options);
    const std::string& pub = ctx.config.publicUrl;
    const std::string ws = pub.rfind("https://", 0) == 0 ? "wss://" + pub.substr(8) : "ws://" + pub.substr(7);
    ojson j = {{"success", true},
               {"roomId", room.roomId},
               {"sessionId", room.sessionId},
               {"status", "ready"},
               {"connectionUrls",
                {{"coach", room.coachUrl},
                 {"client", room.clientUrl},
                 {"websocket", ws + "/events/" + room.roomId}}}};
    return jsonResponse(201, j);
  });
}

}  // namespace rooms
