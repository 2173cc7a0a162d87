#pragma once
// Turns a session into the text parts of its summary. Engines are pure functions of their input (plus HTTP
// for the LLM one): no threads, no database; the caller runs them on a worker thread.
#include <string>
#include <vector>

#include "ai/summary/SummaryInput.h"

namespace rooms::ai {

struct SummaryText {
  std::string textSummary;
  std::vector<std::string> keyTopics;
  std::vector<std::string> actionItems;
  std::string sentiment;  // positive | neutral | negative | mixed
  std::string engine;     // "embedded" or "llm": which engine produced this
};

class SummaryEngine {
 public:
  virtual ~SummaryEngine() = default;
  virtual SummaryText summarize(const SummaryInput& in) = 0;
};

}  // namespace rooms::ai
