#pragma once
// Plain facts about a session that both the summary text and its JSON need.
#include <cstdint>
#include <string>

#include "ai/summary/SummaryInput.h"

namespace rooms::ai {

// The session's length in seconds: its final duration, else end minus start, else the span of its
// transcript, else 0.
int64_t sessionSeconds(const SummaryInput& in);

// "45-minute", "40-second", or "" for an unknown length; rounds to whole minutes from a minute on.
std::string lengthAdjective(int64_t seconds);

// "the coach", "the client", "the AI Orb".
std::string roleNoun(const std::string& role);

}  // namespace rooms::ai
