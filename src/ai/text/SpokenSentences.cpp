#include "ai/text/SpokenSentences.h"

#include "ai/text/Sentences.h"

namespace rooms::ai {

std::vector<SpokenSentence> spokenSentences(const std::vector<TranscriptSegmentRecord>& segments,
                                            bool includeOrb) {
  std::vector<SpokenSentence> out;
  for (const auto& segment : segments) {
    if (!includeOrb && segment.role == "aiOrb") continue;
    for (auto& text : splitSentences(segment.text))
      out.push_back({std::move(text), segment.role, segment.name});
  }
  return out;
}

std::vector<std::string> sentenceTexts(const std::vector<SpokenSentence>& sentences) {
  std::vector<std::string> out;
  out.reserve(sentences.size());
  for (const auto& s : sentences) out.push_back(s.text);
  return out;
}

}  // namespace rooms::ai
