#include "ai/summary/SessionFacts.h"

namespace rooms::ai {

int64_t sessionSeconds(const SummaryInput& in) {
  if (in.finalDurationSeconds > 0) return in.finalDurationSeconds;
  if (in.startedAtMs > 0 && in.endedAtMs > in.startedAtMs) return (in.endedAtMs - in.startedAtMs) / 1000;
  if (!in.segments.empty()) {
    const int64_t span = in.segments.back().endMs - in.segments.front().startMs;
    if (span > 0) return span / 1000;
  }
  return 0;
}

std::string lengthAdjective(int64_t seconds) {
  if (seconds <= 0) return "";
  if (seconds < 60) return std::to_string(seconds) + "-second";
  return std::to_string((seconds + 30) / 60) + "-minute";
}

std::string roleNoun(const std::string& role) {
  if (role == "coach") return "the coach";
  if (role == "client") return "the client";
  if (role == "aiOrb") return "the AI Orb";
  return "a participant";
}

}  // namespace rooms::ai
