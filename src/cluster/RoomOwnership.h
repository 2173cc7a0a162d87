#pragma once
// Which node holds a room. One node holds every room (SoleOwnership); in a cluster each open room has an
// owner lease in Redis that exactly one node holds and renews (RedisRoomLeases). RoomManager keeps live
// state only for the rooms it holds, and gives up a room whose lease it lost.
#include <optional>
#include <string>
#include <vector>

namespace rooms::cluster {

class RoomOwnership {
 public:
  virtual ~RoomOwnership() = default;
  virtual bool clustered() const = 0;
  virtual const std::string& nodeId() const = 0;
  // Takes the room for this node or confirms this node holds it; false when another node does, or when the
  // lease store cannot be reached (holding a room nobody can vouch for would split it).
  virtual bool acquire(const std::string& roomId) = 0;
  // Renews the leases of the rooms this node holds; returns those it no longer holds.
  virtual std::vector<std::string> renew(const std::vector<std::string>& roomIds) = 0;
  virtual void release(const std::string& roomId) = 0;
  // The node holding the room, or nullopt when none does (never created, ended, or its owner died).
  virtual std::optional<std::string> owner(const std::string& roomId) = 0;
  // Of these rooms, those no node holds (one round trip, for the orphan scan). Throws when the lease store
  // cannot be reached.
  virtual std::vector<std::string> unheld(const std::vector<std::string>& roomIds) = 0;
};

}  // namespace rooms::cluster
