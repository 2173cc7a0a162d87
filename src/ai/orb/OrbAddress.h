#pragma once
// Whether a recognised sentence speaks to the orb ("Orb, what should I focus on?"), and what it asks.
#include <optional>
#include <string>

#include "ai/speech/SpeechRecognizer.h"

namespace rooms::ai {

// The request with the name and greeting removed, or nullopt when the orb is not addressed: the sentence
// starts with "orb" (after an optional "hey", "ok", "so", ...) or has the word "orb" in it.
std::optional<std::string> orbAddressedRequest(const std::string& text);

// Puts the orb's name into a recognition where the keyword pass heard it. The language model writes the
// name as some other word ("orange", "org", "aren't", "board"); when such a name slot (one or two words at
// the start, after a greeting and before a request such as "what ..." or "can you ...", or one or two words
// ending a question; or, at the start, a word beginning with "orb" or one of the model's spellings of the
// name that rarely start a sentence otherwise: "org", "orange", "barb") lies where the keyword decoder heard
// "orb", those words become "orb". A request word is never the slot ("what should I say"). Neither the word
// alone nor the keyword alone is enough: "or maybe we ..." has the keyword and no request after it, "I bought
// a new board" has neither a slot nor the keyword. Returns whether it named the orb.
bool markOrbAddress(Recognition& recognition);

}  // namespace rooms::ai
