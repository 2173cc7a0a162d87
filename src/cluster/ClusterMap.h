#pragma once
// Where things are in the cluster, for the API: which node holds a room, and where a new room goes. Reads
// Redis (the registry and the leases) on each call; control-plane thread only.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/NodeInfo.h"
#include "cluster/NodeRegistry.h"
#include "cluster/RoomOwnership.h"

namespace rooms::cluster {

class ClusterMap {
 public:
  ClusterMap(NodeRegistry& registry, RoomOwnership& ownership) : registry_(registry), ownership_(ownership) {}

  const std::string& selfId() const { return ownership_.nodeId(); }
  // The live node other than this one that holds the room; nullopt when this node holds it or nobody
  // does (then this node answers, and takes the room if it is open: RoomManager::load). Throws RedisError.
  std::optional<NodeInfo> ownerElsewhere(const std::string& roomId);
  // The node a new room goes to (cluster/Placement.h); nullopt when no live node takes rooms. Heartbeats
  // come once a second, so the rooms this node placed since a node's last heartbeat are added to its count:
  // a burst of creates spreads instead of all landing on the node that looked emptiest a second ago.
  std::optional<NodeInfo> placeNewRoom(int64_t now);
  std::vector<NodeInfo> nodes() { return registry_.liveNodes(); }

 private:
  NodeRegistry& registry_;
  RoomOwnership& ownership_;
  std::unordered_map<std::string, std::vector<int64_t>> placedAt_;  // node id -> times this node placed rooms
};

}  // namespace rooms::cluster
