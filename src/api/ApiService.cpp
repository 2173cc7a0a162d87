#include "api/ApiService.h"

#include <strings.h>

#include <chrono>

#include "api/ApiError.h"
#include "api/ParticipantAccess.h"
#include "api/Routes.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "core/Log.h"

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
      perKey_(ctx.config.rateLimitPerKey, ctx.config.rateLimitPerKeyBurst) {
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
  auto rid = req.headers ? req.headers->find("X-Request-Id") : http::fields::const_iterator{};
  if (req.headers && rid != req.headers->end() && rid->value().size() <= 128 &&
      isSafeId(std::string_view(rid->value().data(), rid->value().size()))) {
    req.requestId = std::string(rid->value());
  } else {
    req.requestId = randomHex(8);
  }
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
    } else if (auto limited = req.path == "/health" ? std::nullopt : checkIpLimit(req)) {
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
      }
    }
  } catch (const ApiError& e) {
    a.answer = errorResponse(e.status(), e.code(), e.what());
  }
  return a;
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
    } catch (const std::exception& e) {
      log::error("handler_failed",
                 {{"requestId", req.requestId}, {"route", admission.route}, {"error", e.what()}});
      res = errorResponse(500, "internal_error", "internal error (request " + req.requestId + ")");
    }
  }
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

std::optional<ApiResponse> ApiService::authorizeSignalUpgrade(ApiRequest& req,
                                                              signaling::ParticipantIdentity& identity) {
  req.requestId = randomHex(8);
  if (auto limited = checkIpLimit(req)) return limited;
  constexpr std::string_view kPrefix = "/signal/";
  std::string roomId = req.path.substr(kPrefix.size());
  if (!isSafeId(roomId))
    return errorResponse(400, "invalid_room_id", "room id has characters that are not allowed");
  if (!ctx_.signaling) return errorResponse(503, "media_unavailable", "the media plane is not running");
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
