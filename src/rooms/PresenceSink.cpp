#include "rooms/PresenceSink.h"

namespace rooms {

const char* toString(PresenceResult r) {
  switch (r) {
    case PresenceResult::Ok:
      return "ok";
    case PresenceResult::RoomNotFound:
      return "room_not_found";
    case PresenceResult::RoomEnded:
      return "room_ended";
    case PresenceResult::UnknownRole:
      return "unknown_role";
    case PresenceResult::UnknownConnection:
      return "unknown_connection";
    case PresenceResult::Removed:
      return "removed";
  }
  return "unknown";
}

}  // namespace rooms
