#include "rooms/RoomState.h"

namespace rooms {

bool canTransition(RoomState from, RoomState to) {
  switch (from) {
    case RoomState::Waiting:
      return to == RoomState::Ready || to == RoomState::Active || to == RoomState::Ended;
    case RoomState::Ready:
      return to == RoomState::Active || to == RoomState::Ended;
    case RoomState::Active:
      return to == RoomState::Ended;
    case RoomState::Ended:
      return false;
  }
  return false;
}

std::string_view toString(RoomState s) {
  switch (s) {
    case RoomState::Waiting:
      return "waiting";
    case RoomState::Ready:
      return "ready";
    case RoomState::Active:
      return "active";
    case RoomState::Ended:
      return "ended";
  }
  return "unknown";
}

std::optional<RoomState> roomStateFromString(std::string_view s) {
  if (s == "waiting") return RoomState::Waiting;
  if (s == "ready") return RoomState::Ready;
  if (s == "active") return RoomState::Active;
  if (s == "ended") return RoomState::Ended;
  return std::nullopt;
}

std::string_view publicStatus(RoomState s) {
  return s == RoomState::Ready ? "waiting" : toString(s);
}

}  // namespace rooms
