#pragma once
// Everything a session summary is made from, read by the caller from the store when a room ends.
#include <cstdint>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::ai {

struct SummaryInput {
  std::string roomId;
  std::string sessionId;
  int64_t startedAtMs = 0;  // 0: the session never started
  int64_t endedAtMs = 0;    // 0: not ended (open presence then runs to "now")
  int64_t finalDurationSeconds = 0;
  std::vector<TranscriptSegmentRecord> segments;  // oldest first; text may be empty (speech not recognised)
  std::vector<IntervalRecord> intervals;          // presence stays; an open one (no leftAt) ends at endedAtMs
  bool transcriptionEnabled = true;
  std::string personality;  // the orb's: supportive | direct | reflective
};

}  // namespace rooms::ai
