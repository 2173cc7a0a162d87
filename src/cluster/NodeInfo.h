#pragma once
// What a node says of itself in its heartbeat: where other nodes reach it, whether it takes new rooms, and
// its load, which placement reads (cluster/Placement.h).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace rooms::cluster {

struct NodeInfo {
  std::string id;
  std::string internalUrl;         // where other nodes forward requests (ROOMS_INTERNAL_URL)
  bool draining = false;           // takes no new rooms; its rooms finish
  int64_t rooms = 0;               // open rooms it owns
  int64_t participants = 0;        // connected participants in them (media streams come with each)
  int64_t recognitionBacklog = 0;  // utterances waiting for a recognizer
  double cpu = 0;                  // process CPU over the last heartbeat interval, in cores
  int64_t startedAt = 0;
  int64_t heartbeatAt = 0;

  nlohmann::json toJson() const;
  // Throws nlohmann::json::exception on a malformed heartbeat (another version's, or garbage).
  static NodeInfo fromJson(const nlohmann::json& j);
};

}  // namespace rooms::cluster
