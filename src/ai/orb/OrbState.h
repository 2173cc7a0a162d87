#pragma once
// The AI Orb's conversational state. Transitions are checked: an illegal one is a bug and throws.
#include <cstdint>

namespace rooms::ai {

enum class OrbState : uint8_t {
  Listening,          // hears the transcript, may decide to speak
  Thinking,           // a reply is being written and synthesised off-thread
  WaitingForSilence,  // the reply is ready; a human is talking, so it waits
  Speaking,           // its audio is going out
};

const char* toString(OrbState s);
bool isAllowed(OrbState from, OrbState to);

}  // namespace rooms::ai
