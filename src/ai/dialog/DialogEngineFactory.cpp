#include "ai/dialog/DialogEngineFactory.h"

#include "ai/dialog/LlmDialogEngine.h"
#include "ai/dialog/RuleDialogEngine.h"

namespace rooms::ai {
namespace {

// LlmDialogEngine only borrows its fallback; this keeps the two together, the fallback declared first so
// it is built before and destroyed after the engine that refers to it.
class LlmDialogWithRuleFallback final : public DialogEngine {
 public:
  explicit LlmDialogWithRuleFallback(OpenAiEndpoint endpoint) : llm_(std::move(endpoint), fallback_) {}
  std::string reply(const DialogRequest& request) override { return llm_.reply(request); }

 private:
  RuleDialogEngine fallback_;
  LlmDialogEngine llm_;
};

}  // namespace

std::unique_ptr<DialogEngine> makeDialogEngine(const Config& config) {
  if (config.llmUrl.empty()) return std::make_unique<RuleDialogEngine>();
  return std::make_unique<LlmDialogWithRuleFallback>(
      OpenAiEndpoint{config.llmUrl, config.llmKey, config.llmModel, config.llmTimeoutMs});
}

}  // namespace rooms::ai
