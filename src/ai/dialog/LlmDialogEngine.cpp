#include "ai/dialog/LlmDialogEngine.h"

#include "ai/PromptTranscript.h"
#include "ai/dialog/SpokenReply.h"
#include "core/Log.h"

namespace rooms::ai {
namespace {

constexpr size_t kTranscriptChars = 6000;
constexpr double kTemperature = 0.7;

std::string personalityGuide(const std::string& personality) {
  if (personality == "direct") {
    return "Your personality is direct: brief and candid, you push gently toward concrete commitments with "
           "deadlines.";
  }
  if (personality == "reflective") {
    return "Your personality is reflective: you ask open questions and mirror back what the client said, so "
           "they "
           "find their own answers.";
  }
  return "Your personality is supportive: warm and encouraging, you acknowledge effort and progress.";
}

std::string systemPrompt(const DialogRequest& r) {
  return "You are the AI Orb, an AI participant in a live video coaching session between a coach and a "
         "client. Your words are spoken aloud by a speech synthesizer. " +
         personalityGuide(r.personality) +
         " Reply in plain spoken English with one to three short sentences: no lists, no markdown, no "
         "emojis, no "
         "speaker label. Support the coach's work rather than taking over the session, and use only what was "
         "said in the transcript.";
}

std::string userPrompt(const DialogRequest& r) {
  std::string out = "Recent transcript (oldest first):\n";
  const std::string transcript = promptTranscript(r.recent, kTranscriptChars);
  out += transcript.empty() ? "(nothing said yet)\n" : transcript;
  out += "\nThe session has been running for " + std::to_string(r.elapsedSeconds / 60) + " minutes.\n";
  if (r.trigger == DialogTrigger::CheckIn) {
    out += "Nobody has addressed you. Offer a brief check-in that fits the conversation so far.";
  } else {
    const std::string who =
        r.speakerName.empty() ? "The " + r.speakerRole : r.speakerName + " (" + r.speakerRole + ")";
    out += who + " said to you: \"" + r.utterance + "\"\nAnswer them.";
  }
  return out;
}

}  // namespace

LlmDialogEngine::LlmDialogEngine(OpenAiEndpoint endpoint, DialogEngine& fallback)
    : client_(std::move(endpoint)), fallback_(fallback) {}

std::string LlmDialogEngine::reply(const DialogRequest& request) {
  try {
    const std::string answer =
        client_.chat({{"system", systemPrompt(request)}, {"user", userPrompt(request)}}, kTemperature, false);
    std::string spoken = speakableReply(answer);
    if (!spoken.empty()) return spoken;
    log::warn("dialog_llm_fallback", {{"reason", "the answer has nothing speakable"}});
  } catch (const std::exception& e) {
    log::warn("dialog_llm_fallback", {{"reason", e.what()}});
  }
  return fallback_.reply(request);
}

}  // namespace rooms::ai
