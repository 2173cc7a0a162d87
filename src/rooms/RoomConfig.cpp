#include "rooms/RoomConfig.h"

#include <array>

#include "core/Clock.h"

namespace rooms {
namespace {

constexpr std::array kPersonalities = {"supportive", "direct", "reflective"};

const nlohmann::json& requireObject(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw ValidationError(path + " must be an object");
  return j;
}

bool readBool(const nlohmann::json& v, const std::string& path) {
  if (!v.is_boolean()) throw ValidationError(path + " must be a boolean");
  return v.get<bool>();
}

}  // namespace

bool isKnownPersonality(const std::string& p) {
  for (const char* k : kPersonalities) {
    if (p == k) return true;
  }
  return false;
}

nlohmann::ordered_json RoomConfig::toJson() const {
  nlohmann::ordered_json j;
  j["scheduledStartTime"] = formatIso8601(scheduledStartMs);
  j["maxDuration"] = maxDurationSeconds;
  j["aiOrb"] = {
      {"enabled", aiOrb.enabled}, {"personality", aiOrb.personality}, {"voiceModel", aiOrb.voiceModel}};
  j["features"] = {{"recording", features.recording},
                   {"transcription", features.transcription},
                   {"aiAssistance", features.aiAssistance},
                   {"generateSummary", features.generateSummary}};
  return j;
}

RoomConfig RoomConfig::fromJson(const nlohmann::json& j) {
  RoomConfig c;
  auto start = parseIso8601(j.at("scheduledStartTime").get<std::string>());
  c.scheduledStartMs = start.value_or(0);
  c.maxDurationSeconds = j.at("maxDuration").get<int64_t>();
  c.mergeAiOrb(j.at("aiOrb"), "aiOrb");
  c.mergeFeatures(j.at("features"), "features");
  return c;
}

void RoomConfig::mergeAiOrb(const nlohmann::json& j, const std::string& path) {
  requireObject(j, path);
  AiOrbConfig next = aiOrb;
  for (const auto& [key, v] : j.items()) {
    std::string field = path + "." + key;
    if (key == "enabled") {
      next.enabled = readBool(v, field);
    } else if (key == "personality") {
      if (!v.is_string() || !isKnownPersonality(v.get<std::string>()))
        throw ValidationError(field + " must be one of supportive, direct, reflective");
      next.personality = v.get<std::string>();
    } else if (key == "voiceModel") {
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 64)
        throw ValidationError(field + " must be a string of 1 to 64 characters");
      next.voiceModel = v.get<std::string>();
    } else {
      throw ValidationError(field + " is not a known field (enabled, personality, voiceModel)");
    }
  }
  aiOrb = next;
}

void RoomConfig::mergeFeatures(const nlohmann::json& j, const std::string& path) {
  requireObject(j, path);
  RoomFeatures next = features;
  for (const auto& [key, v] : j.items()) {
    std::string field = path + "." + key;
    if (key == "recording") {
      next.recording = readBool(v, field);
    } else if (key == "transcription") {
      next.transcription = readBool(v, field);
    } else if (key == "aiAssistance") {
      next.aiAssistance = readBool(v, field);
    } else if (key == "generateSummary") {
      next.generateSummary = readBool(v, field);
    } else {
      throw ValidationError(
          field + " is not a known field (recording, transcription, aiAssistance, generateSummary)");
    }
  }
  features = next;
}

void RoomConfig::applyPatch(const nlohmann::json& patch) {
  if (!patch.is_object()) throw ValidationError("body must be a JSON object");
  if (patch.empty()) throw ValidationError("body must change at least one of aiOrb, features, maxDuration");
  RoomConfig next = *this;
  for (const auto& [key, v] : patch.items()) {
    if (key == "aiOrb") {
      next.mergeAiOrb(v, "aiOrb");
    } else if (key == "features") {
      next.mergeFeatures(v, "features");
    } else if (key == "maxDuration") {
      if (!v.is_number_integer() || v.get<int64_t>() < kMinDuration || v.get<int64_t>() > kMaxDuration)
        throw ValidationError("maxDuration must be an integer number of seconds from 60 to 86400");
      next.maxDurationSeconds = v.get<int64_t>();
    } else {
      throw ValidationError(key + " is not a configurable field (aiOrb, features, maxDuration)");
    }
  }
  *this = next;
}

}  // namespace rooms
