#pragma once
// The body of GET /api/rooms/{id}/summary (ROOM_HANDLER.md, "3. Get Session Summary"): the engine's text
// parts plus talk statistics and attendance computed here from the segments and presence intervals.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "ai/summary/SummaryEngine.h"
#include "ai/summary/SummaryInput.h"

namespace rooms::ai {

// Fields in the spec's order; summary.engine ("embedded" or "llm") is our addition. Blocks for as long as
// the engine does (an LLM engine makes an HTTP call).
nlohmann::ordered_json buildSessionSummary(const SummaryInput& in, SummaryEngine& engine, int64_t nowMs);

}  // namespace rooms::ai
