#pragma once
// Whether a recognised sentence speaks to the orb ("Orb, what should I focus on?"), and what it asks.
#include <optional>
#include <string>

namespace rooms::ai {

// The request with the name and greeting removed, or nullopt when the orb is not addressed. The embedded
// recognizer's language model rarely writes "orb" (it prefers "orange", "org", "or b"), so those variants at
// the start of a sentence count as the name too; anywhere else only "orb" itself does.
std::optional<std::string> orbAddressedRequest(const std::string& text);

}  // namespace rooms::ai
