#include "api/ApiService.h"

#include <strings.h>

#include <chrono>

#include "api/ApiError.h"
#include "api/OwnerForwarder.h"
#include "api/ParticipantAccess.h"
#include "api/Routes.h"
#include "cluster/ClusterMap.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"
#include "rooms/RoomManager.h"

namespace rooms {
namespace http = boost::beast::http;

namespace {
ApiResponse rateLimited(int retryAfter, const char* scope) {
  auto res = errorResponse(429, "rate_limited",
                           std::string("too many requests for this ") + scope + "; retry after " +
                               std::to_string(retryAfter) + " s");
  res.headers.emplace_back("Retry-After", std::to_string(retryAfter));
  return res;
}

// The caller's X-Request-Id when it is a safe id, else a new one.
void takeRequestId(ApiRequest& req) {
  auto rid = req.headers ? req.headers->find("X-Request-Id") : http::fields::const_iterator{};
  if (req.headers && rid != req.headers->end() && rid->value().size() <= 128 &&
      isSafeId(std::string_view(rid->value().data(), rid->value().size()))) {
    req.requestId = std::string(rid->value());
  } else {
    req.requestId = randomHex(8);
  }
}

std::string bearer(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() > kPrefix.size() &&
      strncasecmp(authorization.data(), kPrefix.data(), kPrefix.size()) == 0) {
    return std::string(authorization.substr(kPrefix.size()));
  }
  return {};
}
}  // namespace

ApiService::ApiService(ApiContext& ctx)
    : ctx_(ctx),
      perIp_(ctx.config.rateLimitPerIp, ctx.config.rateLimitPerIpBurst),
      perKey_(ctx.config.rateLimitPerKey, ctx.config.rateLimitPerKeyBurst),
      forwarded_(ctx.metrics.counter(
          "rooms_cluster_forwarded_requests_total",
          "API requests this node forwarded to the node holding the room (or placed to create it)")),
      relayedSignaling_(
          ctx.metrics.counter("rooms_cluster_relayed_signaling_total",
                              "Signaling sockets this node relayed to the node holding the room")) {
  registerRoomRoutes(router_, ctx_);
  registerParticipantRoutes(router_, ctx_);
  registerRecordingRoutes(router_, ctx_);
  registerWebhookRoutes(router_, ctx_);
  registerSystemRoutes(router_, ctx_);
  registerJoinRoutes(router_, ctx_);
  registerPageRoutes(router_, ctx_);
  if (ctx_.config.enableTestHooks) registerTestHookRoutes(router_, ctx_);
}

bool ApiService::originAllowed(std::string_view origin) const {
  for (const auto& o : ctx_.config.corsOrigins) {
    if (o == "*" || o == origin) return true;
  }
  return false;
}

void ApiService::applyCors(const ApiRequest& req, ApiResponse& res) const {
  auto origin = req.header(http::field::origin);
  if (origin.empty() || !originAllowed(origin)) return;
  res.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  res.headers.emplace_back("Vary", "Origin");
  res.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
}

std::optional<ApiResponse> ApiService::checkIpLimit(const ApiRequest& req) {
  auto d = perIp_.allow(req.clientIp, nowMs());
  if (!d.allowed) return rateLimited(d.retryAfterSeconds, "address");
  return std::nullopt;
}

std::optional<ApiResponse> ApiService::authenticate(ApiRequest& req, bool allowQueryToken) {
  std::string key = bearer(req.header(http::field::authorization));
  // Only the events WebSocket takes the key in the URL (browsers and the spec's client cannot set headers
  // there); elsewhere a key in a URL would end up in proxy logs.
  if (key.empty() && allowQueryToken) key = std::string(req.queryValue("token"));
  if (key.empty()) {
    auto res = errorResponse(401, "unauthorized",
                             "missing API key: send Authorization: Bearer <ROOM_SERVICE_API_KEY>");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  auto idx = ctx_.apiKeys.match(key);
  if (!idx) {
    auto res = errorResponse(401, "invalid_api_key", "the API key is not valid");
    res.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return res;
  }
  req.apiKeyLabel = ctx_.apiKeys.label(*idx);
  auto d = perKey_.allow(req.apiKeyLabel, nowMs());
  if (!d.allowed) return rateLimited(d.retryAfterSeconds, "API key");
  return std::nullopt;
}

void ApiService::observe(const ApiRequest& req, const std::string& route, const ApiResponse& res,
                         double seconds) {
  auto it = latency_.find(route);
  if (it == latency_.end()) {
    it = latency_
             .emplace(route, &ctx_.metrics.histogram("rooms_http_request_duration_seconds",
                                                     "API latency by route", {{"route", route}}))
             .first;
  }
  it->second->Observe(seconds);
  std::string countKey = route + ' ' + std::to_string(res.status);
  auto c = counts_.find(countKey);
  if (c == counts_.end()) {
    c = counts_
            .emplace(countKey,
                     &ctx_.metrics.counter("rooms_http_requests_total", "API requests by route and status",
                                           {{"route", route}, {"status", std::to_string(res.status)}}))
            .first;
  }
  c->second->Increment();
  if (res.status < 500 && !log::debugEnabled()) return;
  nlohmann::json fields = {{"requestId", req.requestId},
                           {"method", std::string(http::to_string(req.method))},
                           {"route", route},
                           {"status", res.status},
                           {"ms", static_cast<int64_t>(seconds * 1e6) / 1000.0},
                           {"ip", req.clientIp}};
  if (!req.apiKeyLabel.empty()) fields["key"] = req.apiKeyLabel;
  if (res.status >= 500) {
    log::error("request", fields);
  } else {
    log::debug("request", fields);
  }
}

ApiService::Admission ApiService::admit(ApiRequest& req) {
  Admission a;
  a.started = std::chrono::steady_clock::now();
  takeRequestId(req);
  acceptPeer(req);
  try {
    if (req.method == http::verb::options) {
      a.route = "preflight";
      auto origin = req.header(http::field::origin);
      if (!origin.empty() && originAllowed(origin)) {
        ApiResponse res;
        res.status = 204;
        res.contentType.clear();
        res.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
        res.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
        res.headers.emplace_back("Access-Control-Max-Age", "600");
        a.answer = std::move(res);
      } else {
        a.answer =
            errorResponse(403, "cors_origin_denied", "this origin is not allowed (ROOMS_CORS_ORIGINS)");
      }
    } else if (auto limited = req.path == "/health" || req.fromPeer ? std::nullopt : checkIpLimit(req)) {
      a.answer = std::move(limited);
    } else {
      auto m = router_.match(req);
      if (!m.route) {
        if (m.pathKnown) {
          auto res = errorResponse(405, "method_not_allowed",
                                   "this path does not support " + std::string(http::to_string(req.method)));
          res.headers.emplace_back("Allow", m.allowed);
          a.answer = std::move(res);
        } else {
          a.answer = errorResponse(404, "not_found", "no such endpoint: " + req.path);
        }
      } else {
        a.route = m.route->pattern;
        a.handler = &m.route->handler;
        if (m.route->auth == Auth::ApiKey) a.answer = authenticate(req, /*allowQueryToken=*/false);
        if (!a.answer) route(req, a);
      }
    }
  } catch (const ApiError& e) {
    a.answer = errorResponse(e.status(), e.code(), e.what());
  }
  return a;
}

void ApiService::acceptPeer(ApiRequest& req) {
  if (!ctx_.forwarder || !req.headers) return;
  auto by = req.headers->find("X-Rooms-Forwarded-By");
  if (by == req.headers->end()) return;
  if (!OwnerForwarder::verify(ctx_.config.jwtSecret, std::string_view(by->value().data(), by->value().size()),
                              req.requestId))
    return;  // not from a node of this cluster: an ordinary request
  req.fromPeer = true;
  // The node that forwarded it already applied the per-address limit to the client it names.
  if (auto f = req.headers->find("X-Forwarded-For"); f != req.headers->end()) {
    std::string_view v(f->value().data(), f->value().size());
    req.clientIp = std::string(v.substr(0, v.find(',')));
  }
}

// Cluster mode: which node answers. A room's routes go to the node holding it; a new room to the node
// placement picks. A request a peer forwarded is answered here (no second hop).
void ApiService::route(ApiRequest& req, Admission& a) {
  if (!ctx_.cluster || req.fromPeer) return;
  try {
    if (a.route == "/api/rooms/create") {
      auto place = ctx_.cluster->placeNewRoom(nowMs());
      const bool draining = ctx_.drainingRooms || ctx_.draining;
      if (!place && draining) {
        a.answer = errorResponse(503, "no_node_available", "every node of the cluster is draining; retry");
        a.answer->headers.emplace_back("Retry-After", "5");
      } else if (place && place->id != ctx_.cluster->selfId()) {
        a.forwardTo = place->internalUrl;
      }
      return;
    }
    // The room page itself is the same everywhere; its join and everything under /api/rooms/:roomId are
    // the owner's.
    auto roomId = req.params.find("roomId");
    if (roomId == req.params.end() || a.route == "/room/:roomId") return;
    if (auto owner = ctx_.cluster->ownerElsewhere(roomId->second)) a.forwardTo = owner->internalUrl;
  } catch (const std::exception& e) {
    log::warn("cluster_routing_failed", {{"route", a.route}, {"error", e.what()}});
    a.answer = errorResponse(503, "cluster_unavailable", "the cluster's registry cannot be reached; retry");
    a.answer->headers.emplace_back("Retry-After", "2");
  }
}

void ApiService::forward(ApiRequest& req, Admission& admission, std::function<void(ApiResponse)> done) {
  forwarded_.Increment();
  ctx_.forwarder->send(ctx_.forwarder->prepare(admission.forwardTo, req, req.target), std::move(done));
}

ApiResponse ApiService::handle(ApiRequest& req, Admission& admission) {
  ApiResponse res;
  if (admission.answer) {
    res = std::move(*admission.answer);
  } else {
    try {
      res = (*admission.handler)(req);
    } catch (const ApiError& e) {
      res = errorResponse(e.status(), e.code(), e.what());
      if (e.retryAfter() > 0) res.headers.emplace_back("Retry-After", std::to_string(e.retryAfter()));
    } catch (const RoomHeldElsewhere& e) {
      res = errorResponse(503, "room_moved", std::string(e.what()) + "; retry");
      res.headers.emplace_back("Retry-After", "1");
    } catch (const std::exception& e) {
      log::error("handler_failed",
                 {{"requestId", req.requestId}, {"route", admission.route}, {"error", e.what()}});
      res = errorResponse(500, "internal_error", "internal error (request " + req.requestId + ")");
    }
  }
  return finish(req, admission, std::move(res));
}

ApiResponse ApiService::finish(ApiRequest& req, Admission& admission, ApiResponse res) {
  applyCors(req, res);
  res.headers.emplace_back("X-Request-Id", req.requestId);
  observe(req, admission.route, res,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - admission.started).count());
  return res;
}

std::optional<ApiResponse> ApiService::authorizeEventsUpgrade(ApiRequest& req) {
  req.requestId = randomHex(8);
  if (auto limited = checkIpLimit(req)) return limited;
  auto denied = authenticate(req, /*allowQueryToken=*/true);
  if (denied) return denied;
  constexpr std::string_view kPrefix = "/events/";
  if (req.path.rfind(kPrefix, 0) != 0)
    return errorResponse(404, "not_found", "no such endpoint: " + req.path);
  std::string roomId = req.path.substr(kPrefix.size());
  if (!isSafeId(roomId))
    return errorResponse(400, "invalid_room_id", "room id has characters that are not allowed");
  if (!ctx_.rooms.find(roomId)) return errorResponse(404, "room_not_found", "no room " + roomId);
  auto since = req.queryValue("since");
  // At most 18 digits, so the std::stoll in HttpSession cannot throw out_of_range (which would escape the
  // io_context and end the process).
  if (!since.empty() &&
      (since.size() > 18 || since.find_first_not_of("0123456789") != std::string_view::npos)) {
    return errorResponse(400, "invalid_since", "since must be a non-negative event id");
  }
  req.params["roomId"] = roomId;
  return std::nullopt;
}

std::optional<ApiResponse> ApiService::authorizeSignalUpgrade(ApiRequest& req, SignalUpgrade& upgrade) {
  // A relay from another node names its request id, which its signature covers.
  takeRequestId(req);
  acceptPeer(req);
  upgrade.fromPeer = req.fromPeer;
  upgrade.requestId = req.requestId;
  upgrade.clientIp = req.clientIp;
  if (!req.fromPeer) {
    if (auto limited = checkIpLimit(req)) return limited;
  }
  constexpr std::string_view kPrefix = "/signal/";
  std::string roomId = req.path.substr(kPrefix.size());
  if (!isSafeId(roomId))
    return errorResponse(400, "invalid_room_id", "room id has characters that are not allowed");
  if (!ctx_.signaling) return errorResponse(503, "media_unavailable", "the media plane is not running");
  if (ctx_.cluster && !req.fromPeer) {
    try {
      if (auto owner = ctx_.cluster->ownerElsewhere(roomId)) {
        upgrade.relayTo = owner->internalUrl;
        relayedSignaling_.Increment();
        upgrade.forwardedBy =
            OwnerForwarder::sign(ctx_.config.jwtSecret, ctx_.cluster->selfId(), req.requestId);
      }
    } catch (const std::exception& e) {
      return errorResponse(503, "cluster_unavailable",
                           std::string("the cluster's registry cannot be reached: ") + e.what());
    }
  }
  auto& identity = upgrade.identity;
  try {
    const auto verified = verifyParticipant(ctx_, roomId, std::string(req.queryValue("token")));
    const auto& claims = verified.claims;
    identity.roomId = roomId;
    identity.userId = claims.userId;
    identity.role = claims.role;
    identity.name = claims.name;
    identity.permissionNames = claims.permissions;
    identity.permissions.audio = claims.has("audio");
    identity.permissions.video = claims.has("video");
    identity.permissions.screen = claims.has("screen-share");
  } catch (const ApiError& e) {
    return errorResponse(e.status(), e.code(), e.what());
  }
  return std::nullopt;
}

}  // namespace rooms
