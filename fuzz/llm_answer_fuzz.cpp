// What an OpenAI-compatible server answers is untrusted text from the network: the summary engine's strict
// parser and the dialog engine's speakable-reply cleaner must refuse or tidy anything without crashing,
// and what they accept must respect their limits.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "ai/dialog/SpokenReply.h"
#include "ai/summary/LlmSummaryEngine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto s = rooms::ai::LlmSummaryEngine::parseReply(text);
    if (s.textSummary.empty() || s.keyTopics.size() > 10 || s.actionItems.size() > 20) __builtin_trap();
  } catch (const std::invalid_argument&) {
  }
  const std::string reply = rooms::ai::speakableReply(text);
  if (reply.size() > 400 + 8) __builtin_trap();
  return 0;
}
