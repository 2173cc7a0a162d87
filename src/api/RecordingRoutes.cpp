// /api/rooms/{roomId}/recordings...: the list, downloads (with Range, through the API key or a signed link
// a browser can play), signed links, deletion. docs/api.md "Recordings".
#include <charconv>
#include <fstream>

#include "api/ApiError.h"
#include "api/JsonBody.h"
#include "api/RecordingLink.h"
#include "api/Routes.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "recording/RecordingService.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

namespace {

// One response holds at most this much of a file: a player asking for "bytes=0-" gets the first part and
// asks again from where it ended (RFC 9110 14.2 lets a server send less than an open range).
constexpr uint64_t kMaxRangeBytes = uint64_t{8} << 20;
// A download without Range is read whole into the response; larger files must be fetched in ranges.
constexpr uint64_t kMaxWholeBytes = uint64_t{512} << 20;
constexpr int64_t kDefaultLinkSeconds = 3600;
constexpr int64_t kMinLinkSeconds = 60;
constexpr int64_t kMaxLinkSeconds = int64_t{7} * 24 * 3600;

recording::RecordingService& service(ApiContext& ctx) {
  if (!ctx.recordings)
    throw ApiError(503, "recording_unavailable", "recording is not running on this server");
  return *ctx.recordings;
}

std::string contentType(const RecordingRecord& r) {
  if (r.format == "mkv") return "video/x-matroska";
  return r.kindsJson.find("video") == std::string::npos ? "audio/webm" : "video/webm";
}

ojson recordingJson(const RecordingRecord& r) {
  const auto kinds = ojson::parse(r.kindsJson, nullptr, false);
  const auto codecs = ojson::parse(r.codecsJson, nullptr, false);
  ojson j = {{"id", r.id},
             {"roomId", r.roomId},
             {"participantId", r.participantId ? ojson(*r.participantId) : ojson(nullptr)},
             {"role", r.role ? ojson(*r.role) : ojson(nullptr)},
             {"source", r.source},
             {"kinds", kinds.is_array() ? kinds : ojson::array()},
             {"codecs", codecs.is_array() ? codecs : ojson::array()},
             {"format", r.format},
             {"contentType", contentType(r)},
             {"status", r.status},
             {"startedAt", formatIso8601(r.startedAt)},
             {"endedAt", r.endedAt ? ojson(formatIso8601(*r.endedAt)) : ojson(nullptr)},
             {"duration", r.durationMs ? ojson(static_cast<double>(*r.durationMs) / 1000.0) : ojson(nullptr)},
             {"bytes", r.bytes},
             {"error", r.error ? ojson(*r.error) : ojson(nullptr)},
             {"downloadPath", "/api/rooms/" + r.roomId + "/recordings/" + r.id}};
  if (r.progress) j["progress"] = *r.progress;
  return j;
}

RecordingRecord requireRecording(ApiContext& ctx, const ApiRequest& req, const std::string& roomId) {
  const std::string id(req.param("recordingId"));
  if (!isSafeId(id))
    throw ApiError(400, "invalid_recording_id", "recording id has characters that are not allowed");
  auto rec = service(ctx).find(roomId, id);
  if (!rec) throw ApiError(404, "recording_not_found", "no recording " + id + " in room " + roomId);
  return *rec;
}

std::optional<uint64_t> parseNumber(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

// RFC 9110 14.1.2, one range: "bytes=a-b", "bytes=a-", "bytes=-n". nullopt: not satisfiable; a header we
// do not understand (several ranges, other units) is ignored as the RFC allows, and the whole file sent.
std::optional<std::optional<ByteRange>> parseRange(std::string_view header, uint64_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  if (header.substr(0, kPrefix.size()) != kPrefix) return std::optional<ByteRange>{};
  const std::string_view spec = header.substr(kPrefix.size());
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>{};
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>{};
  const auto a = parseNumber(spec.substr(0, dash));
  const auto b = parseNumber(spec.substr(dash + 1));
  ByteRange r;
  if (!a) {
    if (!b) return std::optional<ByteRange>{};
    if (*b == 0 || size == 0) return std::nullopt;
    r.first = *b >= size ? 0 : size - *b;
    r.last = size - 1;
  } else {
    if (*a >= size) return std::nullopt;
    if (dash + 1 < spec.size() && !b) return std::optional<ByteRange>{};
    if (b && *b < *a) return std::optional<ByteRange>{};
    r.first = *a;
    r.last = b ? std::min(*b, size - 1) : size - 1;
  }
  r.last = std::min(r.last, r.first + kMaxRangeBytes - 1);
  return std::optional<ByteRange>{r};
}

std::string bearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.substr(0, kPrefix.size()) != kPrefix) return {};
  return std::string(authorization.substr(kPrefix.size()));
}

// A download is allowed with the API key, or with a signed link's expires and signature.
void authorizeDownload(ApiContext& ctx, const ApiRequest& req, const RecordingLink& links,
                       const std::string& roomId, const std::string& recordingId) {
  const auto authorization = req.header(http::field::authorization);
  if (!authorization.empty()) {
    if (!ctx.apiKeys.match(bearerToken(authorization)))
      throw ApiError(401, "unauthorized", "invalid API key");
    return;
  }
  const auto expires = req.queryValue("expires");
  const auto signature = req.queryValue("signature");
  if (expires.empty() && signature.empty()) {
    throw ApiError(401, "unauthorized",
                   "missing API key: send Authorization: Bearer <ROOM_SERVICE_API_KEY> or use a signed link");
  }
  switch (links.verify(roomId, recordingId, expires, signature, nowMs() / 1000)) {
    case RecordingLink::Check::Valid:
      return;
    case RecordingLink::Check::Expired:
      throw ApiError(403, "link_expired", "this recording link has expired; ask for a new one");
    case RecordingLink::Check::Invalid:
      throw ApiError(403, "invalid_signature", "the recording link's signature does not match");
  }
}

ApiResponse download(const RecordingRecord& rec, const ApiRequest& req) {
  if (rec.status == "recording" || rec.status == "processing")
    throw ApiError(409, "recording_not_ready", "recording " + rec.id + " is still " + rec.status);
  if (rec.status == "failed")
    throw ApiError(410, "recording_failed", "recording " + rec.id + " failed: " + rec.error.value_or(""));
  std::ifstream in(rec.path, std::ios::binary);
  if (!in) throw ApiError(410, "recording_missing", "the file of recording " + rec.id + " is gone");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  ApiResponse res;
  res.contentType = contentType(rec);
  res.headers.emplace_back("Accept-Ranges", "bytes");
  res.headers.emplace_back("Content-Disposition", "inline; filename=\"" + rec.id + "." + rec.format + "\"");
  res.headers.emplace_back("Cache-Control", "private, max-age=0");
  ByteRange range{0, size == 0 ? 0 : size - 1};
  const auto header = req.header(http::field::range);
  if (!header.empty()) {
    const auto parsed = parseRange(header, size);
    if (!parsed) {
      ApiResponse refused =
          errorResponse(416, "range_not_satisfiable", "the file has " + std::to_string(size) + " bytes");
      refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
      return refused;
    }
    if (*parsed) {
      range = **parsed;
      res.status = 206;
      res.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                    std::to_string(range.last) + "/" + std::to_string(size));
    }
  }
  if (res.status == 200 && size > kMaxWholeBytes) {
    throw ApiError(
        413, "use_range",
        "the file has " + std::to_string(size) + " bytes: fetch it in ranges (Range: bytes=first-last)");
  }
  const uint64_t length = size == 0 ? 0 : range.last - range.first + 1;
  res.body.resize(length);
  in.seekg(static_cast<std::streamoff>(range.first));
  if (length > 0 && !in.read(res.body.data(), static_cast<std::streamsize>(length)))
    throw ApiError(500, "read_failed", "the file of recording " + rec.id + " could not be read");
  return res;
}

}  // namespace

void registerRecordingRoutes(Router& router, ApiContext& ctx) {
  auto links = std::make_shared<RecordingLink>(ctx.config.jwtSecret);

  router.add(http::verb::get, "/api/rooms/:roomId/recordings", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto room = requireRoom(ctx, req);
    auto& recordings = service(ctx);
    ojson list = ojson::array();
    for (const auto& r : recordings.list(room->id())) list.push_back(recordingJson(r));
    return jsonResponse(
        200, ojson{{"roomId", room->id()}, {"recording", room->recording()}, {"recordings", list}});
  });

  router.add(http::verb::get, "/api/rooms/:roomId/recordings/:recordingId", Auth::None,
             [&ctx, links](ApiRequest& req) {
               const std::string roomId(req.param("roomId"));
               if (!isSafeId(roomId))
                 throw ApiError(400, "invalid_room_id", "room id has characters that are not allowed");
               authorizeDownload(ctx, req, *links, roomId, std::string(req.param("recordingId")));
               auto room = requireRoom(ctx, req);
               return download(requireRecording(ctx, req, room->id()), req);
             });

  router.add(http::verb::post, "/api/rooms/:roomId/recordings/:recordingId/link", Auth::ApiKey,
             [&ctx, links](ApiRequest& req) {
               auto room = requireRoom(ctx, req);
               auto rec = requireRecording(ctx, req, room->id());
               int64_t seconds = kDefaultLinkSeconds;
               if (!req.body.empty()) {
                 auto body = parseJsonBody(req);
                 rejectUnknownFields(body, {"expiresIn"}, "");
                 if (body.contains("expiresIn")) {
                   const auto& v = body["expiresIn"];
                   if (!v.is_number_integer() || v.get<int64_t>() < kMinLinkSeconds ||
                       v.get<int64_t>() > kMaxLinkSeconds) {
                     throw ApiError(400, "invalid_request",
                                    "expiresIn must be a whole number of seconds from 60 to 604800");
                   }
                   seconds = v.get<int64_t>();
                 }
               }
               const int64_t expires = nowMs() / 1000 + seconds;
               const std::string url = ctx.config.publicUrl + "/api/rooms/" + rec.roomId + "/recordings/" +
                                       rec.id + "?expires=" + std::to_string(expires) +
                                       "&signature=" + links->sign(rec.roomId, rec.id, expires);
               return jsonResponse(200, ojson{{"url", url}, {"expiresAt", formatIso8601(expires * 1000)}});
             });

  router.add(http::verb::delete_, "/api/rooms/:roomId/recordings/:recordingId", Auth::ApiKey,
             [&ctx](ApiRequest& req) {
               auto room = requireRoom(ctx, req);
               auto rec = requireRecording(ctx, req, room->id());
               switch (service(ctx).remove(room->id(), rec.id)) {
                 case recording::RecordingService::RemoveResult::Active:
                   throw ApiError(
                       409, "recording_active",
                       "recording " + rec.id + " is still " + rec.status + "; delete it when it is ready");
                 case recording::RecordingService::RemoveResult::NotFound:
                   throw ApiError(404, "recording_not_found", "no recording " + rec.id);
                 case recording::RecordingService::RemoveResult::Removed:
                   break;
               }
               ApiResponse res;
               res.status = 204;
               res.contentType.clear();
               return res;
             });
}

}  // namespace rooms
