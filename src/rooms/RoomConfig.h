#pragma once
// A room's live configuration: schedule, AI Orb and features. Parsed strictly from the create body and from
// PATCH /config (unknown fields and wrong types are errors), so what the main app meant is what runs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace rooms {

// A field-level validation failure; the message names the field ("config.maxDuration must be ...").
class ValidationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AiOrbConfig {
  bool enabled = false;
  std::string personality = "supportive";
  std::string voiceModel = "default";
};

struct RoomFeatures {
  bool recording = false;
  bool transcription = true;
  bool aiAssistance = false;
  bool generateSummary = true;
};

struct RoomConfig {
  int64_t scheduledStartMs = 0;
  int64_t maxDurationSeconds = 3600;
  AiOrbConfig aiOrb;
  RoomFeatures features;

  static constexpr int64_t kMinDuration = 60;
  static constexpr int64_t kMaxDuration = 86400;

  nlohmann::ordered_json toJson() const;
  // Reads what toJson wrote (the stored form).
  static RoomConfig fromJson(const nlohmann::json& j);

  // Merges a participants.aiOrb object of the create body / PATCH body into aiOrb. path is the field prefix
  // used in messages ("participants.aiOrb").
  void mergeAiOrb(const nlohmann::json& j, const std::string& path);
  void mergeFeatures(const nlohmann::json& j, const std::string& path);
  // PATCH /config: {"aiOrb": {...}, "features": {...}, "maxDuration": n}; anything else is rejected.
  // Applies all or nothing.
  void applyPatch(const nlohmann::json& patch);
};

bool isKnownPersonality(const std::string& p);

}  // namespace rooms
