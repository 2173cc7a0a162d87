#include "ai/orb/OrbState.h"

namespace rooms::ai {

const char* toString(OrbState s) {
  switch (s) {
    case OrbState::Listening:
      return "listening";
    case OrbState::Thinking:
      return "thinking";
    case OrbState::WaitingForSilence:
      return "waiting";
    case OrbState::Speaking:
      return "speaking";
  }
  return "unknown";
}

bool isAllowed(OrbState from, OrbState to) {
  switch (from) {
    case OrbState::Listening:
      return to == OrbState::Thinking;
    case OrbState::Thinking:
      // Listening: the reply came back empty or failed.
      return to == OrbState::WaitingForSilence || to == OrbState::Listening;
    case OrbState::WaitingForSilence:
      // Listening: it waited too long, the moment has passed.
      return to == OrbState::Speaking || to == OrbState::Listening;
    case OrbState::Speaking:
      return to == OrbState::Listening;
  }
  return false;
}

}  // namespace rooms::ai
