#include "cluster/RedisRoomLeases.h"

#include "core/Log.h"

namespace rooms::cluster {
namespace {
std::string leaseKey(const std::string& roomId) {
  return "rooms:owner:" + roomId;
}
// KEYS[1]: the lease; ARGV[1]: this node; ARGV[2]: the lease in ms.
const std::string kRenew =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return "
    "0";
const std::string kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
}  // namespace

bool RedisRoomLeases::acquire(const std::string& roomId) {
  try {
    auto r = redis_.command({"SET", leaseKey(roomId), nodeId_, "NX", "PX", std::to_string(leaseMs_)});
    if (r.type == RedisReply::Type::Status) {
      return true;
    }
    auto renewed = redis_.command({"EVAL", kRenew, "1", leaseKey(roomId), nodeId_, std::to_string(leaseMs_)});
    return renewed.integer == 1;
  } catch (const RedisError& e) {
    log::warn("cluster_lease_unavailable", {{"roomId", roomId}, {"error", e.what()}});
    return false;
  }
}

std::vector<std::string> RedisRoomLeases::renew(const std::vector<std::string>& roomIds) {
  if (roomIds.empty()) {
    return {};
  }
  std::vector<std::vector<std::string>> commands;
  commands.reserve(roomIds.size());
  for (const auto& id : roomIds) {
    commands.push_back({"EVAL", kRenew, "1", leaseKey(id), nodeId_, std::to_string(leaseMs_)});
  }
  // Redis unreachable: keep the rooms for now. The leases run out on their own if it stays so, and another
  // node that reaches Redis then takes them; renewing again as soon as it answers is all a node can do.
  auto replies = redis_.pipeline(commands);
  std::vector<std::string> lost;
  for (size_t i = 0; i < roomIds.size(); ++i) {
    if (replies[i].type != RedisReply::Type::Integer || replies[i].integer != 1) {
      lost.push_back(roomIds[i]);
    }
  }
  return lost;
}

void RedisRoomLeases::release(const std::string& roomId) {
  try {
    redis_.command({"EVAL", kRelease, "1", leaseKey(roomId), nodeId_});
  } catch (const RedisError& e) {
    log::warn("cluster_lease_release_failed", {{"roomId", roomId}, {"error", e.what()}});
  }
}

std::optional<std::string> RedisRoomLeases::owner(const std::string& roomId) {
  auto r = redis_.command({"GET", leaseKey(roomId)});
  if (r.type != RedisReply::Type::String) {
    return std::nullopt;
  }
  return r.text;
}

std::vector<std::string> RedisRoomLeases::unheld(const std::vector<std::string>& roomIds) {
  if (roomIds.empty()) {
    return {};
  }
  std::vector<std::string> args{"MGET"};
  args.reserve(roomIds.size() + 1);
  for (const auto& id : roomIds) {
    args.push_back(leaseKey(id));
  }
  auto r = redis_.command(args);
  std::vector<std::string> out;
  for (size_t i = 0; i < roomIds.size() && i < r.elements.size(); ++i) {
    if (r.elements[i].type != RedisReply::Type::String) {
      out.push_back(roomIds[i]);
    }
  }
  return out;
}

}  // namespace rooms::cluster
