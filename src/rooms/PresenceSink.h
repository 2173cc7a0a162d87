#pragma once
// The interface the media plane calls as participants connect and disconnect. One seat may have several
// connections (two tabs, a reconnect overlapping the old one); the seat is present while any is open.
#include <string>

namespace rooms {

// Removed: the main app keeps this seat out (RoomManager::removeParticipant).
enum class PresenceResult { Ok, RoomNotFound, RoomEnded, UnknownRole, UnknownConnection, Removed };
const char* toString(PresenceResult r);

class PresenceSink {
 public:
  virtual ~PresenceSink() = default;
  // role: "coach", "client" or "aiOrb". connectionId: unique per transport connection.
  virtual PresenceResult participantConnected(const std::string& roomId, const std::string& role,
                                              const std::string& connectionId) = 0;
  // reason: free text for the log and the participant-left event ("left", "timeout", "room_ended", ...).
  // atMs: when the connection was really lost (a reconnect grace period may end later); 0 means now.
  virtual PresenceResult participantDisconnected(const std::string& roomId, const std::string& role,
                                                 const std::string& connectionId, const std::string& reason,
                                                 int64_t atMs = 0) = 0;
};

}  // namespace rooms
