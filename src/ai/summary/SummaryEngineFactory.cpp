#include "ai/summary/SummaryEngineFactory.h"

#include "ai/summary/ExtractiveSummaryEngine.h"
#include "ai/summary/LlmSummaryEngine.h"

namespace rooms::ai {
namespace {

// LlmSummaryEngine only borrows its fallback; this keeps the two together, the fallback declared first so
// it is built before and destroyed after the engine that refers to it.
class LlmSummaryWithEmbeddedFallback final : public SummaryEngine {
 public:
  explicit LlmSummaryWithEmbeddedFallback(OpenAiEndpoint endpoint) : llm_(std::move(endpoint), fallback_) {}
  SummaryText summarize(const SummaryInput& in) override { return llm_.summarize(in); }

 private:
  ExtractiveSummaryEngine fallback_;
  LlmSummaryEngine llm_;
};

}  // namespace

std::unique_ptr<SummaryEngine> makeSummaryEngine(const Config& config) {
  if (config.llmUrl.empty()) return std::make_unique<ExtractiveSummaryEngine>();
  return std::make_unique<LlmSummaryWithEmbeddedFallback>(
      OpenAiEndpoint{config.llmUrl, config.llmKey, config.llmModel, config.llmTimeoutMs});
}

}  // namespace rooms::ai
