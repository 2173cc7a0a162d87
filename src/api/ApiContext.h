#pragma once
// What the route handlers work with. Everything here lives for the whole process and is used from the
// control-plane thread.
#include <atomic>
#include <cstdint>
#include <functional>

#include "api/ApiKeySet.h"
#include "api/ParticipantToken.h"
#include "api/WebAssets.h"
#include "core/Config.h"
#include "core/Metrics.h"
#include "core/ProcessStats.h"
#include "events/EventLog.h"
#include "events/WebhookOutbox.h"
#include "rooms/RoomManager.h"
#include "store/RoomStore.h"
#include "store/WebhookStore.h"

namespace rooms {

namespace ai {
class SessionIntelligence;
}
namespace signaling {
class SignalingServer;
}
namespace recording {
class RecordingService;
}
namespace cluster {
class ClusterMap;
}
class OwnerForwarder;

struct ApiContext {
  const Config& config;
  ApiKeySet apiKeys;
  ParticipantTokenVerifier tokens;
  RoomManager& rooms;
  RoomStore& roomStore;
  WebhookStore& webhookStore;
  EventLog& events;
  WebhookOutbox& outbox;
  MetricsRegistry& metrics;
  ProcessStats processStats;
  int64_t startedAtMs = 0;
  std::atomic<int64_t> openConnections{0};
  std::atomic<bool> draining{false};
  signaling::SignalingServer* signaling = nullptr;  // null until the media plane is up
  const WebAssets* web = nullptr;
  ai::SessionIntelligence* intelligence = nullptr;    // null when session intelligence is off (unit tests)
  recording::RecordingService* recordings = nullptr;  // null until recording is up
  // Cluster mode (docs/cluster.md); both null on a lone node.
  cluster::ClusterMap* cluster = nullptr;
  OwnerForwarder* forwarder = nullptr;
  // This node takes no new rooms (POST /api/node/drain); its rooms finish.
  std::atomic<bool> drainingRooms{false};
  // Cluster mode: tells the other nodes the webhook registrations changed.
  std::function<void()> onWebhooksChanged;
};

}  // namespace rooms
