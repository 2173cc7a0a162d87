#pragma once
#include <memory>

#include "ai/summary/SummaryEngine.h"
#include "core/Config.h"

namespace rooms::ai {

// The LLM engine with the embedded one as its fallback when config.llmUrl is set, else the embedded
// engine alone. The returned engine owns whatever it falls back to.
std::unique_ptr<SummaryEngine> makeSummaryEngine(const Config& config);

}  // namespace rooms::ai
