#pragma once
// When a speaker who addressed the orb has finished their turn. A person who pauses after "Orb, what should I
// focus on this week" is done; one who pauses after "Orb, what should I" is thinking. The words so far decide
// how long a pause ends the turn (docs/ai.md, "Turn detection"): OrbTiming::finishedTurnPauseMs after a
// finished request, the segmenter's end of utterance (700 ms) otherwise.
#include <cstdint>
#include <string>

namespace rooms::ai {

// Whether the request (the words after the orb's name) reads as a complete question or request: at least two
// words, and not ending on a word that leaves the sentence open ("and", "the", "my", "um", "what" ...).
bool isFinishedRequest(const std::string& request);

}  // namespace rooms::ai
