#include "cluster/NodeInfo.h"

namespace rooms::cluster {

nlohmann::json NodeInfo::toJson() const {
  return {{"id", id},       {"internalUrl", internalUrl},   {"draining", draining},
          {"rooms", rooms}, {"participants", participants}, {"recognitionBacklog", recognitionBacklog},
          {"cpu", cpu},     {"startedAt", startedAt},       {"heartbeatAt", heartbeatAt}};
}

NodeInfo NodeInfo::fromJson(const nlohmann::json& j) {
  NodeInfo n;
  n.id = j.at("id").get<std::string>();
  n.internalUrl = j.at("internalUrl").get<std::string>();
  n.draining = j.value("draining", false);
  n.rooms = j.value("rooms", int64_t{0});
  n.participants = j.value("participants", int64_t{0});
  n.recognitionBacklog = j.value("recognitionBacklog", int64_t{0});
  n.cpu = j.value("cpu", 0.0);
  n.startedAt = j.value("startedAt", int64_t{0});
  n.heartbeatAt = j.value("heartbeatAt", int64_t{0});
  return n;
}

}  // namespace rooms::cluster
