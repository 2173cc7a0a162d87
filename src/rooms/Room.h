#pragma once
// A room as the control plane knows it: identity, lifecycle state, configuration and its three seats.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "rooms/Participant.h"
#include "rooms/RoomConfig.h"
#include "rooms/RoomState.h"
#include "store/RoomStore.h"

namespace rooms {

inline constexpr const char* kAiOrbParticipantId = "ai-orb";

class Room {
 public:
  Room(std::string roomId, std::string sessionId, RoomConfig config, std::string coachId,
       std::string clientId, std::string requestJson, nlohmann::json participantTokens, int64_t createdAt);
  static Room fromRecord(const RoomRecord& r);
  RoomRecord toRecord() const;

  const std::string& id() const { return roomId_; }
  const std::string& sessionId() const { return sessionId_; }
  RoomState state() const { return state_; }
  const RoomConfig& config() const { return config_; }
  RoomConfig& mutableConfig() { return config_; }
  const std::string& requestJson() const { return requestJson_; }
  // {"coach": "<jwt>", "client": "<jwt>"} as given at creation, for connection URLs.
  const nlohmann::json& participantTokens() const { return tokens_; }

  // Checked transition; throws std::logic_error on an illegal one (a bug, not bad input).
  void transition(RoomState to);

  std::optional<int64_t> createdAt() const { return createdAt_; }
  std::optional<int64_t> prewarmedAt() const { return prewarmedAt_; }
  std::optional<int64_t> startedAt() const { return startedAt_; }
  std::optional<int64_t> endedAt() const { return endedAt_; }
  const std::string& endReason() const { return endReason_; }
  const std::string& endedBy() const { return endedBy_; }
  int64_t finalDuration() const { return finalDuration_; }
  void markPrewarmed(int64_t at) { prewarmedAt_ = at; }
  void markStarted(int64_t at) { startedAt_ = at; }
  void markEnded(int64_t at, std::string reason, std::string by);

  // "coach", "client" or "aiOrb"; nullptr for anything else.
  Participant* seat(const std::string& role);
  const Participant* seat(const std::string& role) const;
  Participant& coach() { return coach_; }
  Participant& client() { return client_; }
  Participant& aiOrb() { return aiOrb_; }
  const Participant& coach() const { return coach_; }
  const Participant& client() const { return client_; }
  const Participant& aiOrb() const { return aiOrb_; }
  int connectedCount() const;
  // Seconds from the actual start until now (or until the end); 0 before anyone joined.
  int64_t currentDurationSeconds(int64_t now) const;
  // AI Orb share of all talk time, 0..100. Fed by the speech pipeline; 0 until it reports.
  int participationPercentage() const { return participationPercentage_; }
  void setParticipationPercentage(int p) { participationPercentage_ = p; }

  // Whether the session is being recorded now: switched on and not over.
  bool recording() const { return config_.features.recording && state_ != RoomState::Ended; }

  // GET /status body.
  nlohmann::ordered_json statusJson(int64_t now) const;

 private:
  std::string roomId_;
  std::string sessionId_;
  RoomState state_ = RoomState::Waiting;
  RoomConfig config_;
  std::string requestJson_;
  nlohmann::json tokens_;
  int64_t createdAt_ = 0;
  std::optional<int64_t> prewarmedAt_;
  std::optional<int64_t> startedAt_;
  std::optional<int64_t> endedAt_;
  std::string endReason_;
  std::string endedBy_;
  int64_t finalDuration_ = 0;
  int participationPercentage_ = 0;
  Participant coach_;
  Participant client_;
  Participant aiOrb_;
};

}  // namespace rooms
