#pragma once
// Owner leases in Redis: rooms:owner:<roomId> holds the owner's node id and expires unless renewed. Taken
// with SET NX, renewed and released by scripts that act only when the value is still this node's, so a
// node that lost a lease (it stalled past the expiry and another took the room) cannot renew or delete the
// new owner's. Control-plane thread only.
#include "cluster/RedisConnection.h"
#include "cluster/RoomOwnership.h"

namespace rooms::cluster {

class RedisRoomLeases : public RoomOwnership {
 public:
  // The lease outlives a missed renewal or two (renewed every second by RoomManager::tick), and a dead
  // owner's rooms are free this long after its last renewal.
  static constexpr int64_t kLeaseMs = 6000;

  RedisRoomLeases(RedisConnection& redis, std::string nodeId, int64_t leaseMs = kLeaseMs)
      : redis_(redis), nodeId_(std::move(nodeId)), leaseMs_(leaseMs) {}

  bool clustered() const override { return true; }
  const std::string& nodeId() const override { return nodeId_; }
  bool acquire(const std::string& roomId) override;
  std::vector<std::string> renew(const std::vector<std::string>& roomIds) override;
  void release(const std::string& roomId) override;
  std::optional<std::string> owner(const std::string& roomId) override;
  std::vector<std::string> unheld(const std::vector<std::string>& roomIds) override;

 private:
  RedisConnection& redis_;
  std::string nodeId_;
  int64_t leaseMs_;
};

}  // namespace rooms::cluster
