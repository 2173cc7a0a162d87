#include "rooms/Room.h"

#include <stdexcept>

#include "core/Clock.h"

namespace rooms {
namespace {
nlohmann::ordered_json timeOrNull(const std::optional<int64_t>& t) {
  return t ? nlohmann::ordered_json(formatIso8601(*t)) : nlohmann::ordered_json(nullptr);
}
}  // namespace

Room::Room(std::string roomId, std::string sessionId, RoomConfig config, std::string coachId,
           std::string clientId, std::string requestJson, nlohmann::json participantTokens, int64_t createdAt)
    : roomId_(std::move(roomId)),
      sessionId_(std::move(sessionId)),
      config_(std::move(config)),
      requestJson_(std::move(requestJson)),
      tokens_(std::move(participantTokens)),
      createdAt_(createdAt),
      coach_("coach", std::move(coachId)),
      client_("client", std::move(clientId)),
      aiOrb_("aiOrb", kAiOrbParticipantId) {}

Room Room::fromRecord(const RoomRecord& r) {
  auto participants = nlohmann::json::parse(r.participantsJson);
  nlohmann::json tokens = {{"coach", participants.at("coach").at("token")},
                           {"client", participants.at("client").at("token")}};
  Room room(r.roomId, r.sessionId, RoomConfig::fromJson(nlohmann::json::parse(r.configJson)),
            participants.at("coach").at("id").get<std::string>(),
            participants.at("client").at("id").get<std::string>(), r.requestJson, tokens, r.createdAt);
  room.state_ = roomStateFromString(r.state).value_or(RoomState::Waiting);
  room.prewarmedAt_ = r.prewarmedAt;
  room.startedAt_ = r.startedAt;
  room.endedAt_ = r.endedAt;
  room.endReason_ = r.endReason.value_or("");
  room.endedBy_ = r.endedBy.value_or("");
  room.finalDuration_ = r.finalDuration.value_or(0);
  for (auto* seat : {&room.coach_, &room.client_}) {
    const auto& stored = participants.at(seat->role());
    if (auto it = stored.find("removed"); it != stored.end() && it->is_object()) {
      seat->setRemoval(SeatRemoval{it->value("at", int64_t{0}), it->value("reason", "")});
    }
  }
  return room;
}

RoomRecord Room::toRecord() const {
  RoomRecord r;
  r.roomId = roomId_;
  r.sessionId = sessionId_;
  r.state = std::string(toString(state_));
  r.requestJson = requestJson_;
  r.configJson = config_.toJson().dump();
  nlohmann::json participants = {{"coach", {{"id", coach_.id()}, {"token", tokens_.value("coach", "")}}},
                                 {"client", {{"id", client_.id()}, {"token", tokens_.value("client", "")}}}};
  for (const auto* seat : {&coach_, &client_}) {
    if (const auto& removal = seat->removal()) {
      participants[seat->role()]["removed"] = {{"at", removal->at}, {"reason", removal->reason}};
    }
  }
  r.participantsJson = participants.dump();
  r.createdAt = createdAt_;
  r.prewarmedAt = prewarmedAt_;
  r.startedAt = startedAt_;
  r.endedAt = endedAt_;
  if (state_ == RoomState::Ended) {
    r.endReason = endReason_;
    r.endedBy = endedBy_;
    r.finalDuration = finalDuration_;
  }
  return r;
}

void Room::transition(RoomState to) {
  if (!canTransition(state_, to)) {
    throw std::logic_error("illegal room transition " + std::string(toString(state_)) + " -> " +
                           std::string(toString(to)));
  }
  state_ = to;
}

void Room::markEnded(int64_t at, std::string reason, std::string by) {
  endedAt_ = at;
  endReason_ = std::move(reason);
  endedBy_ = std::move(by);
  finalDuration_ = startedAt_ ? std::max<int64_t>(0, (at - *startedAt_) / 1000) : 0;
}

Participant* Room::seat(const std::string& role) {
  if (role == "coach") return &coach_;
  if (role == "client") return &client_;
  if (role == "aiOrb") return &aiOrb_;
  return nullptr;
}

const Participant* Room::seat(const std::string& role) const {
  return const_cast<Room*>(this)->seat(role);
}

int Room::connectedCount() const {
  return static_cast<int>(coach_.connected()) + static_cast<int>(client_.connected()) +
         static_cast<int>(aiOrb_.connected());
}

int64_t Room::currentDurationSeconds(int64_t now) const {
  if (!startedAt_) return 0;
  int64_t end = endedAt_.value_or(now);
  return std::max<int64_t>(0, (end - *startedAt_) / 1000);
}

nlohmann::ordered_json Room::statusJson(int64_t now) const {
  int64_t until = endedAt_.value_or(now);
  auto human = [&](const Participant& p) {
    nlohmann::ordered_json j;
    j["id"] = p.id();
    j["connected"] = p.connected();
    j["joinedAt"] = timeOrNull(p.joinedAt());
    j["leftAt"] = timeOrNull(p.leftAt());
    j["totalDuration"] = p.totalMs(until) / 1000;
    // Set while the main app keeps the seat out (docs/api.md "Removing a participant").
    if (const auto& removal = p.removal()) {
      j["removed"] = {{"at", formatIso8601(removal->at)}, {"reason", removal->reason}};
    } else {
      j["removed"] = nullptr;
    }
    return j;
  };
  nlohmann::ordered_json orb;
  orb["enabled"] = config_.aiOrb.enabled;
  orb["connected"] = aiOrb_.connected();
  orb["joinedAt"] = timeOrNull(aiOrb_.joinedAt());
  orb["leftAt"] = timeOrNull(aiOrb_.leftAt());
  orb["participationPercentage"] = participationPercentage_;

  nlohmann::ordered_json j;
  j["roomId"] = roomId_;
  j["sessionId"] = sessionId_;
  j["status"] = publicStatus(state_);
  j["participants"] = {{"coach", human(coach_)}, {"client", human(client_)}, {"aiOrb", orb}};
  j["actualStartTime"] = timeOrNull(startedAt_);
  j["currentDuration"] = currentDurationSeconds(now);
  j["scheduledStartTime"] = formatIso8601(config_.scheduledStartMs);
  j["endedAt"] = timeOrNull(endedAt_);
  if (state_ == RoomState::Ended) j["endReason"] = endReason_;
  // Whether the session is being recorded now (docs/api.md "Recordings").
  j["recording"] = recording();
  return j;
}

}  // namespace rooms
