#pragma once
// The orb's replies from an OpenAI-compatible chat model, given the orb's role and personality and the
// recent transcript. The answer is made speakable (no markdown, at most three sentences, about 400
// characters); any failure falls back to another engine, so the orb always has something to say.
#include <string>

#include "ai/OpenAiClient.h"
#include "ai/dialog/DialogEngine.h"

namespace rooms::ai {

class LlmDialogEngine final : public DialogEngine {
 public:
  // fallback must outlive this engine.
  LlmDialogEngine(OpenAiEndpoint endpoint, DialogEngine& fallback);

  std::string reply(const DialogRequest& request) override;

 private:
  OpenAiClient client_;
  DialogEngine& fallback_;
};

}  // namespace rooms::ai
