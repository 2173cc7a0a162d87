#include "api/DemoRoom.h"

#include "api/CreateRoomRequest.h"
#include "core/Clock.h"
#include "core/Ids.h"

namespace rooms {

namespace {

std::string uuidV4() {
  std::string h = randomHex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20);
}

}  // namespace

DemoRoom createDemoRoom(ApiContext& ctx, int64_t nowMs, const DemoRoomOptions& options) {
  const std::string roomId = uuidV4();
  const std::string sessionId = uuidV4();
  const int64_t maxDuration = options.maxDuration;
  const auto token = [&](const std::string& userId, const std::string& role, const std::string& name) {
    ParticipantClaims c;
    c.userId = userId;
    c.roomId = roomId;
    c.sessionId = sessionId;
    c.role = role;
    c.name = name;
    c.permissions = {"video", "audio", "screen-share"};
    c.exp = nowMs / 1000 + maxDuration + 3600;
    return mintParticipantToken(ctx.config.jwtSecret, c);
  };
  const nlohmann::json body = {
      {"roomId", roomId},
      {"sessionId", sessionId},
      {"participants",
       {{"coach", {{"id", "demo-coach"}, {"token", token("demo-coach", "coach", options.coachName)}}},
        {"client", {{"id", "demo-client"}, {"token", token("demo-client", "client", options.clientName)}}},
        {"aiOrb",
         {{"enabled", options.aiOrbEnabled},
          {"personality", options.personality},
          {"voiceModel", "default"}}}}},
      {"config",
       {{"scheduledStartTime", formatIso8601(nowMs)},
        {"maxDuration", maxDuration},
        {"features",
         {{"recording", false},
          {"transcription", true},
          {"aiAssistance", options.aiOrbEnabled},
          {"generateSummary", options.generateSummary}}}}}};
  auto result = ctx.rooms.create(parseCreateRoomRequest(body, ctx.tokens, nowMs));
  const Room& room = *result.room;
  const std::string base = ctx.config.publicUrl + "/room/" + room.id() + "?token=";
  return {room.id(), room.sessionId(), base + room.participantTokens().value("coach", ""),
          base + room.participantTokens().value("client", "")};
}

}  // namespace rooms
