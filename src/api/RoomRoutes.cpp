// The room endpoints of the spec (sections 1-6, 9-11).
#include <cmath>

#include "ai/TranscriptFormatter.h"
#include "api/ApiError.h"
#include "api/CreateRoomRequest.h"
#include "api/JsonBody.h"
#include "api/Routes.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "signaling/ConnectionAnalytics.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

namespace {

std::string wsBase(const std::string& publicUrl) {
  if (publicUrl.rfind("https://", 0) == 0) return "wss://" + publicUrl.substr(8);
  return "ws://" + publicUrl.substr(7);
}

// The status word of the create response: the spec's example answers "ready" for a room that can be joined.
std::string createStatus(const Room& room) {
  switch (room.state()) {
    case RoomState::Active:
      return "active";
    case RoomState::Ended:
      return "ended";
    default:
      return "ready";
  }
}

ApiResponse endResponse(const Room& room) {
  ojson j = {{"success", true},
             {"roomId", room.id()},
             {"endedAt", formatIso8601(room.endedAt().value_or(0))},
             {"finalDuration", room.finalDuration()},
             {"reason", room.endReason()},
             {"requestedBy", room.endedBy()}};
  return jsonResponse(200, j);
}

ojson analyticsJson(ApiContext& ctx, const Room& room) {
  // The media plane's samples (signaling::SignalingServer flushes them every few seconds and when the room
  // ends); a room nobody joined through it has zeros for both roles.
  signaling::ConnectionAnalytics analytics;
  if (auto stored = ctx.roomStore.findAnalytics(room.id())) {
    analytics = signaling::ConnectionAnalytics::fromJson(nlohmann::json::parse(*stored, nullptr, false));
  }
  ojson metrics = analytics.metricsJson();
  for (const char* role : {"coach", "client"}) {
    if (!metrics["connectionQuality"].contains(role)) {
      metrics["connectionQuality"][role] = ojson{{"averageRTT", 0}, {"packetLoss", 0}};
    }
  }
  return ojson{{"roomId", room.id()}, {"metrics", metrics}};
}

// GET /api/rooms paging: "<createdAtMs>.<roomId>" of the last room of the page. Opaque to clients (docs say
// so); room ids never hold what would make the split ambiguous, since the time comes first.
std::string encodeCursor(const RoomListCursor& c) {
  return std::to_string(c.createdAt) + "." + c.roomId;
}

RoomListCursor decodeCursor(std::string_view text) {
  const auto dot = text.find('.');
  RoomListCursor c;
  if (dot == std::string_view::npos || dot == 0 || dot > 15) {
    throw ApiError(400, "invalid_cursor", "cursor is not one this service returned");
  }
  for (char ch : text.substr(0, dot)) {
    if (ch < '0' || ch > '9')
      throw ApiError(400, "invalid_cursor", "cursor is not one this service returned");
    c.createdAt = c.createdAt * 10 + (ch - '0');
  }
  c.roomId = std::string(text.substr(dot + 1));
  if (!isSafeId(c.roomId)) throw ApiError(400, "invalid_cursor", "cursor is not one this service returned");
  return c;
}

RoomManager::ListQuery parseListQuery(const ApiRequest& req) {
  RoomManager::ListQuery q;
  for (const auto& [name, value] : req.query) {
    if (name != "status" && name != "limit" && name != "cursor") {
      throw ApiError(400, "invalid_query", "unknown query parameter '" + name + "' (status, limit, cursor)");
    }
  }
  // Public statuses: "waiting" covers the stored waiting and pre-warmed (ready) states, as GET /status says.
  if (auto status = req.queryValue("status"); !status.empty()) {
    size_t start = 0;
    while (start <= status.size()) {
      size_t end = status.find(',', start);
      if (end == std::string_view::npos) end = status.size();
      const auto word = status.substr(start, end - start);
      if (word == "waiting") {
        q.states.push_back(RoomState::Waiting);
        q.states.push_back(RoomState::Ready);
      } else if (word == "active") {
        q.states.push_back(RoomState::Active);
      } else if (word == "ended") {
        q.states.push_back(RoomState::Ended);
      } else {
        throw ApiError(400, "invalid_query",
                       "status must be a comma-separated list of waiting, active, ended");
      }
      start = end + 1;
    }
  }
  if (auto limit = req.queryValue("limit"); !limit.empty()) {
    size_t n = 0;
    for (char ch : limit) {
      if (ch < '0' || ch > '9' || n > 1000) throw ApiError(400, "invalid_query", "limit must be 1 to 200");
      n = n * 10 + static_cast<size_t>(ch - '0');
    }
    if (n < 1 || n > 200) throw ApiError(400, "invalid_query", "limit must be 1 to 200");
    q.limit = n;
  }
  if (auto cursor = req.queryValue("cursor"); !cursor.empty()) q.after = decodeCursor(cursor);
  return q;
}

ojson listEntry(const Room& room) {
  auto timeOrNull = [](const std::optional<int64_t>& t) {
    return t ? ojson(formatIso8601(*t)) : ojson(nullptr);
  };
  return ojson{{"roomId", room.id()},
               {"sessionId", room.sessionId()},
               {"status", std::string(publicStatus(room.state()))},
               {"createdAt", formatIso8601(room.createdAt().value_or(0))},
               {"scheduledStartTime", room.config().scheduledStartMs > 0
                                          ? ojson(formatIso8601(room.config().scheduledStartMs))
                                          : ojson(nullptr)},
               {"actualStartTime", timeOrNull(room.startedAt())},
               {"endedAt", timeOrNull(room.endedAt())},
               {"participants", room.state() == RoomState::Ended ? 0 : room.connectedCount()},
               {"recording", room.recording()}};
}

}  // namespace

std::shared_ptr<const Room> requireRoom(ApiContext& ctx, const ApiRequest& req) {
  std::string id(req.param("roomId"));
  if (!isSafeId(id)) throw ApiError(400, "invalid_room_id", "room id has characters that are not allowed");
  auto room = ctx.rooms.find(id);
  if (!room) throw ApiError(404, "room_not_found", "no room " + id);
  return room;
}

void registerRoomRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::post, "/api/rooms/create", Auth::ApiKey, [&ctx](ApiRequest& req) {
    Room draft = [&] {
      try {
        return parseCreateRoomRequest(parseJsonBody(req), ctx.tokens, nowMs());
      } catch (const ApiError&) {
        ctx.rooms.recordCreateFailure();
        throw;
      }
    }();
    auto result = ctx.rooms.create(std::move(draft));
    if (result.error == RoomError::Conflict) {
      throw ApiError(409, "room_exists",
                     "a room with this roomId already exists with a different request; use a new roomId");
    }
    const Room& room = *result.room;
    std::string base = ctx.config.publicUrl + "/room/" + room.id() + "?token=";
    ojson j = {{"success", true},
               {"roomId", room.id()},
               {"sessionId", room.sessionId()},
               {"status", createStatus(room)},
               {"connectionUrls",
                {{"coach", base + room.participantTokens().value("coach", "")},
                 {"client", base + room.participantTokens().value("client", "")},
                 {"websocket", wsBase(ctx.config.publicUrl) + "/events/" + room.id()}}}};
    if (!result.created) j["existing"] = true;
    return jsonResponse(result.created ? 201u : 200u, j);
  });

  router.add(http::verb::get, "/api/rooms", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto page = ctx.rooms.list(parseListQuery(req));
    ojson rooms = ojson::array();
    for (const auto& room : page.rooms) rooms.push_back(listEntry(*room));
    return jsonResponse(200,
                        ojson{{"rooms", rooms},
                              {"nextCursor", page.next ? ojson(encodeCursor(*page.next)) : ojson(nullptr)}});
  });

  router.add(http::verb::get, "/api/rooms/:roomId/status", Auth::ApiKey, [&ctx](ApiRequest& req) {
    return jsonResponse(200, requireRoom(ctx, req)->statusJson(nowMs()));
  });

  router.add(http::verb::post, "/api/rooms/bulk-status", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto body = parseJsonBody(req);
    rejectUnknownFields(body, {"roomIds"}, "");
    const auto& ids = requireField(body, "roomIds", "");
    if (!ids.is_array()) throw ApiError(400, "invalid_field", "roomIds must be an array of room ids");
    if (ids.size() > 100) throw ApiError(400, "too_many_rooms", "roomIds may list at most 100 rooms");
    ojson rooms = ojson::object();
    for (const auto& v : ids) {
      if (!v.is_string()) throw ApiError(400, "invalid_field", "roomIds must contain only strings");
      const auto& id = v.get_ref<const std::string&>();
      std::shared_ptr<const Room> room = isSafeId(id) ? ctx.rooms.find(id) : nullptr;
      if (room) {
        rooms[id] = {{"status", std::string(publicStatus(room->state()))},
                     {"participants", room->connectedCount()}};
      } else {
        rooms[id] = {{"status", "not_found"}, {"participants", 0}};
      }
    }
    return jsonResponse(200, ojson{{"rooms", rooms}});
  });

  router.add(http::verb::get, "/api/rooms/:roomId/summary", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto summary = ctx.roomStore.findSummary(room->id());
    if (!summary) {
      std::string why =
          room->state() != RoomState::Ended ? "the session has not ended yet"
          : room->config().features.generateSummary
              ? "no summary has been produced for this session yet; a summary-ready event announces it"
              : "summaries are disabled for this room (features.generateSummary is false)";
      throw ApiError(409, "summary_not_ready", "no summary yet: " + why);
    }
    return jsonResponse(200, *summary);
  });

  router.add(http::verb::post, "/api/rooms/:roomId/end", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto body = parseJsonBody(req);
    rejectUnknownFields(body, {"reason", "requestedBy"}, "");
    std::string reason = requireString(body, "reason", "", 32);
    if (reason != "session_completed" && reason != "timeout" && reason != "error" && reason != "cancelled") {
      throw ApiError(400, "invalid_field",
                     "reason must be one of session_completed, timeout, error, cancelled");
    }
    std::string by = requireString(body, "requestedBy", "", 128);
    if (by != "system" && by != room->coach().id() && by != room->client().id()) {
      throw ApiError(400, "invalid_field",
                     "requestedBy must be \"system\" or the id of this room's coach or client");
    }
    auto result = ctx.rooms.end(room->id(), reason, by);
    return endResponse(*result.room);
  });

  router.add(http::verb::patch, "/api/rooms/:roomId/config", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto body = parseJsonBody(req);
    auto result = ctx.rooms.patchConfig(room->id(), body);
    if (result.error == RoomError::Ended)
      throw ApiError(409, "room_ended", "the room has ended; its config is final");
    if (result.error == RoomError::Invalid) throw ApiError(400, "invalid_field", result.message);
    return jsonResponse(
        200,
        ojson{{"success", true}, {"roomId", result.room->id()}, {"config", result.room->config().toJson()}});
  });

  router.add(http::verb::get, "/api/rooms/:roomId/transcription", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    std::string format(req.queryValue("format"));
    if (format.empty()) format = "text";
    if (format != "text" && format != "vtt" && format != "json") {
      throw ApiError(400, "invalid_format", "format must be text, vtt or json");
    }
    auto segments = ctx.roomStore.segments(room->id());
    // Speech nothing was recognised in still counts as talk time, but is not part of the transcript.
    std::erase_if(segments, [](const TranscriptSegmentRecord& s) { return s.text.empty(); });
    int64_t origin = room->startedAt().value_or(segments.empty() ? 0 : segments.front().startMs);
    ojson content;
    if (format == "text") content = transcriptAsText(segments, origin);
    if (format == "vtt") content = transcriptAsVtt(segments, origin);
    if (format == "json") content = transcriptAsJson(segments, origin);
    return jsonResponse(
        200,
        ojson{{"roomId", room->id()},
              {"transcription", {{"format", format}, {"content", content}, {"segments", segments.size()}}}});
  });

  router.add(http::verb::post, "/api/rooms/:roomId/pre-warm", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto body = parseJsonBody(req, /*allowEmpty=*/true);
    rejectUnknownFields(body, {"scheduledStartTime"}, "");
    std::optional<int64_t> start;
    if (body.contains("scheduledStartTime") && !body["scheduledStartTime"].is_null()) {
      start = parseIso8601(requireString(body, "scheduledStartTime", "", 64));
      if (!start)
        throw ApiError(400, "invalid_field",
                       "scheduledStartTime must be an ISO 8601 date-time with a time zone");
    }
    auto result = ctx.rooms.prewarm(room->id(), start);
    if (result.error == RoomError::Ended) throw ApiError(409, "room_ended", "the room has ended");
    return jsonResponse(200, ojson{{"success", true},
                                   {"roomId", result.room->id()},
                                   {"resourcesAllocated", true},
                                   {"status", std::string(toString(result.room->state()))}});
  });

  router.add(http::verb::get, "/api/rooms/:roomId/analytics", Auth::ApiKey, [&ctx](ApiRequest& req) {
    return jsonResponse(200, analyticsJson(ctx, *requireRoom(ctx, req)));
  });
}

}  // namespace rooms
