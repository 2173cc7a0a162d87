#pragma once
#include <memory>

#include "ai/dialog/DialogEngine.h"
#include "core/Config.h"

namespace rooms::ai {

// The LLM engine with the rule engine as its fallback when config.llmUrl is set, else the rule engine
// alone. The returned engine owns whatever it falls back to.
std::unique_ptr<DialogEngine> makeDialogEngine(const Config& config);

}  // namespace rooms::ai
