#pragma once
// A lone roomsd holds every room: nothing to lease.
#include "cluster/RoomOwnership.h"

namespace rooms::cluster {

class SoleOwnership : public RoomOwnership {
 public:
  explicit SoleOwnership(std::string nodeId) : nodeId_(std::move(nodeId)) {}
  bool clustered() const override { return false; }
  const std::string& nodeId() const override { return nodeId_; }
  bool acquire(const std::string&) override { return true; }
  std::vector<std::string> renew(const std::vector<std::string>&) override { return {}; }
  void release(const std::string&) override {}
  std::optional<std::string> owner(const std::string&) override { return nodeId_; }
  std::vector<std::string> unheld(const std::vector<std::string>&) override { return {}; }

 private:
  std::string nodeId_;
};

}  // namespace rooms::cluster
