#pragma once
// Lets the media plane and the AI parts follow rooms without the room model knowing them.
namespace rooms {

class Room;

class RoomObserver {
 public:
  virtual ~RoomObserver() = default;
  // The first coach or client connected (once per room).
  virtual void onRoomStarted(const Room& room) {}
  virtual void onRoomConfigChanged(const Room& room) {}
  virtual void onRoomEnded(const Room& room) {}
};

}  // namespace rooms
