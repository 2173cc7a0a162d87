#pragma once
// What the embedded engines know about a conversation: its key phrases, action items, tone and the
// sentences that stand for it, all from what the coach and the client said (the orb's words only repeat
// them). The summary uses the whole transcript, the orb's dialog the last few minutes.
#include <cstddef>
#include <string>
#include <vector>

#include "ai/text/SpokenSentences.h"
#include "store/RoomStore.h"

namespace rooms::ai {

struct TranscriptInsights {
  std::vector<SpokenSentence> sentences;  // the coach's and client's, in transcript order
  std::vector<std::string> keyTopics;     // best first, at most 6
  std::vector<std::string> actionItems;   // in the order said, at most 8
  std::string sentiment;                  // positive | neutral | negative | mixed
  std::vector<size_t> highlights;         // indices into sentences, in order, at most highlightCount
};

TranscriptInsights analyzeTranscript(const std::vector<TranscriptSegmentRecord>& segments,
                                     size_t highlightCount);

}  // namespace rooms::ai
