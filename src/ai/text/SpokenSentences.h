#pragma once
// A transcript as sentences that remember who said them: the unit the summary and dialog engines work on.
#include <cstddef>
#include <string>
#include <vector>

#include "store/RoomStore.h"

namespace rooms::ai {

struct SpokenSentence {
  std::string text;
  std::string role;  // coach | client | aiOrb
  std::string name;
};

// Sentences of every segment with recognised text, in transcript order. The orb's own words are left out
// when includeOrb is false: they repeat the session back and would count its topics and items twice.
std::vector<SpokenSentence> spokenSentences(const std::vector<TranscriptSegmentRecord>& segments,
                                            bool includeOrb);

std::vector<std::string> sentenceTexts(const std::vector<SpokenSentence>& sentences);

}  // namespace rooms::ai
