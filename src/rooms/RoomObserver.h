#pragma once
// Lets the media plane and the AI parts follow rooms without the room model knowing them.
#include <string>

namespace rooms {

class Room;

class RoomObserver {
 public:
  virtual ~RoomObserver() = default;
  // The first coach or client connected (once per room).
  virtual void onRoomStarted(const Room& room) {}
  virtual void onRoomConfigChanged(const Room& room) {}
  virtual void onRoomEnded(const Room& room) {}
  // The main app removed a seat's participant (its presence is already closed): its connection must go.
  virtual void onParticipantRemoved(const Room& room, const std::string& role, const std::string& reason,
                                    bool allowRejoin) {}
  // Cluster mode: this node took the open room over from a node that died. The seats that were connected
  // there still are (their stays stay open): their pages are expected back, as after a dropped connection.
  virtual void onRoomTakenOver(const Room& room) {}
};

}  // namespace rooms
