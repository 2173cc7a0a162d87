#include "ai/summary/SessionSummary.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "ai/summary/TalkTime.h"
#include "core/Clock.h"

namespace rooms::ai {
namespace {

nlohmann::ordered_json isoOrNull(std::optional<int64_t> ms) {
  if (!ms) return nullptr;
  return formatIso8601(*ms);
}

// One role's presence. Stays that overlap (a reconnect seen before the old connection closed) count once.
nlohmann::ordered_json attendance(const SummaryInput& in, const std::string& role, int64_t nowMs) {
  std::vector<std::pair<int64_t, int64_t>> stays;
  std::optional<int64_t> joinTime, leaveTime;
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
    end = std::max(end, interval.joinedAt);
    stays.emplace_back(interval.joinedAt, end);
    joinTime = joinTime ? std::min(*joinTime, interval.joinedAt) : interval.joinedAt;
    leaveTime = leaveTime ? std::max(*leaveTime, end) : end;
  }
  std::sort(stays.begin(), stays.end());
  int64_t totalMs = 0, coveredUntil = std::numeric_limits<int64_t>::min();
  for (const auto& [from, to] : stays) {
    const int64_t start = std::max(from, coveredUntil);
    if (to > start) totalMs += to - start;
    coveredUntil = std::max(coveredUntil, to);
  }
  if (stillOpen) leaveTime.reset();
  nlohmann::ordered_json out;
  out["attended"] = !stays.empty();
  out["duration"] = (totalMs + 500) / 1000;
  out["joinTime"] = isoOrNull(joinTime);
  out["leaveTime"] = isoOrNull(leaveTime);
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
