#pragma once
// The summary from an OpenAI-compatible chat model, asked for a JSON object and checked strictly. Any
// failure (no answer in time, an HTTP error, JSON that is not the object asked for) falls back to another
// engine, so a session always gets a summary.
#include <string>

#include "ai/OpenAiClient.h"
#include "ai/summary/SummaryEngine.h"

namespace rooms::ai {

class LlmSummaryEngine final : public SummaryEngine {
 public:
  // fallback must outlive this engine.
  LlmSummaryEngine(OpenAiEndpoint endpoint, SummaryEngine& fallback);

  SummaryText summarize(const SummaryInput& in) override;

  // The model's answer as a SummaryText (engine "llm"); throws std::invalid_argument saying what is wrong
  // when it is not a JSON object with a non-empty textSummary string, keyTopics and actionItems arrays of
  // non-empty strings within limits, and a sentiment of positive|neutral|negative|mixed.
  static SummaryText parseReply(const std::string& content);

 private:
  OpenAiClient client_;
  SummaryEngine& fallback_;
};

}  // namespace rooms::ai
