#include "ai/text/TranscriptInsights.h"

#include "ai/text/ActionItemExtractor.h"
#include "ai/text/KeyPhraseExtractor.h"
#include "ai/text/SentenceRanker.h"
#include "ai/text/SentimentAnalyzer.h"

namespace rooms::ai {

TranscriptInsights analyzeTranscript(const std::vector<TranscriptSegmentRecord>& segments,
                                     size_t highlightCount) {
  TranscriptInsights out;
  out.sentences = spokenSentences(segments, false);
  const auto texts = sentenceTexts(out.sentences);
  out.keyTopics = extractKeyPhrases(texts, 6);
  out.actionItems = extractActionItems(texts, 8);
  out.sentiment = classifySentiment(scoreSentiment(texts));
  out.highlights = rankSentences(texts, highlightCount);
  return out;
}

}  // namespace rooms::ai
