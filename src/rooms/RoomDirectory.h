#pragma once
// Where the layers above the room model (signaling, and later a node that forwards to the room's owner)
// look a room up, without holding the manager that changes it. On one node that is RoomManager; with
// several nodes it answers only for the rooms this node holds (issue 17's seam).
#include <memory>
#include <string>

#include "rooms/Room.h"

namespace rooms {

class RoomDirectory {
 public:
  virtual ~RoomDirectory() = default;
  // The room's model as it is now, or nullptr when there is no such room. In a cluster, an open room another
  // node holds is a snapshot from the store (and one whose owner died is taken over by this lookup).
  virtual std::shared_ptr<const Room> find(const std::string& roomId) = 0;
  // Whether this node holds the room's live state (always, for an open room on a lone node).
  virtual bool holds(const std::string& roomId) const = 0;
};

}  // namespace rooms
