#pragma once
// Where a new room goes: the live node that is not draining with the lowest load score. The score, in
// "participant equivalents" (docs/cluster.md):
//   participants + 2 x rooms + 4 x recognitionBacklog + 10 x cpu
// A connected participant costs its media streams and, while it talks, a recognizer; an open room costs
// about two participants once its session starts, so a node full of rooms about to start is not chosen as
// empty; a backlog of utterances means its recognizers are behind; CPU (in cores) catches what the counts
// miss (recording, summaries). Ties go to the node id, so placement is deterministic for tests.
#include <optional>
#include <string>
#include <vector>

#include "cluster/NodeInfo.h"

namespace rooms::cluster {

double loadScore(const NodeInfo& node);

// nullopt when no live node takes rooms.
std::optional<NodeInfo> choosePlacement(const std::vector<NodeInfo>& liveNodes);

}  // namespace rooms::cluster
