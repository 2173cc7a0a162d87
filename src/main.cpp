// roomsd: one process, one control-plane thread (HTTP, WebSocket, signaling, room lifecycle), a media
// worker thread per core (ICE, DTLS, SRTP, the SFU routers of the rooms placed on it), one webhook delivery
// thread, and the session intelligence's threads (audio, speech recognition, the orb's voice, summaries). See
// docs/architecture.md.
#include <sys/resource.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <iostream>

#include "ai/SessionIntelligence.h"
#include "ai/speech/HttpSpeechRecognizer.h"
#include "ai/speech/PocketsphinxRecognizer.h"
#include "api/ApiService.h"
#include "api/DemoRoom.h"
#include "api/HttpServer.h"
#include "api/OwnerForwarder.h"
#include "cluster/ClusterMap.h"
#include "cluster/NodeRegistry.h"
#include "cluster/RedisConnection.h"
#include "cluster/RedisRoomLeases.h"
#include "cluster/RedisSubscriber.h"
#include "core/Clock.h"
#include "core/Config.h"
#include "core/IoLoop.h"
#include "core/Log.h"
#include "events/EventLog.h"
#include "events/WebhookOutbox.h"
#include "recording/RecordingService.h"
#include "rooms/RoomManager.h"
#include "rtc/AnnouncedAddress.h"
#include "rtc/MediaWorkerPool.h"
#include "signaling/SignalingServer.h"
#include "store/Database.h"
#include "store/EventStore.h"
#include "store/RecordingStore.h"
#include "store/RoomStore.h"
#include "store/Schema.h"
#include "store/SoleWriter.h"
#include "store/WebhookStore.h"

namespace net = boost::asio;
using namespace rooms;

namespace {

void printWelcome(const Config& c, uint16_t port) {
  std::cerr << "roomsd " << ROOMS_VERSION << " listening on port " << port << " (public URL " << c.publicUrl
            << ")\n";
  if (!c.dev) return;
  std::cerr << "Try it:\n"
            << "  curl " << c.publicUrl << "/health\n"
            << "  curl -H 'Authorization: Bearer " << c.apiKeys.substr(0, c.apiKeys.find(',')) << "' "
            << c.publicUrl << "/api/webhooks\n"
            << "Create a room and open its connectionUrls in two browser windows (docs/signaling.md);\n"
            << "the API is described in docs/api.md and docs/openapi.yaml.\n\n";
}

// One recognizer per recognition thread: pocketsphinx, or the HTTP engine falling back to pocketsphinx.
ai::RecognitionWorkers::Factory recognizerFactory(const Config& c) {
  return [c]() -> std::unique_ptr<ai::SpeechRecognizer> {
    if (c.asrUrl.empty()) return std::make_unique<ai::PocketsphinxRecognizer>(c.speechModelDir);
    std::unique_ptr<ai::SpeechRecognizer> fallback;
    try {
      fallback = std::make_unique<ai::PocketsphinxRecognizer>(c.speechModelDir);
    } catch (const std::exception& e) {
      log::warn("asr_fallback_unavailable", {{"error", e.what()}});
    }
    return std::make_unique<ai::HttpSpeechRecognizer>(
        ai::OpenAiEndpoint{c.asrUrl, c.asrKey, c.asrModel, c.asrTimeoutMs}, std::move(fallback));
  };
}

// The soft descriptor limit is often 1024 while the hard one is far higher: every HTTP connection, ICE-TCP
// connection and WebSocket needs one, so roomsd takes what it is allowed.
void raiseDescriptorLimit() {
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0) return;
  const rlim_t before = nofile.rlim_cur;
  if (nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &nofile) != 0) nofile.rlim_cur = before;
  }
  log::info("descriptor_limit", {{"soft", static_cast<uint64_t>(nofile.rlim_cur)},
                                 {"was", static_cast<uint64_t>(before)},
                                 {"hard", static_cast<uint64_t>(nofile.rlim_max)}});
}

int runServer(Config config) {
  raiseDescriptorLimit();
  std::filesystem::create_directories(config.dataDir);
  const std::string dbLocation = config.databaseUrl.empty()
                                     ? (std::filesystem::path(config.dataDir) / "rooms.db").string()
                                     : config.databaseUrl;
  const std::unique_ptr<Database> database = Database::open(dbLocation, config.dbSynchronous);
  Database& db = *database;
  // Cluster mode (docs/cluster.md): the nodes share the store and hold rooms by lease in Redis.
  std::unique_ptr<cluster::RedisConnection> redis;
  std::unique_ptr<cluster::NodeRegistry> registry;
  std::unique_ptr<cluster::RedisRoomLeases> leases;
  std::unique_ptr<cluster::ClusterMap> clusterMap;
  std::unique_ptr<OwnerForwarder> forwarder;
  cluster::NodeInfo self;
  if (config.clustered()) {
    cluster::RedisUrl redisUrl;
    try {
      redisUrl = cluster::RedisUrl::parse(config.redisUrl);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    redis = std::make_unique<cluster::RedisConnection>(redisUrl);
    registry = std::make_unique<cluster::NodeRegistry>(*redis);
    leases = std::make_unique<cluster::RedisRoomLeases>(*redis, config.nodeId);
    clusterMap = std::make_unique<cluster::ClusterMap>(*registry, *leases);
    forwarder = std::make_unique<OwnerForwarder>(config.nodeId, config.jwtSecret, 10000);
    self.id = config.nodeId;
    self.internalUrl = config.internalUrl;
    self.startedAt = nowMs();
    self.heartbeatAt = nowMs();
    try {
      if (auto other = registry->node(self.id); other && other->internalUrl != self.internalUrl) {
        throw std::runtime_error("another live node already calls itself " + self.id + " (at " +
                                 other->internalUrl + "): give each node its own ROOMS_NODE_ID");
      }
      registry->heartbeat(self);
    } catch (const cluster::RedisError& e) {
      throw std::runtime_error(std::string("cannot use Redis (ROOMS_REDIS_URL): ") + e.what());
    }
    log::info("cluster_joined",
              {{"node", self.id}, {"internalUrl", self.internalUrl}, {"redis", redisUrl.redacted()}});
  } else {
    claimSoleWriter(db);  // before migrating: a database another roomsd runs on is not ours to change
  }
  migrateSchema(db);
  log::info("store_opened", {{"engine", db.engine()}});
  RoomStore roomStore(db);
  EventStore eventStore(db);
  WebhookStore webhookStore(db);
  RecordingStore recordingStore(db);
  MetricsRegistry metrics;

  EventLog events(eventStore, webhookStore, metrics);
  WebhookOutboxOptions outboxOptions;
  outboxOptions.databaseLocation = dbLocation;
  outboxOptions.synchronous = config.dbSynchronous;
  outboxOptions.defaultSecret = config.webhookSecret;
  outboxOptions.retryWindowMs = config.webhookRetryHours * 3600 * 1000;
  outboxOptions.backoffBaseMs = config.webhookBackoffBaseMs;
  outboxOptions.backoffMaxMs = config.webhookBackoffMaxMs;
  outboxOptions.attemptTimeoutMs = config.webhookTimeoutMs;
  outboxOptions.userAgent = std::string("roomsd/") + ROOMS_VERSION;
  outboxOptions.targets = WebhookTargetPolicy(config.webhookAllowedNetworks, config.webhookDeniedNetworks);
  WebhookOutbox outbox(outboxOptions, metrics);
  events.setDeliveryWakeup([&outbox] { outbox.wake(); });

  RoomManager rooms(db, roomStore, events, metrics,
                    RoomManagerOptions{config.noShowGraceSeconds * 1000, leases.get()});
  rooms.recover(nowMs());

  ApiContext ctx{config,
                 ApiKeySet::parse(config.apiKeys),
                 ParticipantTokenVerifier(config.jwtSecret),
                 rooms,
                 roomStore,
                 webhookStore,
                 events,
                 outbox,
                 metrics,
                 ProcessStats{},
                 nowMs(),
                 {0},
                 {false}};
  WebAssets web = WebAssets::load(WebAssets::locate(config.webDir));
  if (web.size() == 0) log::warn("web_assets_missing", {{"dir", web.dir()}});
  ctx.web = &web;
  ctx.cluster = clusterMap.get();
  ctx.forwarder = forwarder.get();

  net::io_context io(1);

  // Cluster mode: every event this node commits goes to the other nodes' events WebSockets, and a change of
  // the webhook registrations makes every node re-read them (they queue the deliveries of their rooms).
  const std::string kEventsChannel = "rooms:events";
  const std::string kWebhooksChannel = "rooms:webhooks";
  std::unique_ptr<cluster::RedisSubscriber> subscriber;
  if (config.clustered()) {
    events.setRelay([&](const Event& e) {
      nlohmann::json m = {{"node", self.id}, {"id", e.id},         {"roomId", e.roomId},
                          {"type", e.type},  {"data", e.dataJson}, {"createdAt", e.createdAt}};
      try {
        redis->command({"PUBLISH", kEventsChannel, m.dump()});
      } catch (const cluster::RedisError& ex) {
        // Stored all the same: a subscriber elsewhere gets it on its next replay (since=).
        log::warn("cluster_event_relay_failed", {{"eventId", e.id}, {"error", ex.what()}});
      }
    });
    ctx.onWebhooksChanged = [&] {
      try {
        redis->command({"PUBLISH", kWebhooksChannel, self.id});
      } catch (const cluster::RedisError& ex) {
        log::warn("cluster_webhooks_relay_failed", {{"error", ex.what()}});
      }
    };
    subscriber = std::make_unique<cluster::RedisSubscriber>(
        redis->url(), std::vector<std::string>{kEventsChannel, kWebhooksChannel},
        [&](const std::string& channel, const std::string& message) {
          if (channel == kWebhooksChannel) {
            if (message != self.id) net::post(io, [&events] { events.reloadWebhooks(); });
            return;
          }
          auto m = nlohmann::json::parse(message);
          if (m.at("node").get<std::string>() == self.id) return;
          Event e{m.at("id").get<int64_t>(), m.at("roomId").get<std::string>(),
                  m.at("type").get<std::string>(), m.at("data").get<std::string>(),
                  m.at("createdAt").get<int64_t>()};
          net::post(io, [&events, e = std::move(e)] { events.deliverRemote(e); });
        });
    subscriber->start();
  }

  rtc::MediaWorkerPool::Options mediaOptions;
  mediaOptions.worker.bindAddress = config.bindAddress;
  mediaOptions.worker.port = config.mediaPort;
  mediaOptions.worker.maxVideoBitrate = config.maxVideoBitrate;
  mediaOptions.worker.statsIntervalMs = 2000;
  mediaOptions.workers = config.mediaWorkers;
  mediaOptions.pinToCores = config.mediaPinCores;
  rtc::MediaWorkerPool media(mediaOptions);
  signaling::SignalingServer::Options signalingOptions;
  signalingOptions.announcedIp =
      config.announcedIp.empty() ? rtc::detectAnnouncedIp(config.mediaInterface) : config.announcedIp;
  signalingOptions.iceUdp = config.iceUdp;
  signalingOptions.reconnectGraceMs = config.reconnectGraceSeconds * 1000;
  signalingOptions.consentTimeoutMs = config.iceConsentTimeoutSeconds * 1000;
  signalingOptions.turnUrls = config.turnUrls;
  signalingOptions.turnSecret = config.turnSecret;
  signalingOptions.turnTtlSeconds = config.turnCredentialTtlSeconds;
  signaling::SignalingServer signaling(io, rooms, rooms, roomStore, media, signalingOptions);
  rooms.addObserver(&signaling);
  media.start(signaling);
  ctx.signaling = &signaling;

  ai::SessionIntelligence::Options aiOptions;
  aiOptions.asrThreads = config.asrThreads;
  // A recognizer is about 100 MB: one per thread and one more, so two people talking at once are both
  // heard as they speak; a third speaker at the same moment is recognised when they stop (docs/ai.md).
  aiOptions.asrRecognizers = config.asrThreads + 1;
  aiOptions.recognizerFactory = recognizerFactory(config);
  aiOptions.orbTiming.checkInIntervalMs = config.orbCheckInSeconds * 1000;
  aiOptions.orbTiming.firstCheckInMs = std::min<int64_t>(60000, config.orbCheckInSeconds * 1000);
  ai::SessionIntelligence intelligence(io, config, aiOptions, rooms, roomStore, signaling, media);
  rooms.addObserver(&intelligence);
  signaling.setAudioListener(&intelligence);
  intelligence.start();
  ctx.intelligence = &intelligence;

  recording::RecordingService::Options recordingOptions;
  recordingOptions.directory = config.recordingsDir.empty()
                                   ? (std::filesystem::path(config.dataDir) / "recordings").string()
                                   : config.recordingsDir;
  recordingOptions.retentionDays = config.recordingRetentionDays;
  recordingOptions.ffmpeg = config.ffmpegPath;
  recording::RecordingService recordings(io, recordingOptions, db, recordingStore, events, rooms, signaling,
                                         media, metrics);
  rooms.addObserver(&recordings);
  signaling.setPublicationListener(&recordings);
  recordings.start();
  ctx.recordings = &recordings;
  // Every worker's port must be reachable: a firewall that opens only the first loses the rooms of the
  // others.
  std::string ports = std::to_string(media.worker(0).port());
  for (size_t i = 1; i < media.size(); ++i) {
    ports += "," + std::to_string(media.worker(i).port());
  }
  log::info(
      "media_announced",
      {{"ip", signalingOptions.announcedIp}, {"workers", media.size()}, {"ports", ports + " (udp and tcp)"}});

  ApiService api(ctx);
  HttpServer server(io, api, config);
  server.start();
  outbox.start();
  printWelcome(config, server.port());
  if (config.dev) {
    try {
      // The demo room has the AI Orb with assistance on, so a first call shows all of it: say "Orb, ..." to
      // it.
      DemoRoomOptions demoOptions;
      demoOptions.aiOrbEnabled = true;
      const DemoRoom demo = createDemoRoom(ctx, nowMs(), demoOptions);
      std::cerr << "Demo room " << demo.roomId << " (one hour, with the AI Orb): open these two links in two "
                << "browser windows\n"
                << "  coach:  " << demo.coachUrl << "\n"
                << "  client: " << demo.clientUrl << "\n";
      if (config.consoleEnabled()) {
        std::cerr << "Or open the demo console, which creates rooms and shows their events, transcript and "
                     "summary:\n"
                  << "  " << config.publicUrl << "/\n";
      }
      std::cerr << "\n";
    } catch (const std::exception& e) {
      log::warn("demo_room_failed", {{"error", e.what()}});
    }
  }

  // /metrics names the node and what it sees of the cluster (docs/cluster.md).
  Gauge& clusterNodes =
      metrics.gauge("rooms_cluster_nodes", "Live nodes of the cluster as this node sees them");
  Gauge& clusterDraining =
      metrics.gauge("rooms_cluster_node_draining", "1 while this node takes no new rooms (drain)");
  if (registry) {
    metrics.gauge("rooms_cluster_node_info", "This cluster node's id", {{"node", self.id}}).Set(1);
  }
  net::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      try {
        if (registry) {
          self.rooms = static_cast<int64_t>(rooms.openRooms());
          self.participants = static_cast<int64_t>(rooms.connectedParticipants());
          self.cpu = ctx.processStats.cpuPercent() / 100.0;  // in cores, as the placement score counts it
          self.draining = ctx.drainingRooms || ctx.draining;
          self.recognitionBacklog = static_cast<int64_t>(intelligence.stats().recognitionQueued);
          rooms.setTakingOrphans(!self.draining);
          self.heartbeatAt = nowMs();
          clusterDraining.Set(self.draining ? 1 : 0);
          try {
            registry->heartbeat(self);
            clusterNodes.Set(static_cast<double>(registry->liveNodes().size()));
          } catch (const cluster::RedisError& e) {
            log::warn("cluster_heartbeat_failed", {{"error", e.what()}});
          }
        }
        rooms.tick(nowMs());
        signaling.tick(nowMs());
        recordings.tick(nowMs());
      } catch (const std::exception& e) {
        log::error("tick_failed", {{"error", e.what()}});
      }
      tick();
    });
  };
  tick();

  net::signal_set signals(io, SIGINT, SIGTERM);
  net::steady_timer drainTimer(io);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    log::info("shutting_down", {{"signal", sig}});
    ctx.draining = true;
    server.stopAccepting();
    ticker.cancel();
    events.shutdown("server shutting down");
    signaling.shutdown();
    // Give close frames and in-flight responses a moment, bounded by the grace period.
    drainTimer.expires_after(std::chrono::milliseconds(std::min<int64_t>(config.shutdownGraceMs, 500)));
    drainTimer.async_wait([&](boost::system::error_code) { io.stop(); });
  });

  // A handler that throws must not take the service down: log it and keep serving.
  runResilient(io, "handler_exception");
  ctx.signaling = nullptr;
  ctx.intelligence = nullptr;
  ctx.recordings = nullptr;
  recordings.stop();
  intelligence.stop();
  media.stop();
  outbox.stop();
  if (subscriber) subscriber->stop();
  if (registry) {
    // Gone at once rather than after the expiry: the other nodes take the rooms on their next scan.
    try {
      rooms.releaseAll();
      registry->leave(self.id);
    } catch (const std::exception& e) {
      log::warn("cluster_leave_failed", {{"error", e.what()}});
    }
  }
  db.driver().checkpoint();
  log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Config config = Config::load(argc, argv);
    log::init(config.logLevel, config.logFormat);
    config.resolveSecrets();
    return runServer(std::move(config));
  } catch (const std::exception& e) {
    std::cerr << "roomsd: " << e.what() << "\n";
    return 1;
  }
}
