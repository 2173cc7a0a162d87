#include "ai/summary/SessionSummary.h"

#include <algorithm>
#include <utility>

#include "ai/summary/TalkTime.h"
#include "core/Clock.h"

namespace rooms::ai {
namespace {

// One role's presence. Stays that overlap (a reconnect seen before the old connection closed) count once.
nlohmann::ordered_json attendance(const SummaryInput& in, const std::string& role, int64_t nowMs) {
  std::vector<std::pair<int64_t, int64_t>> stays;  // [joined, left), sorted below
  bool stillOpen = false;
  for (const auto& interval : in.intervals) {
    if (interval.role != role) continue;
    int64_t end = 0;
    if (interval.leftAt) {
      end = *interval.leftAt;
    } else if (in.endedAtMs > 0) {
      end = in.endedAtMs;
    } else {
      end = nowMs;  // still in the room: counts up to now, and has no leave time yet
      stillOpen = true;
    }
    stays.emplace_back(interval.joinedAt, std::max(end, interval.joinedAt));
  }
  nlohmann::ordered_json out;
  out["attended"] = !stays.empty();
  if (stays.empty()) {
    out["duration"] = 0;
    out["joinTime"] = nullptr;
    out["leaveTime"] = nullptr;
    return out;
  }
  std::sort(stays.begin(), stays.end());
  int64_t totalMs = 0, coveredUntil = stays.front().first, lastLeave = stays.front().second;
  for (const auto& [from, to] : stays) {
    const int64_t start = std::max(from, coveredUntil);
    if (to > start) totalMs += to - start;
    coveredUntil = std::max(coveredUntil, to);
    lastLeave = std::max(lastLeave, to);
  }
  out["duration"] = (totalMs + 500) / 1000;
  out["joinTime"] = formatIso8601(stays.front().first);
  out["leaveTime"] =
      stillOpen ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(formatIso8601(lastLeave));
  return out;
}

}  // namespace

nlohmann::ordered_json buildSessionSummary(const SummaryInput& in, SummaryEngine& engine, int64_t nowMs) {
  const SummaryText text = engine.summarize(in);
  nlohmann::ordered_json stats = nlohmann::ordered_json::object();
  for (const auto& r : talkTime(in.segments)) {
    stats[r.role] = {{"talkTime", (r.talkMs + 500) / 1000}, {"talkPercentage", r.percentage}};
  }
  nlohmann::ordered_json summary;
  summary["generatedAt"] = formatIso8601(nowMs);
  summary["textSummary"] = text.textSummary;
  summary["keyTopics"] = text.keyTopics;
  summary["actionItems"] = text.actionItems;
  summary["sentiment"] = text.sentiment;
  summary["transcriptionAvailable"] =
      std::any_of(in.segments.begin(), in.segments.end(), [](const auto& s) { return !s.text.empty(); });
  summary["participantStats"] = std::move(stats);
  summary["engine"] = text.engine;

  nlohmann::ordered_json out;
  out["roomId"] = in.roomId;
  out["sessionId"] = in.sessionId;
  out["summary"] = std::move(summary);
  out["attendance"] = {{"coach", attendance(in, "coach", nowMs)},
                       {"client", attendance(in, "client", nowMs)}};
  return out;
}

}  // namespace rooms::ai
