#pragma once
// The cluster's live nodes, in Redis: each node writes its NodeInfo under rooms:node:<id> with a short
// expiry every second (a node that stops writing is gone within the expiry) and keeps its id in the set
// rooms:nodes. Control-plane thread only (one Redis connection).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cluster/NodeInfo.h"
#include "cluster/RedisConnection.h"

namespace rooms::cluster {

class NodeRegistry {
 public:
  static constexpr int64_t kNodeTtlMs = 5000;

  explicit NodeRegistry(RedisConnection& redis) : redis_(redis) {}

  // Throws RedisError.
  void heartbeat(const NodeInfo& self);
  // Live nodes, this one included; forgets ids whose heartbeat expired. Throws RedisError.
  std::vector<NodeInfo> liveNodes();
  std::optional<NodeInfo> node(const std::string& id);
  // On a clean stop: the node is gone at once, not after its expiry.
  void leave(const std::string& id);

 private:
  RedisConnection& redis_;
};

}  // namespace rooms::cluster
