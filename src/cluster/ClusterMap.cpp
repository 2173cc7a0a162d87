#include "cluster/ClusterMap.h"

#include "cluster/Placement.h"

namespace rooms::cluster {

std::optional<NodeInfo> ClusterMap::ownerElsewhere(const std::string& roomId) {
  auto owner = ownership_.owner(roomId);
  if (!owner || *owner == selfId()) {
    return std::nullopt;
  }
  // A lease whose node stopped heartbeating is about to expire: nobody to forward to.
  return registry_.node(*owner);
}

std::optional<NodeInfo> ClusterMap::placeNewRoom(int64_t now) {
  auto nodes = registry_.liveNodes();
  for (auto& n : nodes) {
    auto it = placedAt_.find(n.id);
    if (it == placedAt_.end()) {
      continue;
    }
    auto& times = it->second;
    // What the node's heartbeat already counts is dropped; what it cannot count yet is added.
    std::erase_if(times, [&](int64_t t) { return t < n.heartbeatAt; });
    n.rooms += static_cast<int64_t>(times.size());
  }
  auto chosen = choosePlacement(nodes);
  if (chosen) {
    placedAt_[chosen->id].push_back(now);
  }
  return chosen;
}

}  // namespace rooms::cluster
