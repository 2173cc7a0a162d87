#include "cluster/NodeRegistry.h"

#include "core/Log.h"

namespace rooms::cluster {
namespace {
const std::string kNodes = "rooms:nodes";
std::string nodeKey(const std::string& id) {
  return "rooms:node:" + id;
}

std::optional<NodeInfo> parse(const RedisReply& r) {
  if (r.type != RedisReply::Type::String) {
    return std::nullopt;
  }
  try {
    return NodeInfo::fromJson(nlohmann::json::parse(r.text));
  } catch (const std::exception& e) {
    log::warn("cluster_node_unreadable", {{"error", e.what()}});
    return std::nullopt;
  }
}
}  // namespace

void NodeRegistry::heartbeat(const NodeInfo& self) {
  auto replies =
      redis_.pipeline({{"SET", nodeKey(self.id), self.toJson().dump(), "PX", std::to_string(kNodeTtlMs)},
                       {"SADD", kNodes, self.id}});
  for (const auto& r : replies) {
    if (r.type == RedisReply::Type::Error) {
      throw RedisError("Redis heartbeat: " + r.text);
    }
  }
}

std::vector<NodeInfo> NodeRegistry::liveNodes() {
  auto ids = redis_.command({"SMEMBERS", kNodes});
  std::vector<NodeInfo> out;
  if (ids.elements.empty()) {
    return out;
  }
  std::vector<std::string> mget = {"MGET"};
  for (const auto& id : ids.elements) {
    mget.push_back(nodeKey(id.text));
  }
  auto values = redis_.command(mget);
  for (size_t i = 0; i < ids.elements.size() && i < values.elements.size(); ++i) {
    if (auto n = parse(values.elements[i])) {
      out.push_back(std::move(*n));
    } else if (values.elements[i].isNil()) {
      redis_.command({"SREM", kNodes, ids.elements[i].text});
    }
  }
  return out;
}

std::optional<NodeInfo> NodeRegistry::node(const std::string& id) {
  return parse(redis_.command({"GET", nodeKey(id)}));
}

void NodeRegistry::leave(const std::string& id) {
  redis_.pipeline({{"DEL", nodeKey(id)}, {"SREM", kNodes, id}});
}

}  // namespace rooms::cluster
