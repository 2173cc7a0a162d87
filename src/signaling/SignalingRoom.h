#pragma once
// The signaling state of one room: a seat per role with its current connection, and the analytics of the
// session. Owned by SignalingServer on the control-plane thread.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "signaling/ConnectionAnalytics.h"
#include "signaling/Negotiator.h"
#include "signaling/SignalingPeer.h"

namespace rooms::signaling {

struct Seat {
  std::string role;
  std::string userId;
  std::string name;
  std::shared_ptr<SignalingPeer> peer;  // null while away
  std::string presenceConnectionId;     // what the room model knows this stay by; kept across reconnects
  bool present = false;
  std::optional<int64_t> lostAtMs;  // connection lost, reconnect grace running since then
  // What the stay ends as when the grace runs out: "node_failed" for a seat whose connection was on a node
  // that died (the room was taken over), "disconnected" otherwise.
  std::string lostReason = "disconnected";
  bool audioMuted = false;
  bool videoMuted = false;
  bool screenSharing = false;
  // A server-side participant (the AI Orb): no socket, its tracks come from inside roomsd.
  bool server = false;
  std::vector<RemoteTrack> serverTracks;
  bool connected() const { return peer != nullptr || server; }
};

struct SignalingRoom {
  std::string roomId;
  std::map<std::string, Seat> seats;  // by role
  ConnectionAnalytics analytics;
  bool analyticsDirty = false;

  // Every track the connected peers publish, as others may receive it.
  std::vector<RemoteTrack> tracks() const;
  // The tracks `role` could receive: everyone's but its own.
  std::vector<RemoteTrack> tracksFor(const std::string& role) const;
  std::shared_ptr<SignalingPeer> peerByConnection(const std::string& connectionId) const;
};

}  // namespace rooms::signaling
