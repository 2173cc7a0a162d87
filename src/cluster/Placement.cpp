#include "cluster/Placement.h"

namespace rooms::cluster {

double loadScore(const NodeInfo& node) {
  return static_cast<double>(node.participants) + 2.0 * static_cast<double>(node.rooms) +
         4.0 * static_cast<double>(node.recognitionBacklog) + 10.0 * node.cpu;
}

std::optional<NodeInfo> choosePlacement(const std::vector<NodeInfo>& liveNodes) {
  const NodeInfo* best = nullptr;
  double bestScore = 0;
  for (const auto& n : liveNodes) {
    if (n.draining) {
      continue;
    }
    const double s = loadScore(n);
    if (best == nullptr || s < bestScore || (s == bestScore && n.id < best->id)) {
      best = &n;
      bestScore = s;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  return *best;
}

}  // namespace rooms::cluster
